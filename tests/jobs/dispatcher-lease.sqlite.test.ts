/**
 * One dispatcher at a time (issue 11, item 18): the named lease in the database (db/leases.ts)
 * on both engines, the service's loop holding `dispatcher`, and `npm run job -- dispatch`
 * refusing beside it — as a real CLI process — and delivering when the service is down.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { testConfig } from '../../config.js';
import { createCore } from '../../core/index.js';
import { ManualClock, systemClock } from '../../core/kernel/clock.js';
import { enqueue } from '../../core/notices/outbox.js';
import type { PaymentReceivedPayload } from '../../core/notices/payloads.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { type DB, openDatabase } from '../../db/connection.js';
import { acquireLease, leaseHeld, liveLease, releaseLease } from '../../db/leases.js';
import * as m004 from '../../db/migrations/004_leases.js';
import { openPglite } from '../../db/pglite.js';
import type { Database } from '../../db/schema.js';
import { type PaymentGateway, PaymentGatewayError } from '../../gateways/stripe.js';
import { createDispatcher } from '../../jobs/dispatcher.js';
import { createDispatcherLoop } from '../../jobs/dispatcher-loop.js';
import { runJob } from '../../jobs/index.js';
import { DISPATCHER_LEASE, holdLease, LeaseBusyError } from '../../jobs/lease.js';
import { silentLogger } from '../../logger.js';
import { FAST, TOKEN, useDispatchHarness } from '../helpers/dispatch.js';

const execFileAsync = promisify(execFile);

/** Polls a condition the fake Telegram does not know about. */
async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const T0 = Date.parse('2026-03-01T10:00:00Z');

/** The lease rules, run on SQLite and on PostgreSQL (PGlite, in process). */
function leaseRules(engine: string, open: () => Promise<{ db: DB; close(): Promise<void> }>) {
  describe(`the lease table on ${engine}`, () => {
    let db: DB;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    afterAll(async () => {
      await close();
    });

    it('is taken when free, renewed by its holder, and refused to anyone else while live', async () => {
      expect(await acquireLease(db, 'a', 'one', 1000, T0)).toBe(true);
      expect(await acquireLease(db, 'a', 'two', 1000, T0 + 500)).toBe(false);
      expect(await acquireLease(db, 'a', 'one', 1000, T0 + 900)).toBe(true); // renewed until T0 + 1900
      expect(await acquireLease(db, 'a', 'two', 1000, T0 + 1500)).toBe(false);
      expect(await liveLease(db, 'a', T0 + 1500)).toEqual({ name: 'a', holder: 'one', expiresAt: T0 + 1900 });
      // Other names are other leases.
      expect(await acquireLease(db, 'b', 'two', 1000, T0 + 1500)).toBe(true);
    });

    it('passes to the next taker once it lapses, and the old holder cannot renew it back', async () => {
      expect(await acquireLease(db, 'c', 'one', 1000, T0)).toBe(true);
      expect(await liveLease(db, 'c', T0 + 1000)).toBeUndefined();
      expect(await acquireLease(db, 'c', 'two', 1000, T0 + 1000)).toBe(true);
      expect(await acquireLease(db, 'c', 'one', 1000, T0 + 1100)).toBe(false);
      expect(await liveLease(db, 'c', T0 + 1100)).toMatchObject({ holder: 'two' });
    });

    it('is released only by its holder', async () => {
      expect(await acquireLease(db, 'd', 'one', 60_000, T0)).toBe(true);
      await releaseLease(db, 'd', 'two');
      expect(await liveLease(db, 'd', T0)).toMatchObject({ holder: 'one' });
      await releaseLease(db, 'd', 'one');
      expect(await liveLease(db, 'd', T0)).toBeUndefined();
      expect(await acquireLease(db, 'd', 'two', 60_000, T0 + 1)).toBe(true);
    });

    it('fences another statement: it matches only while that holder holds the lease', async () => {
      expect(await acquireLease(db, 'e', 'one', 1000, T0)).toBe(true);
      const held = (holder: string, at: number) =>
        db
          .selectFrom('leases')
          .select('name')
          .where('name', '=', 'e')
          .where((eb) => eb.exists(leaseHeld(db, 'e', holder, at)))
          .execute();
      expect(await held('one', T0 + 999)).toHaveLength(1);
      expect(await held('two', T0 + 999)).toHaveLength(0);
      expect(await held('one', T0 + 1000)).toHaveLength(0);
    });
  });
}

leaseRules('SQLite', async () => {
  const { db } = await openDatabase(':memory:');
  return { db, close: () => db.destroy() };
});

leaseRules('PostgreSQL (PGlite)', async () => {
  const { db: opened } = await openPglite();
  const db = opened as unknown as Kysely<Database>;
  // Migration 004 as written (Kysely's schema builder), over the outbox it extends.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .execute();
  await m004.up(db as Kysely<unknown>);
  return { db, close: () => db.destroy() };
});

