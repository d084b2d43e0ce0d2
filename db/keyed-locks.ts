// Locks by key — one holder per key at a time — for work that must not overlap with itself
// (the updates of one Telegram chat, bot/update-gate.ts). One implementation per engine:
//
// - In this process only: a queue per key (first come, first served). Enough where one process
//   serves the database: SQLite (one file, one service), and PGlite in tests.
// - PostgreSQL server: the same queue, then a session-level advisory lock taken on one dedicated
//   connection per instance (not a pooled one: the work holding the lock runs its own queries
//   on the pool, and a lock per pooled connection could starve the pool). pg_try_advisory_lock
//   never blocks that connection; a busy key is tried again after a short pause. The in-process
//   queue comes first because advisory locks are re-entrant within one session: two holders in
//   this process would both get the same key. When an instance dies, its connection closes and
//   PostgreSQL frees every lock it held — no lease to wait out, nothing left behind.
import { setTimeout as sleep } from 'node:timers/promises';

export interface KeyedLocks {
  /** Runs fn while holding the key's lock, after earlier holders of the key (here and elsewhere). */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function inProcessLocks(): KeyedLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      const mine = before.then(fn, fn);
      const tail = mine.catch(() => undefined);
      tails.set(key, tail);
      // The last holder of a key removes the entry, so the map holds only keys in use.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return mine;
    },
    async close() {
      await Promise.allSettled([...tails.values()]);
    },
  };
}

/** A connection of its own (pg.Client-like): query, end, and an error event. */
export interface LockSession {
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Advisory lock keys of this module (the first of the two int4 keys): unlikely to meet another's. */
export const LOCK_NAMESPACE = 0x4c4942; // "LIB"

/** A 32-bit FNV-1a hash of the key: two keys that collide only queue behind each other. */
export function lockKey(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export function advisoryLocks(connect: () => Promise<LockSession>, opts: { maxPauseMs?: number } = {}): KeyedLocks {
  const local = inProcessLocks();
  const maxPause = opts.maxPauseMs ?? 50;
  let session: Promise<LockSession> | undefined;
  let closed = false;

  const current = (): Promise<LockSession> => {
    if (closed) return Promise.reject(new Error('the lock session is closed'));
    if (!session) {
      const opening: Promise<LockSession> = connect().then((s) => {
        // A broken connection is replaced on next use; PostgreSQL has freed its locks already.
        s.on('error', () => {
          if (session === opening) session = undefined;
        });
        return s;
      });
      opening.catch(() => {
        if (session === opening) session = undefined;
      });
      session = opening;
    }
    return session;
  };

  // A query that fails has lost the connection (these statements cannot fail otherwise): the
  // session is dropped and the next use opens another. Locks held through it are gone with it —
  // PostgreSQL freed them — so their holders no longer exclude anyone; the webhook's claim on
  // each update (db/telegram-updates.ts) still keeps an update from running twice meanwhile.
  const query = async (text: string, key: string) => {
    const opened = current();
    const s = await opened;
    try {
      return (await s.query(text, [LOCK_NAMESPACE, lockKey(key)])).rows[0]!;
    } catch (e) {
      if (session === opened) {
        session = undefined;
        void s.end().catch(() => undefined);
      }
      throw e;
    }
  };

  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      return local.run(key, async () => {
        for (let attempt = 0; ; attempt++) {
          const r = await query('SELECT pg_try_advisory_lock($1, $2) AS ok', key);
          if (r.ok === true) break;
          await sleep(Math.random() * Math.min(maxPause, 2 * 2 ** attempt));
        }
        try {
          return await fn();
        } finally {
          await query('SELECT pg_advisory_unlock($1, $2) AS ok', key).catch(() => undefined);
        }
      });
    },
    async close() {
      await local.close();
      closed = true;
      const s = session;
      session = undefined;
      if (s) await s.then((c) => c.end()).catch(() => undefined);
    },
  };
}
