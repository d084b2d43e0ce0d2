/**
 * A use case reads the clock once (issue 11, item 14): "today" read twice across midnight made
 * the borrow date equal to the return date just checked — a CHECK failure and a 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/kernel/clock.js';
import { type ApiWorld, createApiWorld } from '../helpers/api.js';
import { createWorld, makeBook, makeReader, type World } from '../helpers/world.js';

/** From now on every read of the clock returns the time and then moves it `stepMs` forward. */
function tickOnEveryRead(clock: ManualClock, start: string, stepMs = 1): { reads: () => number } {
  clock.set(start);
  const read = clock.now.bind(clock);
  let reads = 0;
  clock.now = () => {
    reads++;
    const t = read();
    clock.advance(stepMs);
    return t;
  };
  return { reads: () => reads };
}

// One millisecond before midnight in the library's time zone (UTC): the first read is still
// 2026-03-10, the second is already 2026-03-11.
const LAST_MS = '2026-03-10T23:59:59.999Z';

let api: ApiWorld | undefined;
let world: World | undefined;
afterEach(async () => {
  await api?.close();
  await world?.close();
  api = undefined;
  world = undefined;
});

describe('a use case reads the clock once, so midnight cannot split it', () => {
  it('POST /api/borrowings/ across midnight answers 201 with a return date after the borrow date, never a 500', async () => {
    api = await createApiWorld();
    const reader = await api.user();
    const book = await api.book({ inventory: 5 });
    const ticking = tickOnEveryRead(api.clock, LAST_MS);

    const res = await api.req('POST', '/api/borrowings/', {
      token: reader.access,
      body: { book_id: book.id, expected_return_date: '2026-03-11' },
    });

    expect(res.status).toBe(201);
    expect(res.body.borrow_date).toBe('2026-03-10');
    expect(res.body.expected_return_date).toBe('2026-03-11');
    expect(res.body.expected_return_date > res.body.borrow_date).toBe(true);
    expect(ticking.reads()).toBeGreaterThan(0);
    // The rent is for the one day that was checked.
    expect(res.body.payments[0].money_to_pay).toBe('1.00');
  });

  it('the same request a millisecond later is a clean 400: the loan would end today', async () => {
    api = await createApiWorld();
    const reader = await api.user();
    const book = await api.book({ inventory: 5 });
    tickOnEveryRead(api.clock, '2026-03-11T00:00:00.000Z');
    const res = await api.req('POST', '/api/borrowings/', {
      token: reader.access,
      body: { book_id: book.id, expected_return_date: '2026-03-11' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_LOAN_PERIOD', details: { min: '2026-03-12', max: '2026-04-10' } });
  });

  it('a one-day quote across midnight is quoted, not refused', async () => {
    world = await createWorld();
    const book = await makeBook(world.core, { daily_fee: '0.75' });
    tickOnEveryRead(world.clock, LAST_MS);
    expect(await world.core.borrowings.quote(book.id, 1)).toMatchObject({
      borrow_date: '2026-03-10',
      expected_return_date: '2026-03-11',
      days: 1,
    });
  });

  it('a return across midnight dates the return and its fine from one reading', async () => {
    world = await createWorld();
    const book = await makeBook(world.core, { daily_fee: '1.00' });
    const { actor } = await makeReader(world.core);
    const { borrowing } = await world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: '2026-03-12' });
    // 2026-03-13 is the first overdue day; its last millisecond turns into the second.
    tickOnEveryRead(world.clock, '2026-03-13T23:59:59.999Z');
    const { borrowing: returned, fine } = await world.core.borrowings.returnBook(actor, borrowing.id);
    expect(returned.actual_return_date).toBe('2026-03-13');
    expect(fine?.money_to_pay).toBe('2.00'); // one day late × 1.00 × FINE_MULTIPLIER 2
    expect(fine?.created_at.slice(0, 10)).toBe('2026-03-13');
  });

  it('a webhook records the payment and the event at the one instant it read', async () => {
    world = await createWorld();
    const book = await makeBook(world.core);
    const { actor } = await makeReader(world.core);
    const { borrowing } = await world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: '2026-03-12' });
    const sessionId = borrowing.payments[0]!.session_id!;
    await world.stripe.api.pay(sessionId);
    const event = [...world.stripe.api.events].reverse().find((e) => e.type === 'checkout.session.completed')!;
    const payload = JSON.stringify(event);
    tickOnEveryRead(world.clock, LAST_MS);
    expect(await world.core.payments.handleWebhook(payload, world.stripe.api.sign(payload, 'whsec_test_secret'))).toMatchObject({
      applied: true,
    });
    const paid = await world.db
      .selectFrom('payments')
      .select('paid_at')
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    const seen = await world.db
      .selectFrom('stripe_events')
      .select('processed_at')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(paid.paid_at).toBe(LAST_MS);
    expect(seen.processed_at).toBe(LAST_MS);
  });
});