describe('holding a lease while work runs', () => {
  const h = useDispatchHarness();

  it('renews it while held, gives it up at the end, and tells the holder when it is lost', async () => {
    const lease = (await holdLease(h.db, systemClock, { name: 'job:x', holder: 'me', ttlMs: 800, logger: silentLogger() }))!;
    expect(lease).toBeDefined();
    await new Promise((r) => setTimeout(r, 2000)); // more than two TTLs: renewed meanwhile
    expect(await liveLease(h.db, 'job:x', Date.now())).toMatchObject({ holder: 'me' });
    expect(
      await holdLease(h.db, systemClock, { name: 'job:x', holder: 'other', ttlMs: 800, logger: silentLogger() }),
    ).toBeUndefined();
    // Someone takes it over (as after a freeze longer than the TTL): the holder hears of it.
    await h.db
      .updateTable('leases')
      .set({ holder: 'other', expires_at: Date.now() + 60_000 })
      .where('name', '=', 'job:x')
      .execute();
    await new Promise<void>((resolve) => lease.lost.addEventListener('abort', () => resolve()));
    await lease.release();
    expect(await liveLease(h.db, 'job:x', Date.now())).toMatchObject({ holder: 'other' }); // not ours to delete
  });
});

describe('one dispatcher at a time', () => {
  const h = useDispatchHarness();
  const offline: PaymentGateway = new Proxy({} as PaymentGateway, {
    get: () => async () => {
      throw new PaymentGatewayError('UNAVAILABLE', 'offline');
    },
  });
  const jobDeps = (clock = systemClock) => ({
    core: createCore({ db: h.db, clock, config: testConfig(), gateway: offline, logger: silentLogger() }),
    db: h.db,
    api: h.api,
    notices: createNoticeRenderer({ facts: createNoticeFacts(h.db) }),
    clock,
    logger: silentLogger(),
    dispatch: FAST,
  });

  it('the one-off dispatch job refuses while the service’s loop holds the lease, and runs once the loop has stopped', async () => {
    const a = h.privateChat(1101);
    const loop = createDispatcherLoop(h.deps(), { ...FAST, idleMs: 20, holder: 'the service' });
    loop.start();
    try {
      await until(() => loop.holdsLease());
      await h.queue(a, ['a1', 'a2']);
      const refused = await runJob('dispatch', jobDeps()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(LeaseBusyError);
      expect((refused as LeaseBusyError).lease).toMatchObject({ name: 'dispatcher', holder: 'the service' });
      // The service delivers them, each once.
      await h.tg.api.waitFor(() => h.okSends(a).length === 2, 3000);
    } finally {
      await loop.stop();
    }
    expect(await liveLease(h.db, DISPATCHER_LEASE, Date.now())).toBeUndefined(); // given up on stop

    await h.queue(a, ['a3']);
    expect(await runJob('dispatch', jobDeps())).toMatchObject({ sent: 1, deferred: 0 });
    expect(h.markersIn(a)).toEqual(['a1', 'a2', 'a3']);
    expect(h.sendCalls()).toHaveLength(3);
    expect(await liveLease(h.db, DISPATCHER_LEASE, Date.now())).toBeUndefined(); // given up after the run
  });

  it('a second loop stands by while the first delivers, and takes over when the first stops', async () => {
    const chats = [1201, 1202, 1203].map(h.privateChat);
    for (const c of chats) await h.queue(c, [`${c}-1`, `${c}-2`]);
    const first = createDispatcherLoop(h.deps(), { ...FAST, idleMs: 20, leaseTtlMs: 1000, holder: 'first' });
    const second = createDispatcherLoop(h.deps(), { ...FAST, idleMs: 20, leaseTtlMs: 1000, holder: 'second' });
    first.start();
    await h.tg.api.waitFor((api) => api.calls.filter((c) => c.method === 'sendMessage' && c.ok).length === 6, 3000);
    second.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(first.holdsLease()).toBe(true);
    expect(second.holdsLease()).toBe(false);
    await first.stop();
    for (const c of chats) await h.queue(c, [`${c}-3`]);
    await h.tg.api.waitFor((api) => api.calls.filter((c) => c.method === 'sendMessage' && c.ok).length === 9, 3000);
    expect(second.holdsLease()).toBe(true);
    await second.stop();
    for (const c of chats) expect(h.markersIn(c)).toEqual([`${c}-1`, `${c}-2`, `${c}-3`]);
    const sentBy = await h.db.selectFrom('outbox').select('id').where('sent_at', 'is not', null).execute();
    expect(sentBy).toHaveLength(9);
  });

  it('taking the lease releases at once the claims another holder left, and nothing else', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const now = clock.now().getTime();
    const [a, b, c] = [1501, 1502, 1503].map(h.privateChat);
    await h.queue(a, ['a1', 'a2'], clock);
    await h.queue(b, ['b1'], clock);
    await h.queue(c, ['c1'], clock);
    const [a1, , b1, c1] = await h.outbox();
    // A dead dispatcher's claim (a minute to run), a row backing off after a 502, and a claim
    // of the new holder's own from before (say, a send it still has in flight).
    await h.db
      .updateTable('outbox')
      .set({ attempts: 1, claimed_by: 'dead', next_attempt_at: now + 60_000 })
      .where('id', '=', a1!.id)
      .execute();
    await h.db
      .updateTable('outbox')
      .set({ attempts: 1, claimed_by: null, next_attempt_at: now + 30_000 })
      .where('id', '=', b1!.id)
      .execute();
    await h.db
      .updateTable('outbox')
      .set({ attempts: 1, claimed_by: 'new', next_attempt_at: now + 60_000 })
      .where('id', '=', c1!.id)
      .execute();

    expect(await acquireLease(h.db, DISPATCHER_LEASE, 'new', 5000, now)).toBe(true);
    const d = createDispatcher(h.deps(clock), { ...FAST, fence: { lease: DISPATCHER_LEASE, holder: 'new' } });
    expect(await d.takeOver()).toBe(1);
    expect(await d.run()).toMatchObject({ sent: 2 });
    expect(h.markersIn(a)).toEqual(['a1', 'a2']);
    expect(h.markersIn(b)).toEqual([]);
    expect(h.markersIn(c)).toEqual([]);
    const rows = await h.outbox();
    expect(rows.find((r) => r.id === a1!.id)).toMatchObject({ attempts: 2, claimed_by: 'new' });
    expect(rows.find((r) => r.id === b1!.id)).toMatchObject({ next_attempt_at: now + 30_000, sent_at: null });
  });

  it('a dispatcher that has lost the lease claims nothing more, even mid-run', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = h.privateChat(1301);
    await h.queue(a, ['a1', 'a2', 'a3'], clock);
    expect(await acquireLease(h.db, DISPATCHER_LEASE, 'frozen', 5000, clock.now().getTime())).toBe(true);
    // The lease went to another holder while this one was frozen.
    await h.db.updateTable('leases').set({ holder: 'successor' }).where('name', '=', DISPATCHER_LEASE).execute();
    const stale = createDispatcher(h.deps(clock), { ...FAST, fence: { lease: DISPATCHER_LEASE, holder: 'frozen' } });
    expect(await stale.run()).toMatchObject({ sent: 0, deferred: 3 });
    expect(h.sendCalls()).toHaveLength(0);
    expect((await h.outbox()).every((r) => r.attempts === 0)).toBe(true);
  });
});

