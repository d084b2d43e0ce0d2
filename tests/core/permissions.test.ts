/**
 * Every core use case that writes, or reads beyond the caller's own records, checks the Actor
 * itself (issue 12): called directly — no API, no bot in front — a reader is refused as the
 * doors answer (FORBIDDEN for staff-only work, NOT_FOUND for someone else's record) and nothing
 * changes; the actor it is meant for gets past the check. The service's own SYSTEM_ACTOR has
 * staff rights but no account, so a use case done for one's own account refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, SYSTEM_ACTOR, type UserActor } from '../../core/index.js';
import { sandboxPersonas } from '../../sandbox/index.js';
import { createWorld, makeBook, makeReader, makeStaff, type World } from '../helpers/world.js';

interface Fixture {
  w: World;
  /** The caller: a plain reader. */
  reader: UserActor;
  /** Another reader, owner of `loan` and `payment` (paid). */
  other: UserActor;
  staff: UserActor;
  bookId: number;
  /** A book nobody holds, for a removal that can succeed. */
  spareBookId: number;
  loanId: number;
  paymentId: number;
  /** `other`'s hold on a book that is out. */
  holdId: number;
  queuedBookId: number;
}

let f: Fixture;

beforeAll(async () => {
  const w = await createWorld();
  const reader = (await makeReader(w.core)).actor;
  const other = (await makeReader(w.core, { telegramId: 4242 })).actor;
  const staff = (await makeStaff(w.core)).actor;
  const book = await makeBook(w.core, { title: 'Solaris', isbn: '978-0156027601' });
  const spare = await makeBook(w.core, { title: 'Spare' });
  const { borrowing } = await w.core.borrowings.borrow(other, { book_id: book.id, expected_return_date: '2026-03-15' });
  const payment = borrowing.payments[0]!;
  await w.stripe.api.pay(payment.session_id!);
  await w.core.payments.confirmSession(payment.session_id!);
  const queued = await makeBook(w.core, { title: 'Queued', inventory: 0 });
  const hold = await w.core.holds.place(other, { book_id: queued.id });
  f = {
    w,
    reader,
    other,
    staff,
    bookId: book.id,
    spareBookId: spare.id,
    loanId: borrowing.id,
    paymentId: payment.id,
    holdId: hold.id,
    queuedBookId: queued.id,
  };
});

afterAll(async () => {
  await f?.w.close();
});

/** Everything a refused call could have changed, read in one go. */
async function snapshot() {
  const { db } = f.w;
  return {
    books: await db.selectFrom('books').select(['id', 'title', 'inventory', 'deleted_at']).orderBy('id').execute(),
    users: await db
      .selectFrom('users')
      .select(['id', 'email', 'is_staff', 'language', 'password_hash', 'token_epoch'])
      .orderBy('id')
      .execute(),
    borrowings: await db.selectFrom('borrowings').select(['id', 'actual_return_date']).orderBy('id').execute(),
    payments: await db.selectFrom('payments').select(['id', 'status', 'session_id']).orderBy('id').execute(),
    outbox: await db.selectFrom('outbox').select('id').orderBy('id').execute(),
    linkCodes: await db.selectFrom('telegram_link_codes').select('code').execute(),
    holds: await db.selectFrom('holds').select(['id', 'user_id', 'status', 'ready_until']).orderBy('id').execute(),
    bookCounters: await db.selectFrom('books').select(['id', 'held', 'waiting']).orderBy('id').execute(),
    settings: await db.selectFrom('settings').selectAll().orderBy('key').execute(),
  };
}

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code ?? `threw ${String(e)}`;
  }
}

const librarian = sandboxPersonas(-100).find((p) => p.id === 'librarian')!.user;

type Allowed = 'staff' | 'system' | 'owner';

