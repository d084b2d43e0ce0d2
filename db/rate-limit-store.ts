// Where throttling counters live. The HTTP policy (api/rate-limit.ts) asks this store for named
// counters and never learns which engine keeps them.
//
// SQLite: process memory (RateLimiterMemory) — exact for one process, which is what runs on
// SQLite. PostgreSQL: one table shared by every instance (SPEC §10, §12: "limits hold across
// every instance"), or each instance behind a load balancer would allow the full limit.
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { engineOf } from './engine.js';

export type { Counter, CounterSpec, CounterStore } from './counter-store.js';

import type { CounterStore } from './counter-store.js';

export function memoryCounterStore(): CounterStore {
  return {
    counter: (spec) =>
      new RateLimiterMemory({
        keyPrefix: spec.name,
        points: spec.points,
        duration: spec.durationSec,
        blockDuration: spec.blockSec ?? 0,
      }),
  };
}

/** What RateLimiterPostgres needs of a pool (storeType 'pool'): a query per call. */
export interface QueryablePool {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<unknown>;
}

/** The table migration 006 creates on PostgreSQL, in the layout RateLimiterPostgres writes. */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * Counters in `rate_limits`, shared by every instance on the database. The table comes from a
 * migration (`tableCreated: true`), so no instance issues DDL at start-up. Expired keys are
 * swept hourly by each instance (a DELETE of rows expired an hour ago: idempotent). While the
 * database does not answer, the insurance limiter keeps throttling this instance in memory
 * rather than letting every attempt through or failing every login.
 */
export function postgresCounterStore(pool: QueryablePool): CounterStore {
  return {
    counter: (spec) => {
      const limits = { keyPrefix: spec.name, points: spec.points, duration: spec.durationSec, blockDuration: spec.blockSec ?? 0 };
      return new RateLimiterPostgres({
        ...limits,
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        clearExpiredByTimeout: true,
        insuranceLimiter: new RateLimiterMemory(limits),
      });
    },
  };
}

/** The store for a database opened in db/: shared on PostgreSQL, memory otherwise. */
export function counterStoreFor(db: object): CounterStore {
  return engineOf(db)?.counterStore() ?? memoryCounterStore();
}
