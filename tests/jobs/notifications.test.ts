/**
 * Notifications end to end (SPEC §4, §5, §6): outbox rows written with the event, the overdue
 * report and reader notices, due-soon reminders, Pay buttons, and the node-cron schedules —
 * over a real database, the real grammY client against the fake Telegram and the real Stripe
 * gateway against the fake Stripe.
 */
import { Writable } from 'node:stream';
import type SQLite from 'better-sqlite3';
import { Api } from 'grammy';
import { CompiledQuery, sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoticeRenderer, createRenderer } from '../../bot/notice-renderer.js';
import { TELEGRAM_TEXT_LIMIT } from '../../bot/text.js';
import { type Config, testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { addDays, ManualClock, todayIn } from '../../core/kernel/clock.js';
import { dueSoonInsert, readerOverdueNoticesInsert } from '../../core/notices/reminders.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { overdueCountsQuery, overdueLinesQuery } from '../../core/reports/reports.js';
import type { DB } from '../../db/connection.js';
import { createStripeGateway, type PaymentGateway, PaymentGatewayError } from '../../gateways/stripe.js';
import { type DispatchOptions, dispatchOutbox } from '../../jobs/dispatcher.js';
import { createJobs, JOB_NAMES, runJob } from '../../jobs/index.js';
import { silentLogger } from '../../logger.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { onPostgres, openTestDatabase } from '../helpers/engine.js';

const TOKEN = '123456:TEST-jobs';
const STAFF = -100123;
const FAST: DispatchOptions = { perChatIntervalMs: 20, globalPerSecond: 1000, backoffBaseMs: 20 };

/** A payment provider that is down: every call fails as a network outage would. */
const downGateway: PaymentGateway = {
  createCheckoutSession: async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'provider down');
  },
  retrieveSession: async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'provider down');
  },
  refund: async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'provider down');
  },
  expireSession: async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'provider down');
  },
  verifyWebhook: async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'provider down');
  },
};

let tg: FakeTelegram;
let api: Api;
let db: DB;
let sqlite: SQLite.Database | undefined;
let clock: ManualClock;
let config: Config;
let core: Core;
let stripe: StartedFakeStripe | undefined;

async function setup(opts: { env?: Record<string, string>; gateway?: 'down' | 'fake' } = {}) {
  ({ db, sqlite } = await openTestDatabase());
  config = testConfig({ TELEGRAM_STAFF_CHAT_ID: String(STAFF), ...opts.env });
  let gateway = downGateway;
  if (opts.gateway === 'fake') {
    stripe = await startFakeStripe({ now: () => clock.now().getTime() });
    gateway = createStripeGateway({
      secretKey: 'sk_test_jobs',
      webhookSecret: 'whsec_jobs',
      apiBase: stripe.apiBase,
      timeoutMs: 2000,
      maxNetworkRetries: 0,
    });
  }
  core = createCore({ db, clock, config, gateway, logger: silentLogger() });
}

beforeEach(async () => {
  clock = new ManualClock('2026-03-10T10:00:00Z');
  tg = await startFakeTelegram({ token: TOKEN });
  api = new Api(TOKEN, { apiRoot: tg.apiRoot });
  tg.api.registerChat({ id: STAFF, type: 'supergroup', title: 'Library staff' });
});

afterEach(async () => {
  if (db) await db.destroy();
  db = undefined as unknown as DB;
  await tg.close();
  await stripe?.close();
  stripe = undefined;
});

