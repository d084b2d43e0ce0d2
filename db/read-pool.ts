// Long reads on a SQLite file, off the event loop (README, "Searches never hold up the
// service"). better-sqlite3 runs every statement synchronously on the calling thread: a search
// that merged a hundred thousand index entries held up /health and every other request for its
// whole length. Here each long read gets a worker thread (db/read-worker.ts) with its own
// read-only connection, and a Kysely whose statements are sent there; the service's thread only
// waits for the rows.
//
// - Lazy and small: no worker until the first long read; one worker on a machine of 2 cores or
//   fewer (the service's thread keeps the other), two beyond; a modest page cache each; a worker
//   idle for IDLE_MS is stopped and started again when needed.
// - Bounded: one read at a time per worker, first come first served, and at most MAX_WAITING
//   reads waiting; beyond that a read is refused at once (ReadPoolBusyError) rather than queued
//   for longer than any client would wait.
// - Exact: the same statements, the same SQLite, the same search function as on the service's
//   connection; in WAL mode a statement here sees every commit made before it started.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-worker.js';
import { statementLogger } from './statement-log.js';

/** Reads waiting for a worker beyond which another is refused. */
export const MAX_WAITING = 32;
/** A worker with nothing to do for this long is stopped (its memory returned). */
export const IDLE_MS = 60_000;
/** Each worker connection's page cache, KiB (the service's own has 16 MiB). */
export const WORKER_CACHE_KIB = 2 * 1024;

/** Too many long reads waiting already: the caller should answer "busy, try again". */
export class ReadPoolBusyError extends Error {
  constructor(waiting: number) {
    super(`${waiting} long reads are already waiting`);
    this.name = 'ReadPoolBusyError';
  }
}

export const isReadPoolBusy = (e: unknown): e is ReadPoolBusyError => e instanceof ReadPoolBusyError;

export interface ReadPoolOptions {
  file: string;
  workers?: number;
  maxWaiting?: number;
  idleMs?: number;
  /** The Kysely whose statement watchers (db/statement-log.ts) see these reads as its own. */
  logAs?: () => object | undefined;
}

export interface ReadPool {
  run<T>(fn: (db: Kysely<any>) => Promise<T>): Promise<T>;
  /** Workers running now, reads in progress and waiting (tests, diagnostics). */
  stats(): { workers: number; running: number; waiting: number };
  close(): Promise<void>;
}

/** One worker thread and the Kysely that sends it statements. */
class Slot {
  readonly worker: Worker;
  readonly db: Kysely<any>;
  busy = false;
  dead = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();

  constructor(file: string, logAs: () => object | undefined, onDeath: (slot: Slot) => void) {
    this.worker = startWorker({ file, cacheKib: WORKER_CACHE_KIB });
    // An idle worker never keeps the process alive; one with a read in progress does (run()).
    this.worker.unref();
    this.worker.on('message', (reply: ReadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('rows' in reply) waiter.resolve(reply.rows);
      else waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    });
    // A worker that fails or exits on its own fails its reads in progress and is replaced.
    const died = (err: Error) => {
      if (this.stop(err)) onDeath(this);
    };
    this.worker.on('error', (e) => died(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => died(new Error(`the read worker stopped (exit code ${code})`)));
    const connection: DatabaseConnection = {
      executeQuery: async <R>(q: CompiledQuery): Promise<QueryResult<R>> => ({
        rows: (await this.query(q.sql, q.parameters)) as R[],
      }),
      streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
        throw new Error('the read worker does not stream');
      },
    };
    const noTransactions = async () => {
      throw new Error('the read worker runs reads only, outside transactions');
    };
    const driver: Driver = {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: noTransactions,
      commitTransaction: noTransactions,
      rollbackTransaction: noTransactions,
      releaseConnection: async () => undefined,
      destroy: async () => undefined,
    };
    const dialect: Dialect = {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    };
    this.db = new Kysely<any>({ dialect, log: statementLogger(logAs) });
  }

  /** Stops the worker, failing any read in progress; false when it was stopped already. */
  stop(reason: Error): boolean {
    if (this.dead) return false;
    this.dead = true;
    for (const waiter of this.pending.values()) waiter.reject(reason);
    this.pending.clear();
    void this.worker.terminate();
    return true;
  }

  query(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.dead) return Promise.reject(new Error('the read worker stopped'));
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, parameters } satisfies ReadRequest);
    });
  }
}

/**
 * The worker thread: compiled JavaScript beside this file, or — when this module runs as
 * TypeScript (tsx, vitest) — the TypeScript source, loaded through tsx's loader registered in
 * the worker itself (a worker does not inherit the loader of the thread that starts it).
 */
function startWorker(data: ReadWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./read-worker.js', here), { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./read-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

export function createReadPool(opts: ReadPoolOptions): ReadPool {
  const size = Math.max(1, opts.workers ?? (availableParallelism() > 2 ? 2 : 1));
  const maxWaiting = opts.maxWaiting ?? MAX_WAITING;
  const idleMs = opts.idleMs ?? IDLE_MS;
  const logAs = opts.logAs ?? (() => undefined);
  const slots: Slot[] = [];
  const waiting: Array<{ resolve: (slot: Slot) => void; reject: (e: Error) => void }> = [];
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const forget = (slot: Slot) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    // A read waiting for a worker gets a new one.
    if (waiting.length && !closed) hand(new Slot(opts.file, logAs, forget));
  };

  function hand(slot: Slot) {
    if (!slots.includes(slot)) slots.push(slot);
    const next = waiting.shift();
    if (next) {
      slot.busy = true;
      slot.worker.ref();
      next.resolve(slot);
      return;
    }
    slot.busy = false;
    slot.worker.unref();
    if (slots.every((s) => !s.busy)) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stopIdle, idleMs);
      idleTimer.unref();
    }
  }

  function stopIdle() {
    for (const slot of slots.filter((s) => !s.busy)) {
      slots.splice(slots.indexOf(slot), 1);
      slot.stop(new Error('the read worker was idle'));
    }
  }

  function acquire(): Promise<Slot> {
    if (closed) return Promise.reject(new Error('the read pool is closed'));
    clearTimeout(idleTimer);
    const free = slots.find((s) => !s.busy && !s.dead);
    if (free || slots.length < size) {
      const slot = free ?? new Slot(opts.file, logAs, forget);
      if (!free) slots.push(slot);
      slot.busy = true;
      slot.worker.ref();
      return Promise.resolve(slot);
    }
    if (waiting.length >= maxWaiting) return Promise.reject(new ReadPoolBusyError(waiting.length));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  return {
    async run(fn) {
      const slot = await acquire();
      try {
        return await fn(slot.db);
      } finally {
        if (!slot.dead) hand(slot);
      }
    },
    stats: () => ({ workers: slots.length, running: slots.filter((s) => s.busy).length, waiting: waiting.length }),
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      for (const w of waiting.splice(0)) w.reject(new Error('the read pool is closed'));
      const all = slots.splice(0);
      for (const slot of all) slot.stop(new Error('the read pool is closed'));
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}
