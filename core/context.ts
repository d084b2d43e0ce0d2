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
}

/** Who is acting: the door (API token, bot user) resolves this before calling core. */
export interface Actor {
  userId: number;
  isStaff: boolean;
}