let seq = 0;
async function addReader(o: { telegram?: number; language?: string; first?: string } = {}) {
  seq++;
  const row = await db
    .insertInto('users')
    .values({
      email: `reader${seq}@example.com`,
      first_name: o.first ?? `Reader${seq}`,
      last_name: 'Test',
      telegram_user_id: o.telegram ?? null,
      language: o.language ?? 'en',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (o.telegram) tg.api.registerChat({ id: o.telegram, type: 'private', first_name: o.first ?? `Reader${seq}` });
  return row.id;
}

async function addBook(o: { title?: string; inventory?: number; feeCents?: number } = {}) {
  seq++;
  const row = await db
    .insertInto('books')
    .values({
      title: o.title ?? `Book ${seq}`,
      author: 'Author',
      isbn: null,
      cover: 'SOFT',
      inventory: o.inventory ?? 5,
      daily_fee_cents: o.feeCents ?? 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addLoan(userId: number, bookId: number, borrow: string, due: string, returned: string | null = null) {
  const row = await db
    .insertInto('borrowings')
    .values({
      book_id: bookId,
      user_id: userId,
      borrow_date: borrow,
      expected_return_date: due,
      actual_return_date: returned,
      created_at: clock.now().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const today = () => todayIn(clock, config.rules.timeZone);
const outbox = () => db.selectFrom('outbox').selectAll().orderBy('id').execute();
const dispatch = () =>
  dispatchOutbox(
    {
      db,
      api,
      clock,
      logger: silentLogger(),
      notices: createNoticeRenderer({ facts: core.payments.noticeFacts, links: core.payments.links }),
    },
    FAST,
  );
const botMessages = (chatId: number) => tg.api.transcript(chatId).filter((m) => m.from === 'bot');

/**
 * The engine's plan for a query. PostgreSQL's planner picks a sequential scan for the few rows a
 * test has, so there the plan is asked with sequential scans off: it then shows which index the
 * query can use at all.
 */
async function planOf(q: { compile(): { sql: string; parameters: readonly unknown[] } }): Promise<string> {
  const c = q.compile();
  if (sqlite)
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
  return db.connection().execute(async (conn) => {
    await sql`SET enable_seqscan = off`.execute(conn);
    try {
      const explained = await conn.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`EXPLAIN ${c.sql}`, [...c.parameters]),
      );
      return explained.rows.map((row) => row['QUERY PLAN']).join(' | ');
    } finally {
      await sql`RESET enable_seqscan`.execute(conn);
    }
  });
}

/** Makes every insert into the outbox fail, until the returned function is called. */
async function breakOutbox(): Promise<() => Promise<void>> {
  if (sqlite) {
    sqlite.exec(`CREATE TEMP TRIGGER outbox_down BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`);
    return async () => void sqlite!.exec('DROP TRIGGER outbox_down');
  }
  await sql`CREATE FUNCTION outbox_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`.execute(
    db,
  );
  await sql`CREATE TRIGGER outbox_down BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_down()`.execute(db);
  return async () => {
    await sql`DROP TRIGGER outbox_down ON outbox`.execute(db);
    await sql`DROP FUNCTION outbox_down()`.execute(db);
  };
}

describe('outbox rows are written in the same transaction as the event', () => {
  beforeEach(() => setup());

  it('a borrowing queues a staff note and a reader confirmation, in the reader’s language', async () => {
    const reader = await addReader({ telegram: 501, language: 'uk' });
    const book = await addBook({ title: 'Kobzar' });
    const { borrowing } = await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: addDays(today(), 3) },
    );

    const rows = await outbox();
    expect(rows.map((r) => [r.kind, r.chat_id, r.language])).toEqual([
      ['staff.borrowing_created', STAFF, 'en'],
      ['reader.borrowing_confirmed', 501, 'uk'],
    ]);
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({ borrowing_id: borrowing.id, book_title: 'Kobzar', rent: '3.00' });
  });

  it('a borrowing that fails queues nothing (no copies left)', async () => {
    const reader = await addReader({ telegram: 502 });
    const book = await addBook({ inventory: 0 });
    await expect(
      core.borrowings.borrow({ userId: reader, isStaff: false }, { book_id: book, expected_return_date: addDays(today(), 3) }),
    ).rejects.toMatchObject({ code: 'NO_COPIES_LEFT' });
    expect(await outbox()).toHaveLength(0);
  });

  it('when the outbox write fails, the borrowing is rolled back with it', async () => {
    const reader = await addReader({ telegram: 503 });
    const book = await addBook({ inventory: 1 });
    const restore = await breakOutbox();
    await expect(
      core.borrowings.borrow({ userId: reader, isStaff: false }, { book_id: book, expected_return_date: addDays(today(), 3) }),
    ).rejects.toThrow(/outbox unavailable/);
    await restore();
    expect(await db.selectFrom('borrowings').selectAll().execute()).toHaveLength(0);
    expect(await db.selectFrom('payments').selectAll().execute()).toHaveLength(0);
    expect((await db.selectFrom('books').select('inventory').where('id', '=', book).executeTakeFirstOrThrow()).inventory).toBe(1);
  });

  it('a reader without Telegram gets nothing, silently; staff still hear of it', async () => {
    const reader = await addReader();
    const book = await addBook();
    await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: addDays(today(), 2) },
    );
    expect((await outbox()).map((r) => r.kind)).toEqual(['staff.borrowing_created']);
  });

  it('a late return queues the staff note and the reader’s fine with a Pay button', async () => {
    const reader = await addReader({ telegram: 504 });
    const book = await addBook({ feeCents: 150 });
    const { borrowing } = await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: addDays(today(), 2) },
    );
    clock.advanceDays(5);
    const { fine } = await core.borrowings.returnBook({ userId: reader, isStaff: false }, borrowing.id);
    expect(fine).not.toBeNull();

    await dispatch();
    const staff = botMessages(STAFF).map((m) => m.text);
    expect(staff[1]).toContain('Book returned');
    expect(staff[1]).toContain('3 days late — fine 9.00 USD');
    const [, fineMsg] = botMessages(504);
    expect(fineMsg?.text).toContain('3 days late');
    // Stripe is down: no checkout link yet, so the button asks the bot for one.
    expect(fineMsg?.reply_markup).toEqual({ inline_keyboard: [[{ text: '💳 Pay 9.00 USD', callback_data: `pay:${fine!.id}` }]] });
  });
});