/** use case, how a reader is refused, who gets past the check, the call. */
const cases: Array<[string, 'FORBIDDEN' | 'NOT_FOUND', Allowed, (actor: Actor) => Promise<unknown>]> = [
  [
    'books.create',
    'FORBIDDEN',
    'staff',
    (a) => f.w.core.books.create(a, { title: 'New', author: 'A', cover: 'SOFT', inventory: 1, daily_fee: '1.00' }),
  ],
  ['books.update', 'FORBIDDEN', 'staff', (a) => f.w.core.books.update(a, f.bookId, { title: 'Solaris (2nd ed.)' }, true)],
  ['books.setInventory', 'FORBIDDEN', 'staff', (a) => f.w.core.books.setInventory(a, f.bookId, 9)],
  ['books.remove', 'FORBIDDEN', 'staff', (a) => f.w.core.books.remove(a, f.spareBookId)],
  ['reports.activeLoans', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.activeLoans(a, { limit: 10 })],
  ['reports.overdueLoans', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.overdueLoans(a, { limit: 10 })],
  ['reports.overdueCounts', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.overdueCounts(a)],
  ['reports.loansOf', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.loansOf(a, f.other.userId, { limit: 10 })],
  ['reports.findReader', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.findReader(a, `#${f.other.userId}`)],
  ['reports.dayStats', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.dayStats(a)],
  ['reports.unpaidPayments of another reader', 'FORBIDDEN', 'staff', (a) => f.w.core.reports.unpaidPayments(a, f.other.userId)],
  ['borrowings.get of another reader', 'NOT_FOUND', 'owner', (a) => f.w.core.borrowings.get(a, f.loanId)],
  ['borrowings.list filtered by user_id', 'FORBIDDEN', 'staff', (a) => f.w.core.borrowings.list(a, { userId: f.other.userId })],
  ['borrowings.activeFor another reader', 'FORBIDDEN', 'staff', (a) => f.w.core.borrowings.activeFor(a, f.other.userId)],
  ['payments.get of another reader', 'NOT_FOUND', 'owner', (a) => f.w.core.payments.get(a, f.paymentId)],
  ['payments.list filtered by user_id', 'FORBIDDEN', 'staff', (a) => f.w.core.payments.list(a, { userId: f.other.userId })],
  // The owner gets past the check and is told why this paid payment cannot be renewed.
  ['payments.renew of another reader', 'NOT_FOUND', 'owner', (a) => f.w.core.payments.renew(a, f.paymentId)],
  ['payments.expireDue', 'FORBIDDEN', 'system', (a) => f.w.core.payments.expireDue(a)],
  ['users.get of another reader', 'NOT_FOUND', 'staff', (a) => f.w.core.users.get(a, f.other.userId)],
  [
    'users.createOrPromoteStaff',
    'FORBIDDEN',
    'system',
    (a) => f.w.core.users.createOrPromoteStaff(a, 'new.staff@example.test', 'a long password'),
  ],
  ['users.promoteSandboxLibrarian', 'FORBIDDEN', 'system', (a) => f.w.core.users.promoteSandboxLibrarian(a, librarian)],
  ['users.revokeSandboxLibrarian', 'FORBIDDEN', 'system', (a) => f.w.core.users.revokeSandboxLibrarian(a, librarian.id)],
  ['notices.dueSoonReminders', 'FORBIDDEN', 'system', (a) => f.w.core.notices.dueSoonReminders(a)],
  ['notices.overdueNotices', 'FORBIDDEN', 'system', (a) => f.w.core.notices.overdueNotices(a)],
  ['demo.loadCatalogue', 'FORBIDDEN', 'system', (a) => f.w.core.demo.loadCatalogue(a)],
  ['demo.loadCatalogueIfEmpty', 'FORBIDDEN', 'system', (a) => f.w.core.demo.loadCatalogueIfEmpty(a)],
  ['demo.ensureStaffAccount', 'FORBIDDEN', 'system', (a) => f.w.core.demo.ensureStaffAccount(a)],
  ['holds.get of another reader', 'NOT_FOUND', 'owner', (a) => f.w.core.holds.get(a, f.holdId)],
  ['holds.list filtered by user_id', 'FORBIDDEN', 'staff', (a) => f.w.core.holds.list(a, { userId: f.other.userId })],
  ['holds.queue', 'FORBIDDEN', 'staff', (a) => f.w.core.holds.queue(a, f.queuedBookId)],
  ['holds.expireDue', 'FORBIDDEN', 'system', (a) => f.w.core.holds.expireDue(a)],
  [
    'borrowings.extensionQuote of another reader',
    'NOT_FOUND',
    'owner',
    (a) => f.w.core.borrowings.extensionQuote(a, f.loanId, '2026-03-20'),
  ],
  // Last: these change the hold, the loan and the payment the rows above read.
  ['holds.cancel of another reader', 'NOT_FOUND', 'owner', (a) => f.w.core.holds.cancel(a, f.holdId)],
  [
    'borrowings.extend of another reader',
    'NOT_FOUND',
    'owner',
    (a) => f.w.core.borrowings.extend(a, f.loanId, { expected_return_date: '2026-03-20' }),
  ],
  ['borrowings.returnBook of another reader', 'NOT_FOUND', 'staff', (a) => f.w.core.borrowings.returnBook(a, f.loanId)],
  ['payments.refund', 'FORBIDDEN', 'staff', (a) => f.w.core.payments.refund(a, f.paymentId)],
];

