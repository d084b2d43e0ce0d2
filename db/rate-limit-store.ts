// Where throttling counters live. The HTTP policy (api/rate-limit.ts) asks this store for named
// counters and never learns which engine keeps them.
//
// Today: process memory (RateLimiterMemory) — exact for one process, which is what runs on
// SQLite. With several instances behind a load balancer (SPEC §12) the counters must be shared,
// or each instance would allow the full limit: a PostgreSQL store is then one more
// implementation of CounterStore over the same `pg` pool, e.g.
//   new RateLimiterPostgres({ storeClient: pool, tableName: 'rate_limits', tableCreated: true,
//     clearExpiredByTimeout: true, keyPrefix: spec.name, points, duration, blockDuration,
//     insuranceLimiter: new RateLimiterMemory({...same}) })
// with the table (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0,
// expire bigint) created by a migration rather than by the library at start-up; the insurance
// limiter keeps throttling working in memory while the database hiccups.
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface CounterSpec {
  /** Unique per counter: keys of different counters never collide. */
  name: string;
  /** Points a key may use within one window… */
  points: number;
  /** …of this many seconds, counted from the key's first point. */
  durationSec: number;
  /** Once a key goes over, it stays refused this long (0: until its window ends). */
  blockSec?: number;
}

/** rate-limiter-flexible's common interface: every store (memory, PostgreSQL, …) offers it. */
export type Counter = RateLimiterAbstract;

export interface CounterStore {
  counter(spec: CounterSpec): Counter;
}

export function memoryCounterStore(): CounterStore {
  return {
    counter: (spec) =>
      new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSec, blockDuration: spec.blockSec ?? 0 }),
  };
}
