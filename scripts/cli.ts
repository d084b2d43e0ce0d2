// Shared start-up for the command-line tools: config, logger, migrated database, core.
import { loadConfig, ConfigError, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from '../db/connection.js';
import { createCore, type Core } from '../core/index.js';
import { systemClock } from '../core/clock.js';
import { createStripeGateway, type PaymentGateway, PaymentGatewayError } from '../core/stripe.js';

/** A gateway for tools that must not reach Stripe (seeding, staff accounts). */
const offlineGateway: PaymentGateway = new Proxy({} as PaymentGateway, {
  get: () => async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'Stripe is not configured for this command');
  },
});

export async function openCli(opts: { withStripe?: boolean } = {}): Promise<{ config: Config; core: Core; close: () => Promise<void> }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { db } = await openDatabase(config.databasePath);
  const gateway =
    opts.withStripe && config.stripe.secretKey
      ? createStripeGateway({ secretKey: config.stripe.secretKey, webhookSecret: config.stripe.webhookSecret ?? '', apiBase: config.stripe.apiBase })
      : offlineGateway;
  const core = createCore({ db, clock: systemClock, config, gateway, logger });
  return { config, core, close: () => db.destroy() };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