describe('Pay buttons are pay links onto the live checkout session', () => {
  beforeEach(() => setup({ gateway: 'fake', env: { PUBLIC_URL: 'http://library.test' } }));

  it('the confirmation carries the pay link; staff get reader, book, due date and rent', async () => {
    const reader = await addReader({ telegram: 601, first: 'Olena' });
    const book = await addBook({ title: 'Dune', feeCents: 250 });
    const due = addDays(today(), 4);
    const { session_url, borrowing } = await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: due },
    );
    expect(session_url).toMatch(/^http/);

    const summary = await dispatch();
    expect(summary).toMatchObject({ sent: 2, failed: 0 });
    const [confirm] = botMessages(601);
    expect(confirm?.text).toContain('You borrowed “Dune”');
    const link = await core.payments.links.urlFor(borrowing.payments[0]!.id);
    expect(link).toMatch(/^http:\/\/library\.test\/api\/payments\/checkout\/\d+\.[A-Za-z0-9_-]{22}\/$/);
    expect(confirm?.reply_markup).toEqual({ inline_keyboard: [[{ text: '💳 Pay 10.00 USD', url: link }]] });
    // The link opens the session's checkout page.
    expect(await core.payments.checkoutByLink(new URL(link!).pathname.split('/')[4]!)).toEqual({ url: session_url });
    const [staff] = botMessages(STAFF);
    expect(staff?.text).toContain(`New borrowing #${borrowing.id}`);
    expect(staff?.text).toContain('Reader: Olena Test');
    expect(staff?.text).toContain('Book: Dune');
    expect(staff?.text).toContain(`Due back: ${due}`);
    expect(staff?.text).toContain('Rent: 10.00 USD');
  });

  it('a payment received notifies staff and the reader; a paid payment shows no Pay button', async () => {
    const reader = await addReader({ telegram: 602 });
    const book = await addBook({ title: 'Emma' });
    const { borrowing } = await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: addDays(today(), 2) },
    );
    const payment = borrowing.payments[0]!;
    await stripe!.api.pay(payment.session_id!);
    await core.payments.confirmSession(payment.session_id!);

    await dispatch();
    const readerTexts = botMessages(602);
    // Rendered at send time: the confirmation knows the rent is already paid.
    expect(readerTexts[0]?.reply_markup).toBeUndefined();
    expect(readerTexts[0]?.text).toContain('Already paid');
    expect(readerTexts[1]?.text).toContain('We received 2.00 USD for the rent of “Emma”');
    expect(botMessages(STAFF)[1]?.text).toContain('Payment received: 2.00 USD (rent)');
  });
});

