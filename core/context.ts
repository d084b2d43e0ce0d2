import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Clock } from './clock.js';
import type { PaymentGateway } from './stripe.js';

/** What every core service is built from. */
export interface CoreDeps {
  db: DB;
  clock: Clock;
  config: Config;
  gateway: PaymentGateway;
  logger: Logger;
  /**
   * Catalogue reads (book lists and details) are kept in memory for at most this long, in ms;
   * unset or 0 = no cache. Freshness does not depend on it: every read checks the database's
   * change token, so any commit anywhere is seen by the next read.
   */
  catalogueCacheMs?: number;
  /** Memory budget of that cache (estimated bytes); default CATALOGUE_CACHE_BYTES (8 MiB). */
  catalogueCacheBytes?: number;
}

/** Who is acting: the door (API token, bot user) resolves this before calling core. */
export interface Actor {
  userId: number;
  isStaff: boolean;
}
