// Jobs over 10,000,000 borrowings (set-based queries on the active-loan indexes), next to a
// full pass over the borrowings table measured in the same run; and the outbox dispatcher
// against the fake Bot API with 10% injected 429s (Telegram's ~30 msg/s ceiling must hold).
import { Api } from 'grammy';
import { sql } from 'kysely';
import { createNoticeRenderer } from '../bot/notice-renderer.js';
import { testConfig } from '../config.js';
import { createCore, SYSTEM_ACTOR } from '../core/index.js';
import { addDays, ManualClock } from '../core/kernel/index.js';
import { type DueSoonPayload, enqueue } from '../core/notices/index.js';
import { createNoticeFacts } from '../core/payments/index.js';
import { createDb, openDatabase } from '../db/connection.js';
import { createStripeGateway } from '../gateways/stripe.js';
import { createDispatcher } from '../jobs/dispatcher.js';
import { silentLogger } from '../logger.js';
import { startFakeTelegram } from '../sandbox/telegram/listen.js';
import { type Row, seededDb, TODAY, table } from './lib.js';

const BORROWINGS = 10_000_000;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

export async function runJobsBench(): Promise<string> {
  const file = await seededDb('jobs', { books: 100_000, users: 200_000, borrowings: BORROWINGS });
  const { db } = createDb(file);
  const clock = new ManualClock(`${TODAY}T09:00:00Z`);
  const config = testConfig({ DATABASE_PATH: file, TELEGRAM_STAFF_CHAT_ID: '-1009' });
  const gateway = createStripeGateway({
    secretKey: 'sk_test_bench',
    webhookSecret: 'whsec_bench',
    apiBase: 'http://127.0.0.1:9',
  });
  const core = createCore({ db, clock, config, gateway, logger: silentLogger() });
  // Each run starts from an empty outbox so the dedup keys don't turn the jobs into no-ops.
  await db.deleteFrom('outbox').execute();

  const scan = await timed(() =>
    sql<{ n: number }>`SELECT count(*) AS n FROM borrowings NOT INDEXED WHERE user_id > 0`.execute(db),
  );
  const rows: Row[] = [
    {
      scenario: `full pass over ${BORROWINGS.toLocaleString('en')} borrowings (baseline)`,
      ms: Math.round(scan.ms),
      result: `${scan.result.rows[0]!.n} rows`,
      'vs baseline': '100%',
    },
  ];
  const overdue = await timed(() => core.notices.overdueNotices(SYSTEM_ACTOR));
  rows.push({
    scenario: 'overdue report: staff report + reader notices (first run)',
    ms: Math.round(overdue.ms),
    result: `${overdue.result.overdue} overdue, ${overdue.result.readerNotices} notices, ${overdue.result.staffMessages} staff messages`,
    'vs baseline': `${Math.round((overdue.ms / scan.ms) * 100)}%`,
  });
  const overdueAgain = await timed(() => core.notices.overdueNotices(SYSTEM_ACTOR));
  rows.push({
    scenario: 'overdue report again the same day (dedup)',
    ms: Math.round(overdueAgain.ms),
    result: `${overdueAgain.result.readerNotices} notices, ${overdueAgain.result.staffMessages} staff messages`,
    'vs baseline': `${Math.round((overdueAgain.ms / scan.ms) * 100)}%`,
  });
  const due = await timed(() => core.notices.dueSoonReminders(SYSTEM_ACTOR));
  rows.push({
    scenario: 'due-soon reminders',
    ms: Math.round(due.ms),
    result: `${due.result.reminders} reminders`,
    'vs baseline': `${Math.round((due.ms / scan.ms) * 100)}%`,
  });
  clock.advanceDays(1);
  const dueNext = await timed(() => core.notices.dueSoonReminders(SYSTEM_ACTOR));
  rows.push({
    scenario: 'due-soon reminders, next day',
    ms: Math.round(dueNext.ms),
    result: `${dueNext.result.reminders} reminders`,
    'vs baseline': `${Math.round((dueNext.ms / scan.ms) * 100)}%`,
  });
  await db.deleteFrom('outbox').execute();
  await db.destroy();

  return `${table(`Jobs over ${BORROWINGS.toLocaleString('en')} borrowings (target < 2 s each)`, rows)}\n\n${await dispatcherBench()}`;
}

/** 600 notifications to 60 chats through the real grammY client over HTTP; 10% of sends get a 429. */
async function dispatcherBench(): Promise<string> {
  const CHATS = 60;
  const PER_CHAT = 10;
  const tg = await startFakeTelegram({ token: '7000000010:BENCH' });
  const { db } = await openDatabase(':memory:');
  const clock = { now: () => new Date() };
  for (let c = 0; c < CHATS; c++) tg.api.registerChat({ id: 1000 + c, type: 'private', first_name: `R${c}` });
  const notes = [];
  for (let i = 0; i < PER_CHAT; i++) {
    for (let c = 0; c < CHATS; c++) {
      notes.push({
        chatId: 1000 + c,
        kind: 'reader.due_soon' as const,
        payload: {
          borrowing_id: i * CHATS + c,
          book_title: `Book ${i}`,
          expected_return_date: addDays(TODAY, 2),
        } as DueSoonPayload,
        language: 'en',
      });
    }
  }
  await enqueue(db, notes, Date.now());
  const api = new Api('7000000010:BENCH', { apiRoot: tg.apiRoot });
  let injected = 0;
  api.config.use((prev, method, payload, signal) => {
    if (method === 'sendMessage' && Math.random() < 0.1) {
      injected++;
      tg.api.failNext('sendMessage', 1, { status: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    }
    return prev(method, payload, signal);
  });
  const dispatcher = createDispatcher({
    db,
    api,
    clock,
    logger: silentLogger(),
    notices: createNoticeRenderer({ facts: createNoticeFacts(db) }),
  });
  const started = Date.now();
  let summary = { sent: 0, retried: 0, failed: 0, deferred: 0 };
  while (Date.now() - started < 120_000) {
    const r = await dispatcher.run();
    summary = {
      sent: summary.sent + r.sent,
      retried: summary.retried + r.retried,
      failed: summary.failed + r.failed,
      deferred: r.deferred,
    };
    if (r.deferred === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (Date.now() - started) / 1000;
  const ok = tg.api.calls.filter((c) => c.method === 'sendMessage' && c.ok);
  // Busiest one-second window of accepted sends, and duplicates by text per chat.
  let peak = 0;
  for (let i = 0, j = 0; i < ok.length; i++) {
    while (ok[i]!.at - ok[j]!.at >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const seen = new Set(ok.map((c) => `${String(c.params.chat_id)}|${String(c.params.text)}`));
  const pending = await db
    .selectFrom('outbox')
    .select(sql<number>`count(*)`.as('n'))
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  await db.destroy();
  await tg.close();
  const rows: Row[] = [
    {
      scenario: `${notes.length} notifications to ${CHATS} chats, ${injected} injected 429s`,
      s: Math.round(seconds * 10) / 10,
      'msg/s': Math.round((ok.length / seconds) * 10) / 10,
      'peak msg in any 1 s': peak,
      sent: summary.sent,
      'lost (unsent)': pending.n,
      duplicates: ok.length - seen.size,
    },
  ];
  return table('Outbox dispatcher against the fake Bot API (Telegram ceiling: 30 msg/s overall, 1 msg/s per chat)', rows);
}