describe('the overdue report', () => {
  beforeEach(() => setup());

  it('says "No borrowings overdue today" when there are none, once per day', async () => {
    const reader = await addReader({ telegram: 701 });
    await addLoan(reader, await addBook(), addDays(today(), -3), addDays(today(), 1)); // not yet due
    await addLoan(reader, await addBook(), addDays(today(), -9), addDays(today(), -2), addDays(today(), -1)); // late but returned

    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toEqual({
      date: '2026-03-10',
      overdue: 0,
      readers: 0,
      readerNotices: 0,
      staffMessages: 1,
    });
    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toMatchObject({ staffMessages: 0 });
    await dispatch();
    expect(botMessages(STAFF).map((m) => m.text)).toEqual(['✅ No borrowings overdue today (2026-03-10).']);
    expect(botMessages(701)).toHaveLength(0);
  });

  it('lists one overdue loan; the reader is told once, in their language; staff again the next day', async () => {
    const reader = await addReader({ telegram: 702, language: 'uk', first: 'Taras' });
    const loan = await addLoan(
      reader,
      await addBook({ title: 'Kateryna', feeCents: 120 }),
      addDays(today(), -8),
      addDays(today(), -1),
    );

    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toEqual({
      date: '2026-03-10',
      overdue: 1,
      readers: 1,
      readerNotices: 1,
      staffMessages: 1,
    });
    await dispatch();
    const [report] = botMessages(STAFF);
    expect(report?.text).toContain('Overdue borrowings on 2026-03-10: 1 in total, held by 1 reader');
    expect(report?.text).toContain(`#${loan} Taras Test — Kateryna, due 2026-03-09, 1 day overdue`);
    const [notice] = botMessages(702);
    expect(notice?.text).toContain('«Kateryna» треба було повернути 2026-03-09');
    expect(notice?.text).toContain('штраф 2.40 USD'); // 1.20 × FINE_MULTIPLIER 2

    // A second run the same day queues nothing at all.
    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toMatchObject({ overdue: 1, readerNotices: 0, staffMessages: 0 });
    // The next day: staff get a new report; the reader is not told again.
    clock.advanceDays(1);
    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toEqual({
      date: '2026-03-11',
      overdue: 1,
      readers: 1,
      readerNotices: 0,
      staffMessages: 1,
    });
    await dispatch();
    expect(botMessages(STAFF)[1]?.text).toContain('due 2026-03-09, 2 days overdue');
    expect(botMessages(702)).toHaveLength(1);
    // Once returned, it is in no report.
    await core.borrowings.returnBook({ userId: reader, isStaff: false }, loan);
    clock.advanceDays(1);
    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toMatchObject({ overdue: 0, staffMessages: 1 });
  });

  it('sends 300 overdue loans as ONE message within 4096 characters: counts, the oldest ten, a way to page', async () => {
    const readers = [];
    // Three of the thirty readers use Telegram.
    for (let i = 0; i < 30; i++) readers.push(await addReader(i % 10 === 1 ? { telegram: 800 + i } : {}));
    const books = [];
    for (let i = 0; i < 10; i++)
      books.push(await addBook({ title: `A rather long title about <libraries> & "overdue" books, volume ${i}` }));
    const loans: { id: number; due: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const due = addDays(today(), -1 - (i % 20));
      loans.push({ id: await addLoan(readers[i % 30]!, books[i % 10]!, addDays(today(), -40 + (i % 20)), due), due });
    }
    // Some active loans not yet due and some returned late loans, which must not appear.
    await addLoan(readers[1]!, books[0]!, addDays(today(), -2), addDays(today(), 5));
    await addLoan(readers[1]!, books[0]!, addDays(today(), -30), addDays(today(), -20), addDays(today(), -3));

    const summary = await core.notices.overdueNotices(SYSTEM_ACTOR);
    expect(summary).toEqual({ date: '2026-03-10', overdue: 300, readers: 30, readerNotices: 30, staffMessages: 1 });
    expect((await outbox()).filter((r) => r.chat_id === STAFF)).toHaveLength(1);

    const result = await dispatch();
    expect(result.failed).toBe(0);
    const staff = botMessages(STAFF);
    expect(staff).toHaveLength(1);
    const [report] = staff;
    expect(report!.html!.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(report!.text).toContain('Overdue borrowings on 2026-03-10: 300 in total, held by 30 readers');
    // The ten longest overdue, in order: due date, then id.
    const oldest = [...loans].sort((a, b) => a.due.localeCompare(b.due) || a.id - b.id).slice(0, 10);
    const listed = [...report!.text.matchAll(/^• #(\d+) /gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(oldest.map((l) => l.id));
    expect(report!.text).toContain(`due ${oldest[0]!.due}, 20 days overdue`);
    expect(report!.text).toContain('…and 290 more.');
    expect(report!.text).toContain('/admin overdue');
    expect(report!.reply_markup).toEqual({ inline_keyboard: [[{ text: '📋 All overdue borrowings', callback_data: 'sc:n:o' }]] });
    // HTML in titles arrived as text.
    expect(report!.text).toContain('<libraries> & "overdue"');
    expect(botMessages(801)).toHaveLength(10);
    // The next run the same day queues no second report.
    expect(await core.notices.overdueNotices(SYSTEM_ACTOR)).toMatchObject({ overdue: 300, staffMessages: 0 });
  });

  it('reads active overdue loans through the borrowings_active_due index only', async () => {
    if (onPostgres) {
      for (const q of [
        overdueCountsQuery(db, today()),
        overdueLinesQuery(db, today(), 11),
        readerOverdueNoticesInsert(db, config, today(), 0),
        dueSoonInsert(db, today(), addDays(today(), 2), 0),
      ]) {
        expect(await planOf(q)).toMatch(/Index (Only )?Scan using borrowings_active_due/);
      }
      // In index order: the first lines come without sorting every overdue loan.
      expect(await planOf(overdueLinesQuery(db, today(), 11))).not.toMatch(/\bSort\b/);
      return;
    }
    expect(await planOf(overdueCountsQuery(db, today()))).toContain(
      'SEARCH borrowings USING INDEX borrowings_active_due (expected_return_date<?)',
    );
    expect(await planOf(overdueLinesQuery(db, today(), 11))).toContain(
      'SEARCH borrowings USING INDEX borrowings_active_due (expected_return_date<?)',
    );
    expect(await planOf(overdueLinesQuery(db, today(), 11))).not.toContain('TEMP B-TREE');
    expect(await planOf(readerOverdueNoticesInsert(db, config, today(), 0))).toContain(
      'SEARCH b USING INDEX borrowings_active_due (expected_return_date<?)',
    );
    expect(await planOf(dueSoonInsert(db, today(), addDays(today(), 2), 0))).toContain(
      'SEARCH b USING INDEX borrowings_active_due',
    );
  });
});

describe('due-soon reminders', () => {
  beforeEach(() => setup());

  it('reminds once per loan DUE_SOON_DAYS before the due date, never for returned loans or readers without Telegram', async () => {
    const en = await addReader({ telegram: 901 });
    const uk = await addReader({ telegram: 902, language: 'uk' });
    const offline = await addReader();
    const book = await addBook({ title: 'Dracula' });
    const dueIn2 = await addLoan(en, book, addDays(today(), -5), addDays(today(), 2));
    await addLoan(en, book, addDays(today(), -5), addDays(today(), 2), addDays(today(), -1)); // returned early
    await addLoan(offline, book, addDays(today(), -5), addDays(today(), 2));
    await addLoan(uk, book, addDays(today(), -1), addDays(today(), 5)); // due in 5 days

    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toEqual({ date: '2026-03-10', reminders: 1 });
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toMatchObject({ reminders: 0 });
    await dispatch();
    expect(botMessages(901).map((m) => m.text)).toEqual([
      '⏳ Reminder: “Dracula” is due back in 2 days (2026-03-12).\nPlease return it on time to avoid a late fine.',
    ]);
    expect((await outbox())[0]?.dedup_key).toBe(`due-soon:${dueIn2}`);

    // Across days: the first loan is not reminded again; the second one's turn comes.
    clock.advanceDays(1);
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toMatchObject({ date: '2026-03-11', reminders: 0 });
    clock.advanceDays(2);
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toMatchObject({ date: '2026-03-13', reminders: 1 });
    await dispatch();
    expect(botMessages(902).map((m) => m.text)).toEqual([
      expect.stringContaining('«Dracula» треба повернути через 2 дні (2026-03-15)'),
    ]);
    expect(botMessages(901)).toHaveLength(1);
  });

  it('a short loan borrowed today is reminded on its due day, not the day it was borrowed', async () => {
    const reader = await addReader({ telegram: 903 });
    const book = await addBook();
    await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: book, expected_return_date: addDays(today(), 1) },
    );
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toMatchObject({ reminders: 0 });
    clock.advanceDays(1);
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toMatchObject({ reminders: 1 });
    await dispatch();
    expect(botMessages(903).at(-1)?.text).toContain('is due back today');
  });

  it('uses the library time zone for "today"', async () => {
    await db.destroy();
    db = undefined as unknown as DB;
    await setup({ env: { LIBRARY_TIMEZONE: 'Pacific/Auckland' } });
    clock.set('2026-03-10T12:00:00Z'); // already 2026-03-11 in Auckland
    const reader = await addReader({ telegram: 904 });
    await addLoan(reader, await addBook(), '2026-03-05', '2026-03-13');
    expect(await core.notices.dueSoonReminders(SYSTEM_ACTOR)).toEqual({ date: '2026-03-11', reminders: 1 });
  });
});

describe('the schedules', () => {
  it('runs the jobs on their cron schedules, logs each summary, and stops cleanly', async () => {
    await setup({ env: { OVERDUE_REPORT_CRON: '* * * * * *', DUE_SOON_CRON: '* * * * * *' } });
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const jobs = createJobs({
      core,
      db,
      schedules: config.cron,
      api,
      notices: createNoticeRenderer({ facts: createNoticeFacts(db) }),
      clock,
      logger,
      dispatch: { ...FAST, idleMs: 20 },
    });
    jobs.start();
    try {
      await tg.api.waitFor(() => botMessages(STAFF).length === 1, 4000);
    } finally {
      await jobs.stop();
    }
    expect(botMessages(STAFF)[0]?.text).toContain('No borrowings overdue today');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ job: 'overdue-report', overdue: 0, staffMessages: 1 }));
    expect(logged).toContainEqual(expect.objectContaining({ job: 'due-soon', reminders: 0 }));
    expect(logged).toContainEqual(expect.objectContaining({ job: 'dispatch', sent: 1 }));

    // Stopped: nothing runs any more, even though the schedule says every second.
    const rows = (await outbox()).length;
    const logCount = lines.length;
    await new Promise((r) => setTimeout(r, 1300));
    expect((await outbox()).length).toBe(rows);
    expect(lines.length).toBe(logCount);
    expect(
      await db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow(),
    ).toEqual({ n: 0 });
  });

  it('runs any job once by name and returns its summary', async () => {
    await setup({ gateway: 'fake' });
    expect(JOB_NAMES).toEqual(['expire-payments', 'overdue-report', 'due-soon', 'expire-holds', 'dispatch']);
    const reader = await addReader({ telegram: 950 });
    const { borrowing } = await core.borrowings.borrow(
      { userId: reader, isStaff: false },
      { book_id: await addBook(), expected_return_date: addDays(today(), 2) },
    );
    const deps = {
      core,
      db,
      schedules: config.cron,
      api,
      notices: createNoticeRenderer({ facts: createNoticeFacts(db) }),
      clock,
      logger: silentLogger(),
      dispatch: FAST,
    };

    expect(await runJob('expire-payments', deps)).toEqual({ checked: 0, expired: 0, paid: 0, errors: 0 });
    clock.advance(25 * 3600_000); // the checkout session has lived its 24 hours
    expect(await runJob('expire-payments', deps)).toEqual({ checked: 1, expired: 1, paid: 0, errors: 0 });
    expect((await core.payments.get(SYSTEM_ACTOR, borrowing.payments[0]!.id)).status).toBe('EXPIRED');

    expect(await runJob('overdue-report', deps)).toMatchObject({ overdue: 0, staffMessages: 1 });
    expect(await runJob('due-soon', deps)).toMatchObject({ date: '2026-03-11', reminders: 1 });
    expect(await runJob('expire-holds', deps)).toEqual({ expired: 0, passedOn: 0, toShelf: 0 });
    // borrowing (staff, reader), the expired link (reader), the overdue report, the due-soon reminder
    expect(await runJob('dispatch', deps)).toEqual({ sent: 5, retried: 0, failed: 0, deferred: 0 });

    const jobs = createJobs(deps);
    const [a, b] = await Promise.all([jobs.runOnce('overdue-report'), jobs.runOnce('overdue-report')]);
    expect(a).toBe(b); // joined, not run twice
    await jobs.stop();
  });
});

