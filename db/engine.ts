// Which engine a Kysely instance talks to, and what each engine provides (ARCHITECTURE.md,
// "Two engines, one core"). core/ stays engine-blind: it calls the functions in db/, and those
// find the engine from the instance they are given — a database, a transaction or a connection.
import { type Kysely, PostgresAdapter, SqliteAdapter } from 'kysely';
import type { ChangeToken } from './change-token.js';
import type { CounterStore } from './counter-store.js';
import type { KeyedLocks } from './keyed-locks.js';

export type EngineKind = 'sqlite' | 'postgres';

/** Tables whose rows a write transaction may lock by id (db/transactions.ts). */
export type LockableTable = 'books' | 'users' | 'borrowings' | 'payments' | 'outbox';

/**
 * What `openDatabase` hands out beside the Kysely instance. The functions are the same ones
 * db/ exports standalone (core calls those with its `db`); here they are bound to this database.
 */
export interface Engine {
  readonly kind: EngineKind;
  /** Where it is, for logs: a file path, or a PostgreSQL URL without its password. */
  readonly description: string;
  /** The write transaction core runs its read-then-write use cases in (db/transactions.ts). */
  writeTransaction<T>(fn: (trx: Kysely<any>) => Promise<T>): Promise<T>;
  /** Row locks for the rows a write transaction is about to read and change (no-op on SQLite). */
  lockForUpdate(trx: Kysely<any>, table: LockableTable, ids: readonly number[]): Promise<void>;
  /** Freshness of cached catalogue reads (db/change-token.ts). */
  readonly changeToken: ChangeToken;
  /** Where throttling counters live: process memory on SQLite, a shared table on PostgreSQL. */
  counterStore(): CounterStore;
  /**
   * Locks by key shared by everything in this process on this database, and on a PostgreSQL
   * server by every instance (db/keyed-locks.ts): the per-chat lock of Telegram updates.
   */
  keyedLocks(): KeyedLocks;
  /**
   * Runs a read that may take long (a catalogue search over thousands of rows) where it holds
   * nobody up: on a SQLite file, in a worker thread with its own read-only connection
   * (db/read-pool.ts), since better-sqlite3 runs every statement on the calling thread; on
   * PostgreSQL (the server does the work, the driver is asynchronous) and in-memory SQLite (one
   * connection only), on `db` itself. `fn` gets the Kysely to read with, and must only read.
   */
  longRead<T>(fn: (db: Kysely<any>) => Promise<T>): Promise<T>;
  /** Closes the database (and, for PGlite, the in-process server it owns). */
  close(): Promise<void>;
}

/** The engine of any Kysely instance — also of a transaction or a single connection, which have no registry entry. */
export function engineKind(db: Kysely<any>): EngineKind {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported database adapter: ${adapter.constructor.name}`);
}

export const isPostgres = (db: Kysely<any>): boolean => engineKind(db) === 'postgres';

const engines = new WeakMap<object, Engine>();

/** Called by whoever opens a database (db/connection.ts, db/postgres.ts). */
export function registerEngine(db: object, engine: Engine): void {
  engines.set(db, engine);
}

/** The engine descriptor of a database opened in db/, or undefined for any other instance. */
export function engineOf(db: object): Engine | undefined {
  return engines.get(db);
}
