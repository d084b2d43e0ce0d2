// Two instances of the service in webhook mode on one PostgreSQL server (SPEC §12), against the
// fake Bot API and the fake Stripe: what one library behind a load balancer must hold. Run with
// `npm run test:multi` and TEST_DATABASE_URL (.ci/run starts a throwaway server).

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../api/tokens.js';
import { type Config, loadConfig } from '../../config.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { addDays, systemClock, todayIn } from '../../core/kernel/clock.js';
import { enqueue, type Notification } from '../../core/notices/outbox.js';
import type { PaymentReceivedPayload } from '../../core/notices/payloads.js';
import { type RunningService, startService } from '../../service.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { captureLogger, type LogEntry } from '../helpers/bot.js';
import { startMain, workDir } from '../helpers/entry-point.js';
import { serverDatabaseUrl } from '../helpers/service.js';

const TOKEN = '558000:multi-instance-token';
const SECRET = 'multi-secret';
const JWT = 'multi-instance-jwt-secret-0123456789abcdef';
const STAFF = -1009000;
const STRIPE_HOOK = 'whsec_multi';

let tg: FakeTelegram;
let stripe: StartedFakeStripe;
let url: string;
let a: RunningService;
let b: RunningService;
const logs: LogEntry[] = [];
const auth = createTokens({ secret: JWT, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 });

const env = (over: Record<string, string> = {}, without: string[] = []): Config => ({
  ...loadConfig(
    Object.fromEntries(
      Object.entries({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SANDBOX: 'off',
        JWT_SECRET: JWT,
        PUBLIC_URL: 'https://library.example.test',
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_STAFF_CHAT_ID: String(STAFF),
        STRIPE_SECRET_KEY: 'sk_test_multi',
        STRIPE_WEBHOOK_SECRET: STRIPE_HOOK,
        STRIPE_API_BASE: stripe.apiBase,
        AUTH_RATE_LIMIT: 'off',
        MAX_ACTIVE_LOANS: '100',
        // Every second, so that both instances fire the same slots many times within a test.
        OVERDUE_REPORT_CRON: '* * * * * *',
        DUE_SOON_CRON: '* * * * * *',
        ...over,
      }).filter(([k]) => !without.includes(k)),
    ),
  ),
  databaseUrl: url,
});

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, rateLimit: { globalPerSecond: 30, perChatPerSecond: 1 } });
  tg.api.registerChat({ id: STAFF, type: 'supergroup', title: 'Staff' });
  stripe = await startFakeStripe({ webhookSecret: STRIPE_HOOK });
  url = await serverDatabaseUrl('multi-instances');
  a = await startService(env(), { logger: captureLogger(logs).child({ instance: 'A' }) });
  b = await startService(env(), { logger: captureLogger(logs).child({ instance: 'B' }) });
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await tg?.close();
  await stripe?.close();
});