describe('rendering', () => {
  it('has every notification text in Ukrainian too', async () => {
    const { readFile } = await import('node:fs/promises');
    const keys = (s: string) => [...s.matchAll(/^(notify-[\w-]+) =/gm)].map((m) => m[1]).sort();
    const en = await readFile(new URL('../../i18n/locales/en/notifications.ftl', import.meta.url), 'utf8');
    const uk = await readFile(new URL('../../i18n/locales/uk/notifications.ftl', import.meta.url), 'utf8');
    expect(keys(en).length).toBeGreaterThan(10);
    expect(keys(uk)).toEqual(keys(en));
  });

  it('falls back to English for a language without texts, and escapes HTML in values', () => {
    const r = createRenderer();
    const m = r.render({
      kind: 'reader.due_soon',
      language: 'de',
      payload: { book_title: 'A <b> & C', expected_return_date: '2026-03-12', days_left: 1 },
    });
    expect(m.text).toContain('“A &lt;b&gt; &amp; C” is due back <b>tomorrow</b>');
  });

  it('fills each overdue report line with its own escaped values, in either language and plural', () => {
    const r = createRenderer();
    const oldest = [
      { borrowing_id: 7, reader: 'Ann $& <i>', book: 'B & B', due: '2026-03-01', days: 1 },
      { borrowing_id: 8, reader: 'Bob', book: 'C', due: '2026-03-02', days: 5 },
    ];
    const payload = JSON.stringify({ date: '2026-03-02', total: 2, readers: 2, oldest });
    const en = r.render({ kind: 'staff.overdue_report', language: 'en', payload }).text;
    expect(en).toContain('#7 Ann $&amp; &lt;i&gt; — B &amp; B, due 2026-03-01, 1 day overdue');
    expect(en).toContain('#8 Bob — C, due 2026-03-02, 5 days overdue');
    expect(en).not.toContain('more.');
    const uk = r.render({ kind: 'staff.overdue_report', language: 'uk', payload }).text;
    expect(uk).toContain('#8 Bob — C, до 2026-03-02, прострочено на 5 днів');
    expect(uk).toContain('усього 2, у 2 читачів');
  });
});
