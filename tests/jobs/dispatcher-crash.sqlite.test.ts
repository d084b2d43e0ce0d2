/**
 * A dispatcher killed mid-backlog (issue 11, item 19): a real process running the dispatcher
 * loop against the fake Bot API over real HTTP is killed with SIGKILL just after Telegram took
 * a staff message whose answer it never read; a new process takes over. Every notification
 * arrives, in order per chat, none more than twice (only what was in flight at the kill), and
 * the staff chat — whose head row the dead process had claimed for 60 s — hears again within
 * seconds of the restart, not after the claim runs out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueue, type Notification } from '../../core/notices/outbox.js';
import type { PaymentReceivedPayload } from '../../core/notices/payloads.js';
import { type DB, openDatabase } from '../../db/connection.js';
import { liveLease } from '../../db/leases.js';
import { createFakeBotApi, type FakeBotApi } from '../../sandbox/telegram/fake-bot-api.js';

const TOKEN = '777000:CRASH-test';
const STAFF = -1007770001;
const READERS = [5001, 5002, 5003, 5004, 5005, 5006];
const STAFF_MESSAGES = 10;
const PER_READER = 15; // 10 + 6 × 15 = 100 notifications
const KILL_AFTER_STAFF = 3;
// Faster than Telegram's 1 s per chat so the test takes seconds; the group's 20 a minute stays.
const PACE = JSON.stringify({ perChatIntervalMs: 200 });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startDispatcherProcess(
  file: string,
  apiRoot: string,
  holder: string,
): { child: ChildProcess; holding: Promise<void>; log: string[] } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/helpers/dispatcher-process.ts', file, apiRoot, TOKEN, holder, PACE],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  child.stderr!.on('data', (d: Buffer) => log.push(String(d)));
  const holding = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (String(d).includes('holding')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${holder} exited (${code ?? signal}) before holding the lease:\n${log.join('')}`)),
    );
  });
  holding.catch(() => undefined);
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, holding, log };
}

/** The fake Bot API over real HTTP, with a hook that runs after Telegram has handled a call. */
async function serveFake(fake: FakeBotApi, after: (method: string, params: Record<string, unknown>) => void): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (req) => {
          const method = new URL(req.url).pathname.split('/').pop() ?? '';
          const params =
            req.method === 'POST'
              ? ((await req
                  .clone()
                  .json()
                  .catch(() => ({}))) as Record<string, unknown>)
              : {};
          const res = await fake.app.fetch(req);
          after(method, params);
          return res;
        },
      },
      () => resolve(s),
    );
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        fake.close();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const marker = (chat: number, i: number) => `${chat === STAFF ? 'staff' : chat}-${String(i).padStart(2, '0')}`;

async function queueBacklog(db: DB): Promise<void> {
  const notes: Notification[] = [];
  for (let i = 1; i <= PER_READER; i++) {
    if (i <= STAFF_MESSAGES)
      notes.push({
        chatId: STAFF,
        kind: 'staff.payment_received',
        payload: { amount: '1.00', type: 'PAYMENT', reader: 'Ann', book_title: marker(STAFF, i) } as PaymentReceivedPayload,
      });
    for (const r of READERS)
      notes.push({
        chatId: r,
        kind: 'staff.payment_received',
        payload: { amount: '1.00', type: 'PAYMENT', reader: 'Ann', book_title: marker(r, i) } as PaymentReceivedPayload,
      });
  }
  expect(notes).toHaveLength(100);
  await enqueue(db, notes, Date.now());
}

