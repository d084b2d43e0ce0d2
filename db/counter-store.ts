// A named throttling counter and the store that makes them (db/rate-limit-store.ts has the two
// implementations; the engine says which one it uses).
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

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
