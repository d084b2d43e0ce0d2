// PostgreSQL through `pg` (SPEC §12): the pool's type parsing, and a Kysely instance over any
// pool — a real server's, or PGlite's in tests (db/pglite.ts) — with its engine registered.

import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { postgresChangeToken, registerChangeToken } from './change-token.js';
import { type Engine, registerEngine } from './engine.js';
import { advisoryLocks, inProcessLocks, type LockSession } from './keyed-locks.js';
import { postgresCounterStore, type QueryablePool } from './rate-limit-store.js';
import type { Database } from './schema.js';
import { statementLogger } from './statement-log.js';
import { lockForUpdate, writeTransaction } from './transactions.js';

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Ids, Telegram chat ids (-1001234567890), epoch milliseconds and count(*) are int8, which `pg`
 * hands out as strings; core compares them as numbers, as it gets them from SQLite. Every value
 * we store fits in 2^53; anything beyond comes back as a BigInt rather than a rounded number.
 * numeric appears only from arithmetic and sum() over int8 (money is integer cents), so a
 * double is exact for every value we produce.
 */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

export const parseNumeric = (text: string): number => Number(text);

/** `types` for a pg Pool or Client: per pool, never pg's global parsers (other code may share `pg`). */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return parseNumeric;
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

export { describeUrl, isPostgresUrl } from './urls.js';

export interface PostgresPoolOptions {
  /** Connections per instance (default 10). */
  max?: number;
}

export function createPgPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: options.max ?? 10 });
  // An idle connection that the server drops must not take the process with it: the pool
  // replaces it on the next checkout.
  pool.on('error', () => undefined);
  return pool;
}

/** A connection of its own, outside the pool, for advisory locks (db/keyed-locks.ts). */
export async function openLockSession(url: string): Promise<LockSession> {
  const client = new pg.Client({ connectionString: url, types: pgTypes });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface PostgresDatabaseOptions {
  /**
   * Opens a dedicated connection for advisory locks: given for a server that several instances
   * share; without it (PGlite: one process, one session) locks are this process's alone.
   */
  lockSession?: () => Promise<LockSession>;
}

export interface PostgresDatabase {
  db: Kysely<Database>;
  engine: Engine;
}

/**
 * Kysely over a pool, with the engine registered for core's db/ functions. `pool` must also
 * answer `query()` (RateLimiterPostgres uses it); `close` ends whatever the caller owns.
 */
export function postgresDatabase(
  pool: PostgresPool & QueryablePool,
  description: string,
  close?: () => Promise<void>,
  options: PostgresDatabaseOptions = {},
): PostgresDatabase {
  const db: Kysely<Database> = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: statementLogger(() => db) });
  const changeToken = postgresChangeToken(db);
  registerChangeToken(db, changeToken);
  const counters = postgresCounterStore(pool);
  const locks = options.lockSession ? advisoryLocks(options.lockSession) : inProcessLocks();
  const engine: Engine = {
    kind: 'postgres',
    description,
    writeTransaction: (fn) => writeTransaction(db, fn),
    lockForUpdate,
    changeToken,
    counterStore: () => counters,
    keyedLocks: () => locks,
    longRead: (fn) => fn(db),
    async close() {
      await locks.close();
      await db.destroy();
      await close?.();
    },
  };
  registerEngine(db, engine);
  return { db, engine };
}