describe('a reader calling core directly is refused, and nothing changes', () => {
  for (const [name, refused, allowed, call] of cases) {
    it(`${name}: ${refused} for a reader; ${allowed === 'owner' ? 'its owner' : allowed === 'system' ? 'the service (SYSTEM_ACTOR)' : 'staff'} gets past the check`, async () => {
      const before = await snapshot();
      expect(await outcome(call(f.reader))).toBe(refused);
      expect(await snapshot()).toEqual(before);
      const actor = allowed === 'owner' ? f.other : allowed === 'system' ? SYSTEM_ACTOR : f.staff;
      expect(await outcome(call(actor))).not.toBe(refused);
    });
  }
});

describe('the service (SYSTEM_ACTOR) has no account of its own', () => {
  const own: Array<[string, () => Promise<unknown>]> = [
    [
      'borrowings.borrow',
      () => f.w.core.borrowings.borrow(SYSTEM_ACTOR, { book_id: f.bookId, expected_return_date: '2026-03-15' }),
    ],
    ['borrowings.activeFor (own loans)', () => f.w.core.borrowings.activeFor(SYSTEM_ACTOR)],
    ['holds.place', () => f.w.core.holds.place(SYSTEM_ACTOR, { book_id: f.queuedBookId })],
    ['reports.unpaidPayments (own payments)', () => f.w.core.reports.unpaidPayments(SYSTEM_ACTOR)],
    ['payments.renew', () => f.w.core.payments.renew(SYSTEM_ACTOR, f.paymentId)],
    ['users.get (own profile)', () => f.w.core.users.get(SYSTEM_ACTOR)],
    ['users.updateProfile', () => f.w.core.users.updateProfile(SYSTEM_ACTOR, { first_name: 'System' }, true)],
    ['users.setLanguage', () => f.w.core.users.setLanguage(SYSTEM_ACTOR, 'uk')],
    ['users.createLinkCode', () => f.w.core.users.createLinkCode(SYSTEM_ACTOR, { current_password: 'whatever it is' })],
  ];
  for (const [name, call] of own) {
    it(`${name} refuses it (FORBIDDEN) and changes nothing`, async () => {
      const before = await snapshot();
      expect(await outcome(call())).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    });
  }

  it("while its staff rights reach every reader's records", async () => {
    expect(await f.w.core.borrowings.activeFor(SYSTEM_ACTOR, f.reader.userId)).toEqual([]);
    expect((await f.w.core.users.get(SYSTEM_ACTOR, f.other.userId)).id).toBe(f.other.userId);
    // (The loan's extension above added its extra rent beside the first.)
    expect((await f.w.core.payments.list(SYSTEM_ACTOR, { userId: f.other.userId })).results.map((p) => p.id)).toContain(
      f.paymentId,
    );
    expect((await f.w.core.holds.list(SYSTEM_ACTOR, { userId: f.other.userId })).results.map((h) => h.id)).toEqual([f.holdId]);
  });
});