const both = () => [a, b] as const;
const api = async (s: RunningService, method: string, path: string, token?: string, body?: unknown) => {
  const r = await fetch(`${s.localUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
};

/** Readers straight in the database, with access tokens (no password hashing). */
async function readers(n: number, tag: string): Promise<Array<{ id: number; token: string }>> {
  const rows = await a.db
    .insertInto('users')
    .values(
      Array.from({ length: n }, (_, i) => ({ email: `${tag}${i}@example.test`, first_name: 'Multi', last_name: `${tag}${i}` })),
    )
    .returning('id')
    .execute();
  return Promise.all(rows.map(async (r) => ({ id: r.id, token: await auth.issue(r.id, 'access', 0) })));
}
const staffToken = async () => {
  const { user } = await a.core.users.createOrPromoteStaff(SYSTEM_ACTOR, `staff-${Date.now()}@example.test`, 'staff password');
  return auth.issue(user.id, 'access', 0);
};
const today = () => todayIn(systemClock, a.config.rules.timeZone);

describe('Borrowing and returning stay exact across instances', () => {
  it('100 parallel borrows of a book with 7 copies, spread over both instances: exactly 7 succeed, inventory 0', async () => {
    const book = await a.core.books.create(SYSTEM_ACTOR, {
      title: 'Seven Copies',
      author: 'Race',
      cover: 'SOFT',
      inventory: 7,
      daily_fee: '1.00',
    });
    const people = await readers(100, 'borrow');
    const answers = await Promise.all(
      people.map((p, i) =>
        api(both()[i % 2]!, 'POST', '/api/borrowings/', p.token, { book_id: book.id, expected_return_date: addDays(today(), 3) }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(7);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'NO_COPIES_LEFT')).toBe(true);
    for (const s of both()) expect((await api(s, 'GET', `/api/books/${book.id}/`)).body.inventory).toBe(0);
    const loans = await a.db.selectFrom('borrowings').select('id').where('book_id', '=', book.id).execute();
    expect(loans).toHaveLength(7);
  });

  it('100 racing returns (each of 50 loans returned through both instances at once): each applied once', async () => {
    const book = await a.core.books.create(SYSTEM_ACTOR, {
      title: 'Fifty Copies',
      author: 'Race',
      cover: 'SOFT',
      inventory: 50,
      daily_fee: '1.00',
    });
    const people = await readers(50, 'return');
    const loans = await Promise.all(
      people.map((p, i) =>
        api(both()[i % 2]!, 'POST', '/api/borrowings/', p.token, { book_id: book.id, expected_return_date: addDays(today(), 3) }),
      ),
    );
    expect(loans.every((r) => r.status === 201)).toBe(true);
    const staff = await staffToken();
    const returns = await Promise.all(
      loans.flatMap((l) => both().map((s) => api(s, 'POST', `/api/borrowings/${l.body.id}/return/`, staff))),
    );
    expect(returns).toHaveLength(100);
    expect(returns.filter((r) => r.status === 200)).toHaveLength(50);
    expect(returns.filter((r) => r.status !== 200).every((r) => r.status === 409)).toBe(true);
    expect((await a.core.books.get(book.id)).inventory).toBe(50);
    const notes = await a.db.selectFrom('outbox').select('payload').where('kind', '=', 'staff.borrowing_returned').execute();
    const returnedIds = notes
      .map((n) => JSON.parse(n.payload).borrowing_id as number)
      .filter((id) => loans.some((l) => l.body.id === id));
    expect(returnedIds.length === 0 || new Set(returnedIds).size === returnedIds.length).toBe(true);
  });
});

describe('Each scheduled run happens on one instance', () => {
  it('the overdue report and the due-soon reminders, firing every second on both: each slot runs once', async () => {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 3_200));
    // Counted with no run in flight (one claimed but not yet finished would not match).
    await Promise.all([a.jobs.stop(), b.jobs.stop()]);
    const finished = (job: string) => logs.filter((l) => l.msg === `job ${job} finished` && Number(l.time) >= start);
    const slots = async (job: string) =>
      await a.db.selectFrom('leases').select(['name', 'holder']).where('name', 'like', `job:${job}@%`).execute();
    for (const job of ['overdue-report', 'due-soon']) {
      const runs = finished(job);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      // Every slot run so far was claimed once and run once, on whichever instance claimed it.
      expect(logs.filter((l) => l.msg === `job ${job} finished`).length).toBe((await slots(job)).length);
    }
    expect(new Set(logs.filter((l) => l.msg?.startsWith('job ') && l.msg.endsWith(' finished')).map((l) => l.instance))).toEqual(
      new Set(['A', 'B']),
    );
    a.jobs.start();
    b.jobs.start();
  });

  it('the expiry job: both instances firing the same minute, one runs it', async () => {
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 7 * 60_000);
    const results = await Promise.all([
      a.jobs.runScheduled('expire-payments', slot),
      b.jobs.runScheduled('expire-payments', slot),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(
      await Promise.all([a.jobs.runScheduled('expire-payments', slot), b.jobs.runScheduled('expire-payments', slot)]),
    ).toEqual([undefined, undefined]);
  });
});

describe('Notifications', () => {
  it('200 queued notifications, both instances dispatching: none lost, none twice, ≤ 30 in any second, ≤ 1 per second per chat', async () => {
    const chats = Array.from({ length: 40 }, (_, i) => 7_100_000 + i);
    for (const id of chats) tg.api.registerChat({ id, type: 'private', first_name: `N${id}` });
    const notes: Notification[] = chats.flatMap((chatId) =>
      Array.from({ length: 5 }, (_, k) => ({
        chatId,
        kind: 'staff.payment_received',
        payload: { amount: '1.00', type: 'PAYMENT', reader: 'Ann', book_title: `mark-${chatId}-${k}` } as PaymentReceivedPayload,
      })),
    );
    const t0 = Date.now();
    await enqueue(a.db, notes, t0);
    a.jobs.poke();
    b.jobs.poke();
    const ours = () => tg.api.calls.filter((c) => c.method === 'sendMessage' && c.ok && chats.includes(Number(c.params.chat_id)));
    const deadline = Date.now() + 60_000;
    while (ours().length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_000)); // anything sent twice would show by now
    const sent = ours();
    const marks = sent.map((c) => /mark-\d+-\d/.exec(String(c.params.text))?.[0]);
    expect(new Set(marks).size).toBe(200);
    expect(sent).toHaveLength(200);
    for (const chatId of chats) {
      const inChat = sent.filter((c) => Number(c.params.chat_id) === chatId);
      expect(inChat.map((c) => /mark-\d+-(\d)/.exec(String(c.params.text))?.[1])).toEqual(['0', '1', '2', '3', '4']);
      for (let i = 1; i < inChat.length; i++) expect(inChat[i]!.at - inChat[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    }
    const all = tg.api.calls
      .filter((c) => c.method === 'sendMessage' && c.ok && c.at >= t0)
      .map((c) => c.at)
      .sort((x, y) => x - y);
    for (let i = 30; i < all.length; i++) expect(all[i]! - all[i - 30]!).toBeGreaterThanOrEqual(1000);
    expect(tg.api.calls.filter((c) => c.method === 'sendMessage' && c.at >= t0 && c.error_code === 429)).toEqual([]);
    const pending = await a.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)`.as('n'))
      .where('chat_id', 'in', chats)
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(0);
  });
});

