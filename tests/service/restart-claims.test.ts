// What a restart after a crash relies on (issue 20), on both engines: a lease holder id says
// which process of which machine holds it and since when, so a process of the same machine can
// tell that holder is gone and take its lease at once, while a holder elsewhere is waited out;
// and long polling's record of fetched updates hands a dead poller's updates to the next one,
// never handling one twice. End to end, with kill -9: tests/service/restart-crash.sqlite.test.ts.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollingInbox } from '../../bot/polling-inbox.js';
import { systemClock } from '../../core/kernel/clock.js';
import type { DB } from '../../db/connection.js';
import { acquireLease, liveLease, takeOverLease } from '../../db/leases.js';
import { awaitLease, holderIsGone, holderIsHere, holderLabel, holdLease, leaseHolderId } from '../../jobs/lease.js';
import { silentLogger } from '../../logger.js';
import { openTestDatabase, TEST_ENGINE } from '../helpers/engine.js';

let db: DB;
beforeAll(async () => {
  ({ db } = await openTestDatabase());
});
afterAll(async () => {
  await db?.destroy();
});

/** The pid of a process that has just ended. */
function deadPid(): number {
  const pid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  return pid;
}

/** What a process of this machine that has ended leaves as a lease holder (as leaseHolderId writes it). */
function deadHolder(role: string): string {
  return leaseHolderId(role).replace(
    /\(pid \d+ on ([^,)]+)(, started )?\d*/,
    (_m: string, host: string, started?: string) => `(pid ${deadPid()} on ${host}${started ? `${started}1` : ''}`,
  );
}

const host = os.hostname();

describe('a lease holder id', () => {
  it('names the role, the pid, the machine and (on Linux) the process start; people read it without the start', () => {
    const id = leaseHolderId('npm start');
    expect(id).toMatch(
      new RegExp(
        `^npm start \\(pid ${process.pid} on ${host.replace(/\./g, '\\.')}(, started \\d+@[0-9a-f]+/\\d+)?\\) #[0-9a-f]{6}$`,
      ),
    );
    if (process.platform === 'linux') expect(id).toContain(', started ');
    expect(holderLabel(id)).toBe(`npm start (pid ${process.pid} on ${host})`);
    expect(holderIsHere(id)).toBe(true);
    expect(holderIsHere('npm start (pid 1 on elsewhere.example) #abcdef')).toBe(false);
  });

  it('is gone when its process of this machine has ended, or its pid now belongs to another process', () => {
    expect(holderIsGone(leaseHolderId('npm start'))).toBe(false);
    expect(holderIsGone(deadHolder('npm start'))).toBe(true);
    if (process.platform === 'linux') {
      const [, tick, boot, ns] = /, started (\d+)@([0-9a-f]+)\/(\d+)\)/.exec(leaseHolderId('x'))!;
      // Our own pid, started at another moment: a previous life of this pid.
      expect(holderIsGone(`npm start (pid ${process.pid} on ${host}, started ${Number(tick) - 1}@${boot}/${ns}) #abcdef`)).toBe(
        true,
      );
      // A live process: same pid, same start.
      expect(holderIsGone(`npm start (pid ${process.pid} on ${host}, started ${tick}@${boot}/${ns}) #abcdef`)).toBe(false);
      // A dead pid, named with its start.
      expect(holderIsGone(`npm start (pid ${deadPid()} on ${host}, started 1@${boot}/${ns}) #abcdef`)).toBe(true);
    }
  });

  it('is never called gone on another machine, in another boot or container of the same name, nor when it cannot be read', () => {
    const pid = deadPid();
    expect(holderIsGone(`npm start (pid ${pid} on elsewhere.example) #abcdef`)).toBe(false);
    if (process.platform === 'linux') {
      const [, , boot, ns] = /, started (\d+)@([0-9a-f]+)\/(\d+)\)/.exec(leaseHolderId('x'))!;
      // The same host name in another boot or pid namespace may be another machine or container.
      expect(holderIsGone(`npm start (pid ${pid} on ${host}, started 1@000000000000/${ns}) #abcdef`)).toBe(false);
      expect(holderIsGone(`npm start (pid ${pid} on ${host}, started 1@${boot}/1) #abcdef`)).toBe(false);
    }
    expect(holderIsGone('first')).toBe(false);
    expect(holderIsGone('service (pid 1 on test)')).toBe(false);
  });
});

