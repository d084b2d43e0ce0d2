// The offline sandbox: with no Telegram token and no Stripe key, in-process stand-ins take their
// place, so a newcomer can try every flow from a browser. Any real credential switches it off
// (SANDBOX=auto); SANDBOX=on keeps a stand-in for each part that has none. The service imports
// this module (the fake Bot API, the fake Stripe, the pages) only while the sandbox is on.
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Config } from '../config.js';
import { type Core, SYSTEM_ACTOR } from '../core/index.js';
import type { DB } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { createFakeCheckoutPages } from './checkout-page.js';
import { SANDBOX_BOT_TOKEN, SANDBOX_STRIPE_KEY, sandboxPersonas } from './personas.js';
import { createFakeStripe, type FakeStripeController } from './stripe/fake-stripe-api.js';
import { createFakeBotApi, type FakeBotApi } from './telegram/fake-bot-api.js';
import { type KeptTranscripts, keepTranscripts } from './transcripts.js';
import { createWebChat } from './web-chat.js';

export { SANDBOX_BOT_TOKEN, SANDBOX_LIBRARIAN_TELEGRAM_ID, SANDBOX_STRIPE_KEY, sandboxPersonas } from './personas.js';

export interface Sandbox {
  telegram?: FakeBotApi;
  stripe?: FakeStripeController;
  // biome-ignore lint/suspicious/noExplicitAny: the sandbox mounts onto the API's app, whatever its env.
  mount(app: Hono<any, any, any>, core: Core): void;
  start(core: Core): Promise<void>;
  /** Stops the stand-ins, once the chats' last changes are written. */
  close(): Promise<void>;
}

export function createSandbox(opts: {
  config: Config;
  /** Where the web chat's chats are kept between starts (sandbox/transcripts.ts). */
  db: DB;
  logger: Logger;
  stripeWebhookSecret: string;
  localBase: string;
  port: number;
}): Sandbox {
  const { config, logger, localBase } = opts;
  const staffChatId = config.telegram.staffChatId!;
  const realCredential = Boolean(config.telegram.botToken || config.stripe.secretKey);
  const personas = sandboxPersonas(staffChatId);
  // The web chat's own addresses: PUBLIC_URL's, or this machine's names for itself on our port.
  const ownOrigins = config.publicUrlConfigured
    ? [config.publicUrl]
    : ['localhost', '127.0.0.1', '[::1]'].map((h) => `http://${h}:${opts.port}`);
  const telegram = config.sandbox.telegram
    ? createFakeBotApi({ token: SANDBOX_BOT_TOKEN, botUsername: 'library_sandbox_bot', botFirstName: 'Library (sandbox)' })
    : undefined;
  const stripe = config.sandbox.stripe
    ? createFakeStripe({
        secretKey: SANDBOX_STRIPE_KEY,
        webhookSecret: opts.stripeWebhookSecret,
        webhookUrl: `${localBase}/api/payments/webhook/`,
        checkoutUrlBase: `${config.publicUrl}/sandbox/checkout`,
      })
    : undefined;

  let transcripts: KeptTranscripts | undefined;

  return {
    telegram,
    stripe,
    mount(app, core) {
      if (telegram) {
        app.route('/sandbox/telegram', telegram.app);
        app.route('/sandbox', createWebChat({ telegram, personas, publicUrl: config.publicUrl, ownOrigins }));
      }
      if (stripe) {
        app.route('/sandbox/stripe', stripe.app);
        // The checkout page speaks the reader's language, as the success and cancel pages do.
        app.route(
          '/sandbox/checkout',
          createFakeCheckoutPages({ stripe, languageOf: async (id) => (await core.payments.sessionPage(id))?.language }),
        );
      }
      app.get('/', (c) =>
        c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Library service</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
a{color:#2563eb}li{margin:.4rem 0}.note{background:#fff7e6;border:1px solid #f5c26b;padding:.6rem .9rem;border-radius:8px}</style></head>
<body><h1>📚 Library service</h1>
<p class="note">Running offline: ${telegram ? 'Telegram' : ''}${telegram && stripe ? ' and ' : ''}${stripe ? 'Stripe' : ''} ${telegram && stripe ? 'are' : 'is'} stood in for by local test stand-ins. Nothing here talks to the real services.</p>
<ul>
${telegram ? html`<li><a href="/sandbox/">Open the sandbox chat</a> — talk to the real bot as a reader or as the librarian</li>` : ''}
<li><a href="/api/docs/">REST API documentation</a> (<a href="/api/openapi.json">openapi.json</a>)</li>
<li><a href="/health">Health check</a></li>
</ul></body></html>`),
      );
    },
    async start(core) {
      if (telegram) {
        // The chats first, before anyone can write in them: as they were when the service stopped.
        for (const p of personas) telegram.registerChat(p.chat);
        transcripts = keepTranscripts({
          telegram,
          db: opts.db,
          chats: [...new Map(personas.map((p) => [p.chat.id, p.chat])).values()],
          logger,
        });
        const restored = await transcripts.restore();
        if (restored) logger.info({ messages: restored }, "sandbox: the web chat's chats restored");
      }
      // An empty library on first start gets the demo catalogue, so there is something to borrow.
      const added = await core.demo.loadCatalogueIfEmpty(SYSTEM_ACTOR);
      if (added) logger.info({ books: added }, 'sandbox: empty catalogue, demo books loaded');
      // Beside a real credential the service keeps the persona a reader (service.ts says so).
      if (!telegram || realCredential) return;
      const librarian = personas.find((p) => p.id === 'librarian')!;
      const result = await core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian.user);
      if ('heldBy' in result) {
        logger.warn(
          { telegramUserId: librarian.user.id, userId: result.heldBy },
          'sandbox: the librarian persona is linked to another account, which is not made staff; staff commands in the sandbox chat are refused',
        );
      } else if (result.created) {
        logger.info(
          { telegramUserId: librarian.user.id, userId: result.userId },
          'sandbox: librarian account created (staff while the sandbox runs)',
        );
      }
    },
    async close() {
      transcripts?.stop();
      await transcripts?.flush();
      telegram?.close();
      stripe?.close();
    },
  };
}
