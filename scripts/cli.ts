// Shared start-up for the command-line tools: config, logger, migrated database, core.
import { type Config, loadConfigOrExit } from '../config.js';
import { type Core, createCore } from '../core/index.js';
import { type Clock, systemClock } from '../core/kernel/index.js';
import { type DB, openDatabase } from '../db/connection.js';
import { restrictNewFiles } from '../db/file-modes.js';
import { createStripeGateway, type PaymentGateway, PaymentGatewayError } from '../gateways/stripe.js';
import { createLogger, type Logger } from '../logger.js';
import { SANDBOX_BOT_TOKEN, SANDBOX_STRIPE_KEY } from '../sandbox/personas.js';

// Every tool imports this module first: what they create (a database, its directory) is private.
restrictNewFiles();

/** The running service on this machine (where the sandbox stand-ins live). */
export const localServiceUrl = (config: Config) => `http://127.0.0.1:${config.port}`;

/** Token and API root for talking to Telegram, or to the running service's sandbox stand-in. */
export function telegramTarget(config: Config): { token: string; apiRoot: string } | undefined {
  if (config.telegram.botToken) return { token: config.telegram.botToken, apiRoot: config.telegram.apiRoot };
  if (config.sandbox.telegram) return { token: SANDBOX_BOT_TOKEN, apiRoot: `${localServiceUrl(config)}/sandbox/telegram` };
  return undefined;
}

/** A gateway for tools that must not reach Stripe (seeding, staff accounts). */
const offlineGateway: PaymentGateway = new Proxy({} as PaymentGateway, {
  get: () => async () => {
    throw new PaymentGatewayError('UNAVAILABLE', 'Stripe is not configured for this command');
  },
});

export async function openCli(
  opts: { withStripe?: boolean } = {},
): Promise<{ config: Config; core: Core; db: DB; clock: Clock; logger: Logger; close: () => Promise<void> }> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { db } = await openDatabase(config);
  // With no Stripe key the running service's sandbox stand-in is Stripe (npm start must be up).
  const gateway = !opts.withStripe
    ? offlineGateway
    : config.stripe.secretKey
      ? createStripeGateway({
          secretKey: config.stripe.secretKey,
          webhookSecret: config.stripe.webhookSecret ?? '',
          apiBase: config.stripe.apiBase,
        })
      : config.sandbox.stripe
        ? createStripeGateway({
            secretKey: SANDBOX_STRIPE_KEY,
            webhookSecret: 'unused',
            apiBase: `${localServiceUrl(config)}/sandbox/stripe`,
          })
        : offlineGateway;
  const clock = systemClock;
  const core = createCore({ db, clock, config, gateway, logger });
  // As the service does at start: search finds every book, also those from before migration 007.
  await core.books.fillSearchText();
  return { config, core, db, clock, logger, close: () => db.destroy() };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