describe('npm run job -- dispatch, as an operator runs it beside the service', () => {
  const h = useDispatchHarness();

  async function cli(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/job.ts', 'dispatch'], {
        env: {
          ...process.env,
          DATABASE_PATH: file,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: h.tg.apiRoot,
          SANDBOX: 'off',
          LOG_LEVEL: 'silent',
          NODE_ENV: 'production',
        },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  it('refuses with a clear message while the service delivers, and delivers once the service is down', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-lease-'));
    const file = path.join(dir, 'library.db');
    const { db } = await openDatabase(file);
    const deps = { ...h.deps(), db, notices: createNoticeRenderer({ facts: createNoticeFacts(db) }) };
    const a = h.privateChat(1401);
    const loop = createDispatcherLoop(deps, { ...FAST, idleMs: 20, holder: 'service (pid 1 on test)' });
    try {
      loop.start();
      await until(() => loop.holdsLease());
      const beside = await cli(file);
      expect(beside.code).toBe(1);
      expect(beside.stderr).toContain('Not dispatching: another dispatcher is delivering the outbox — service (pid 1 on test)');
      expect(beside.stderr).toContain('nothing was sent');
      await loop.stop();

      // The service is down: a notification queued meanwhile goes out from the command.
      await enqueue(
        db,
        [
          {
            chatId: a,
            kind: 'staff.payment_received',
            payload: { amount: '1.00', type: 'PAYMENT', reader: 'Ann', book_title: 'b1' } as PaymentReceivedPayload,
          },
        ],
        Date.now(),
      );
      const alone = await cli(file);
      expect(alone.stderr).toBe('');
      expect(alone.code).toBe(0);
      expect(JSON.parse(alone.stdout)).toMatchObject({ job: 'dispatch', sent: 1, failed: 0, deferred: 0 });
      expect(h.okSends(a)).toHaveLength(1);
    } finally {
      await loop.stop();
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