describe('Stripe webhooks', () => {
  it('the same event posted to both instances (several times each, at once) is applied once', async () => {
    const book = await a.core.books.create(SYSTEM_ACTOR, {
      title: 'Paid Once',
      author: 'Stripe',
      cover: 'SOFT',
      inventory: 1,
      daily_fee: '2.00',
    });
    const [reader] = await readers(1, 'stripe');
    const loan = await api(a, 'POST', '/api/borrowings/', reader!.token, {
      book_id: book.id,
      expected_return_date: addDays(today(), 2),
    });
    const payment = loan.body.payments[0];
    await stripe.api.pay(payment.session_id);
    const event = [...stripe.api.events]
      .reverse()
      .find((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === payment.session_id)!;
    const payload = JSON.stringify(event);
    const post = (s: RunningService) =>
      fetch(`${s.localUrl}/api/payments/webhook/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripe.api.sign(payload, STRIPE_HOOK) },
        body: payload,
      });
    const answers = await Promise.all([a, b, a, b, a, b].map(post));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const row = await a.db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('PAID');
    expect(await a.db.selectFrom('stripe_events').select('id').where('id', '=', event.id).execute()).toHaveLength(1);
    const notes = (
      await a.db.selectFrom('outbox').select(['kind', 'payload']).where('kind', 'like', '%payment_received').execute()
    ).filter((n) => JSON.parse(n.payload).payment_id === payment.id);
    expect(notes.map((n) => n.kind)).toEqual(['staff.payment_received']);
  });
});

describe('Telegram updates', () => {
  const chat = (id: number) => ({ id, type: 'private' as const, first_name: `Chat${id}` });
  const textUpdate = (updateId: number, chatId: number, text: string) =>
    JSON.stringify({
      update_id: updateId,
      message: {
        message_id: updateId,
        date: 0,
        chat: chat(chatId),
        from: { id: chatId, is_bot: false, first_name: `Chat${chatId}` },
        text,
      },
    });
  const post = (s: RunningService, body: string) =>
    fetch(`${s.localUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body,
    });

  it('two updates from one chat sent to both instances are handled in order (ten chats at once)', async () => {
    for (let i = 1; i <= 2; i++)
      await a.core.books.create(SYSTEM_ACTOR, {
        title: `Ordered ${i}`,
        author: 'Queue',
        cover: 'SOFT',
        inventory: 1,
        daily_fee: '1.00',
      });
    const chats = Array.from({ length: 10 }, (_, i) => 7_200_000 + i);
    for (const id of chats) tg.api.registerChat(chat(id));
    // Telegram sends a chat's updates in order; the second leaves a few ms after the first, while
    // the first is still being handled on the other instance.
    const sends = chats.flatMap((id, i) => [
      post(a, textUpdate(10_000 + i * 2, id, 'Ordered 1')),
      new Promise((r) => setTimeout(r, 5)).then(() => post(b, textUpdate(10_001 + i * 2, id, 'Ordered 2'))),
    ]);
    expect((await Promise.all(sends)).map((r) => r.status).every((s) => s === 200)).toBe(true);
    for (const id of chats) {
      const answers = tg.api
        .transcript(id)
        .filter((m) => m.from === 'bot')
        .map((m) => /Ordered (\d)/.exec(m.text)?.[1]);
      expect(answers, `chat ${id}`).toEqual(['1', '2']);
    }
  });

  it('one update delivered to both instances is handled once', async () => {
    tg.api.registerChat(chat(7_300_000));
    const body = textUpdate(20_000, 7_300_000, 'Ordered 1');
    await Promise.all([post(a, body), post(b, body), post(b, body)]);
    expect(tg.api.transcript(7_300_000).filter((m) => m.from === 'bot')).toHaveLength(1);
  });
});

describe('Long polling', () => {
  // Until issue 20 a second long-polling instance refused to start (exit 1), and so did a restart
  // after a crash. Now it serves the API and the jobs and waits for the claim, never polling
  // beside the first.
  it('a second long-polling instance starts, serves the API and says once that it waits; `npm start` too', async () => {
    // A Bot API of their own: the webhook instances above have set a webhook on the other one,
    // and Telegram refuses getUpdates while a webhook is set.
    const pollTg = await startFakeTelegram({ token: TOKEN });
    const polling = () => env({ TELEGRAM_API_ROOT: pollTg.apiRoot }, ['TELEGRAM_WEBHOOK_SECRET', 'PUBLIC_URL']);
    const first = await startService(polling(), { logger: captureLogger([]), startJobs: false });
    try {
      await first.telegramStarted;
      const secondLogs: LogEntry[] = [];
      const second = await startService(polling(), { logger: captureLogger(secondLogs), startJobs: false });
      try {
        await second.telegramStarted;
        expect((await fetch(`${second.localUrl}/health`)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1500));
        expect(secondLogs.filter((l) => String(l.msg).includes('receiving Telegram updates by long polling'))).toHaveLength(1);
      } finally {
        await second.stop();
      }
      const main = await startMain({
        cwd: workDir(),
        env: {
          DATABASE_URL: url,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: pollTg.apiRoot,
          PORT: '0',
          HOST: '127.0.0.1',
          SANDBOX: 'off',
          LOG_LEVEL: 'info',
        },
        timeoutMs: 60_000,
      });
      try {
        const listening = String(main.logs.find((l) => String(l.msg).startsWith('Library is up'))?.listening);
        expect((await fetch(`http://${listening}/health`)).status).toBe(200);
        const deadline = Date.now() + 10_000;
        while (
          !main.logs.some((l) => String(l.msg).includes('receiving Telegram updates by long polling')) &&
          Date.now() < deadline
        )
          await new Promise((r) => setTimeout(r, 100));
        const wait = main.logs.find((l) => String(l.msg).includes('receiving Telegram updates by long polling'));
        expect(wait?.msg).toContain('TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL');
        expect(main.child.exitCode).toBeNull();
      } finally {
        expect(await main.stop()).toBe(0);
      }
    } finally {
      await first.stop();
      await pollTg.close();
    }
  });
});
