/**
 * The overdue notice tells a reader the fine that returning the book would charge (issue 11,
 * item 16): one rule — core's fine with Stripe's $0.50 minimum — whether computed per loan in
 * core or set-based in the job's SQL.
 */

import { Api } from 'grammy';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { type Config, testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { fineCents, fineCentsSql, fineChargeCents, fineChargeCentsSql } from '../../core/kernel/charges.js';
import { addDays, ManualClock, todayIn } from '../../core/kernel/clock.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import type { DB } from '../../db/connection.js';
import { type PaymentGateway, PaymentGatewayError } from '../../gateways/stripe.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { openTestDatabase } from '../helpers/engine.js';

const TOKEN = '123456:TEST-fines';
const STAFF = { userId: 0, isStaff: true };

/** Stripe is not needed here: fines stay PENDING without a session, amounts are what counts. */
const offline: PaymentGateway = new Proxy({} as PaymentGateway, {
  get: () => async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'offline');
  },
});

let db: DB;
let clock: ManualClock;
let core: Core;
let tg: FakeTelegram;

async function setup(env: Record<string, string> = {}) {
  ({ db } = await openTestDatabase());
  const config: Config = testConfig({ TELEGRAM_STAFF_CHAT_ID: '-100555', ...env });
  core = createCore({ db, clock, config, gateway: offline, logger: silentLogger() });
}

beforeEach(async () => {
  clock = new ManualClock('2026-03-10T10:00:00Z');
  tg = await startFakeTelegram({ token: TOKEN });
});

afterEach(async () => {
  await db?.destroy();
  await tg.close();
});

const today = () => todayIn(clock, 'UTC');
let seq = 0;

async function overdueLoan(feeCents: number, daysLate: number, telegram: number | null = null) {
  seq++;
  const user = await db
    .insertInto('users')
    .values({ email: `fine${seq}@example.test`, first_name: 'F', last_name: String(seq), telegram_user_id: telegram })
    .returning('id')
    .executeTakeFirstOrThrow();
  const book = await db
    .insertInto('books')
    .values({ title: `Cheap ${seq}`, author: 'A', isbn: null, cover: 'SOFT', inventory: 1, daily_fee_cents: feeCents })
    .returning('id')
    .executeTakeFirstOrThrow();
  const due = addDays(today(), -daysLate);
  const loan = await db
    .insertInto('borrowings')
    .values({
      book_id: book.id,
      user_id: user.id,
      borrow_date: addDays(due, -3),
      expected_return_date: due,
      actual_return_date: null,
      created_at: clock.now().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return loan.id;
}

describe('the overdue notice quotes the fine that returning the book charges', () => {
  it('a 0.10 USD/day book one day late: the notice says 0.50 USD, and the return charges 0.50 USD', async () => {
    await setup();
    tg.api.registerChat({ id: 7001, type: 'private', first_name: 'Cheap' });
    const loan = await overdueLoan(10, 1, 7001);

    await core.notices.overdueNotices(SYSTEM_ACTOR);
    await dispatchOutbox(
      {
        db,
        api: new Api(TOKEN, { apiRoot: tg.apiRoot }),
        clock,
        logger: silentLogger(),
        notices: createNoticeRenderer({ facts: createNoticeFacts(db) }),
      },
      { perChatIntervalMs: 10 },
    );
    const [notice] = tg.api.transcript(7001).filter((m) => m.from === 'bot');
    expect(notice?.text).toContain('a late fine of 0.20 USD per day');
    expect(notice?.text).toContain('(so far 0.50 USD)');

    const { fine } = await core.borrowings.returnBook(STAFF, loan);
    expect(fine?.money_to_pay).toBe('0.50');
  });

  it('the queued estimate equals the charged fine for every loan, across fees, days late and multipliers', async () => {
    for (const multiplier of ['2', '1.5', '0.35']) {
      await db?.destroy();
      await setup({ FINE_MULTIPLIER: multiplier });
      const loans: number[] = [];
      let chat = 8000;
      for (const fee of [1, 7, 10, 24, 25, 33, 99, 150, 1999]) {
        for (const days of [1, 2, 3, 7, 30]) loans.push(await overdueLoan(fee, days, ++chat));
      }
      await core.notices.overdueNotices(SYSTEM_ACTOR);
      const quoted = new Map(
        (await db.selectFrom('outbox').select(['payload']).where('kind', '=', 'reader.overdue').execute()).map((r) => {
          const p = JSON.parse(r.payload) as { borrowing_id: number; fine_so_far_cents: number };
          return [p.borrowing_id, p.fine_so_far_cents];
        }),
      );
      expect(quoted.size).toBe(loans.length);
      for (const id of loans) {
        const { fine } = await core.borrowings.returnBook(STAFF, id);
        const charged = await db
          .selectFrom('payments')
          .select('money_to_pay_cents')
          .where('id', '=', fine!.id)
          .executeTakeFirstOrThrow();
        expect({ multiplier, id, quoted: quoted.get(id) }).toEqual({ multiplier, id, quoted: charged.money_to_pay_cents });
      }
    }
  });

  it('the SQL form of the fine equals core’s for every fee up to 5.00 USD, 1–60 days and several multipliers', async () => {
    await setup();
    for (const multiplier of [2, 1.5, 1, 0.35, 1.15, 3.33]) {
      const fee = sql.ref<number>('f.n');
      const days = sql.ref<number>('d.n');
      const { rows } = await sql<{ fee: number; days: number; fine: number; charge: number }>`
        WITH RECURSIVE
          f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f WHERE n < 500),
          d(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM d WHERE n < 60)
        SELECT f.n AS fee, d.n AS days, ${fineCentsSql(db, fee, days, multiplier)} AS fine, ${fineChargeCentsSql(db, fee, days, multiplier)} AS charge
        FROM f, d`.execute(db);
      expect(rows).toHaveLength(30_000);
      const wrong = rows.filter(
        (r) => r.fine !== fineCents(r.fee, r.days, multiplier) || r.charge !== fineChargeCents(r.fee, r.days, multiplier),
      );
      expect({ multiplier, wrong: wrong.slice(0, 5) }).toEqual({ multiplier, wrong: [] });
    }
  });
});