describe(`taking over a lease (${TEST_ENGINE})`, () => {
  const T0 = Date.now();

  it('takeOverLease moves it only from the holder named', async () => {
    expect(await acquireLease(db, 't1', 'dead', 60_000, T0)).toBe(true);
    expect(await takeOverLease(db, 't1', 'someone-else', 'me', 15_000, T0)).toBe(false);
    expect(await liveLease(db, 't1', T0)).toMatchObject({ holder: 'dead' });
    expect(await takeOverLease(db, 't1', 'dead', 'me', 15_000, T0)).toBe(true);
    expect(await liveLease(db, 't1', T0)).toEqual({ name: 't1', holder: 'me', expiresAt: T0 + 15_000 });
  });

  it('holdLease with takeOver takes a gone holder’s live lease at once, and leaves a live or faraway one alone', async () => {
    const logger = silentLogger();
    const dead = deadHolder('npm start');
    await acquireLease(db, 't2', dead, 60_000, Date.now());
    expect(await holdLease(db, systemClock, { name: 't2', holder: 'plain', ttlMs: 5000, logger })).toBeUndefined();
    const me = leaseHolderId('npm start');
    const held = await holdLease(db, systemClock, { name: 't2', holder: me, ttlMs: 5000, logger, takeOver: true });
    expect(held?.holder).toBe(me);
    await held!.release();

    const alive = leaseHolderId('other npm start');
    const far = `npm start (pid ${deadPid()} on elsewhere.example) #far000`;
    for (const holder of [alive, far]) {
      await db.deleteFrom('leases').where('name', '=', 't3').execute();
      await acquireLease(db, 't3', holder, 60_000, Date.now());
      expect(await holdLease(db, systemClock, { name: 't3', holder: me, ttlMs: 5000, logger, takeOver: true })).toBeUndefined();
    }
  });

  it('awaitLease says once that it waits, and holds the lease as soon as its holder gives it up', async () => {
    const logger = silentLogger();
    const first = (await holdLease(db, systemClock, { name: 't4', holder: leaseHolderId('first'), ttlMs: 15_000, logger }))!;
    const told: string[] = [];
    const waiting = awaitLease(db, systemClock, {
      name: 't4',
      holder: leaseHolderId('second'),
      ttlMs: 15_000,
      logger,
      signal: new AbortController().signal,
      retryMs: 50,
      onBusy: (l) => told.push(l.holder),
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(told).toEqual([first.holder]);
    await first.release();
    const second = await waiting;
    expect(second?.holder).toMatch(/^second /);
    await second!.release();

    // Given up when asked to stop.
    const third = (await holdLease(db, systemClock, { name: 't4', holder: 'third', ttlMs: 15_000, logger }))!;
    const stop = new AbortController();
    const abandoned = awaitLease(db, systemClock, {
      name: 't4',
      holder: 'fourth',
      ttlMs: 15_000,
      logger,
      signal: stop.signal,
      retryMs: 50,
    });
    stop.abort();
    expect(await abandoned).toBeUndefined();
    await third.release();
  });
});

describe(`long polling's record of fetched updates (${TEST_ENGINE})`, () => {
  const message = (updateId: number, chatId: number): Update =>
    ({
      update_id: updateId,
      message: {
        message_id: updateId,
        date: 0,
        chat: { id: chatId, type: 'private', first_name: 'R' },
        from: { id: chatId, is_bot: false, first_name: 'R' },
        text: `m${updateId}`,
      },
    }) as Update;

  it('a crashed poller’s unbegun updates are handled by the next, its begun ones given up, none twice', async () => {
    const logger = silentLogger();
    const dying = createPollingInbox({ db, logger });
    const batch = [message(9001, 1), message(9002, 1), message(9003, 2), message(9004, 3)];
    await dying.received(batch);
    const handled: number[] = [];
    // The dying poller finishes 9001, is in the middle of 9003 when it dies, never begins the rest.
    await dying.handle(batch[0]!, async () => void handled.push(9001));
    const stuck = dying.handle(batch[2]!, () => new Promise<void>(() => undefined));
    void stuck;
    await new Promise((r) => setTimeout(r, 100));

    const next = createPollingInbox({ db, logger });
    const replayed: number[] = [];
    await next.replay(async (u) => void replayed.push(u.update_id));
    // Two chats: handled side by side, in either order.
    expect([...replayed].sort((a, b) => a - b)).toEqual([9002, 9004]);
    // Telegram hands the unconfirmed batch over again: nothing in it is handled a second time.
    await next.received(batch);
    for (const u of batch) await next.handle(u, async () => void replayed.push(u.update_id));
    expect(replayed).toHaveLength(2);
    // A replay later finds nothing left.
    await next.replay(async (u) => void replayed.push(u.update_id));
    expect(replayed).toHaveLength(2);
    const rows = await db
      .selectFrom('telegram_updates')
      .select(['update_id', 'handled_at', 'body'])
      .where('update_id', '>=', 9001)
      .where('update_id', '<=', 9004)
      .orderBy('update_id')
      .execute();
    expect(rows.map((r) => [Number(r.update_id), r.handled_at !== null, r.body])).toEqual([
      [9001, true, null],
      [9002, true, null],
      [9003, true, null],
      [9004, true, null],
    ]);
  });

  it('a chat’s updates are handled one at a time, in order', async () => {
    const inbox = createPollingInbox({ db, logger: silentLogger() });
    const batch = [message(9101, 7), message(9102, 7), message(9103, 7)];
    await inbox.received(batch);
    const order: string[] = [];
    await Promise.all(
      batch.map((u) =>
        inbox.handle(u, async () => {
          order.push(`start ${u.update_id}`);
          await new Promise((r) => setTimeout(r, 20));
          order.push(`end ${u.update_id}`);
        }),
      ),
    );
    expect(order).toEqual(['start 9101', 'end 9101', 'start 9102', 'end 9102', 'start 9103', 'end 9103']);
  });
});