describe('kill -9 in the middle of a 100-message backlog', () => {
  it('loses nothing, doubles only what was in flight, keeps each chat in order, and the staff chat resumes within seconds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-crash-'));
    const file = path.join(dir, 'library.db');
    const { db } = await openDatabase(file);
    cleanups.push(async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await queueBacklog(db);

    const fake = createFakeBotApi({ token: TOKEN });
    fake.registerChat({ id: STAFF, type: 'supergroup', title: 'Library staff' });
    for (const r of READERS) fake.registerChat({ id: r, type: 'private', first_name: `R${r}` });
    const texts = (chat: number) =>
      fake
        .transcript(chat)
        .filter((m) => m.from === 'bot')
        .map((m) => /Book: (\S+)/.exec(m.text)?.[1] ?? '?');

    let first: ReturnType<typeof startDispatcherProcess> | undefined;
    let killedAt = 0;
    const apiRoot = await serveFake(fake, (method, params) => {
      // Telegram has taken the third staff message; its answer never reaches the dispatcher.
      if (!killedAt && method === 'sendMessage' && Number(params.chat_id) === STAFF && texts(STAFF).length === KILL_AFTER_STAFF) {
        first!.child.kill('SIGKILL');
        killedAt = Date.now();
      }
    });

    first = startDispatcherProcess(file, apiRoot, 'first');
    await first.holding;
    await new Promise<void>((resolve) => first!.child.once('exit', () => resolve()));
    expect(killedAt).toBeGreaterThan(0);
    const delivered = READERS.flatMap(texts).length + texts(STAFF).length;
    expect(delivered).toBeGreaterThan(KILL_AFTER_STAFF);
    expect(delivered).toBeLessThan(100);

    // What the dead process left: claims in its name, the staff chat's head among them, held
    // for a minute — the staff chat would wait that long, then at 20 messages a minute.
    const inFlight = await db
      .selectFrom('outbox')
      .select(['id', 'chat_id', 'payload', 'next_attempt_at'])
      .where('claimed_by', '=', 'first')
      .where('sent_at', 'is', null)
      .execute();
    const staffHead = inFlight.find((r) => r.chat_id === STAFF);
    expect(staffHead && JSON.parse(staffHead.payload).book_title).toBe(marker(STAFF, KILL_AFTER_STAFF));
    expect(staffHead!.next_attempt_at).toBeGreaterThan(Date.now() + 45_000);
    const inFlightMarkers = new Set(inFlight.map((r) => JSON.parse(r.payload).book_title as string));

    const staffBefore = texts(STAFF).length;
    const restartedAt = Date.now();
    const second = startDispatcherProcess(file, apiRoot, 'second');
    await fake.waitFor((api) => api.transcript(STAFF).filter((m) => m.from === 'bot').length > staffBefore, 15_000);
    const staffResumedMs = Date.now() - restartedAt;
    await second.holding;
    expect(staffResumedMs).toBeLessThan(10_000);

    const all = () => [STAFF, ...READERS].flatMap(texts);
    await fake.waitFor(() => new Set(all()).size === 100, 30_000);
    await new Promise((r) => setTimeout(r, 500)); // anything still to come would be a duplicate
    second.child.kill('SIGKILL');

    // Every notification arrived; the only ones twice are sends the dead process had in flight.
    const counts = new Map<string, number>();
    for (const m of all()) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect(counts.size).toBe(100);
    const twice = [...counts].filter(([, n]) => n > 1);
    for (const [m, n] of twice) {
      expect(n).toBe(2);
      expect(inFlightMarkers.has(m)).toBe(true);
    }
    // The staff message Telegram took just before the kill is the one expected duplicate.
    expect(counts.get(marker(STAFF, KILL_AFTER_STAFF))).toBe(2);
    expect(twice.length).toBeLessThanOrEqual(inFlight.length);
    // In order per chat: each message after the previous one, a duplicate right after its original.
    for (const chat of [STAFF, ...READERS]) {
      const seq = texts(chat).map((m) => Number(m.split('-').pop()));
      seq.forEach((n, i) => expect([seq[i - 1] ?? 0, (seq[i - 1] ?? 0) + 1]).toContain(n));
      expect(seq.at(-1)).toBe(chat === STAFF ? STAFF_MESSAGES : PER_READER);
    }
    const rows = await db.selectFrom('outbox').select(['sent_at', 'failed_at']).execute();
    expect(rows.every((r) => r.sent_at !== null && r.failed_at === null)).toBe(true);
    expect(await liveLease(db, 'dispatcher', Date.now())).toMatchObject({ holder: 'second' });
  });
});
