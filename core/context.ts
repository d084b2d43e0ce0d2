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
   * How long catalogue reads (book lists and details) may be served from memory, in ms; any
   * write through core (book edits, borrows, returns) drops the cache at once. The service uses
   * 2000; unset or 0 = no cache (tests that write books behind core's back rely on that).
   */
  catalogueCacheMs?: number;
}

/** Who is acting: the door (API token, bot user) resolves this before calling core. */
export interface Actor {
  userId: number;
  isStaff: boolean;
}
