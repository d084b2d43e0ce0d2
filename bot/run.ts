// How updates reach the bot: long polling through @grammyjs/runner, or a webhook on the API server.
import { timingSafeEqual } from 'node:crypto';
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Context as HonoContext } from 'hono';
import type { BotContext } from './context.js';
import type { PollingInbox } from './polling-inbox.js';
import { type UpdateGate, ungated } from './update-gate.js';

export interface PollingHandle {
  /** Stops fetching and waits (up to `graceMs`, default 10 s) for updates in flight to finish. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the runner has stopped (after stop() or a fatal error). */
  task(): Promise<void> | undefined;
  isRunning(): boolean;
}

/**
 * Long polling with concurrent handling (updates of one chat stay in order thanks to the
 * sequentialize middleware that createBot installs first). With an inbox, each fetched batch is
 * written down before the next request tells Telegram it arrived, and each update is handled
 * through it (bot/polling-inbox.ts). The runner's own `run()`, taken apart: it offers no place
 * between fetching a batch and asking for the next.
 */
export function startPolling(bot: Bot<BotContext>, opts: { inbox?: PollingInbox } = {}): PollingHandle {
  const { inbox } = opts;
  const fetchUpdates = createUpdateFetcher(bot, { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } });
  const source = createSource({
    async supply(batchSize, signal) {
      if (!bot.isInited()) await bot.init();
      const updates = await fetchUpdates(batchSize, signal);
      if (inbox && updates.length) await inbox.received(updates);
      return updates;
    },
  });
  const sink = createConcurrentSink<Update>(
    { consume: (update) => (inbox ? inbox.handle(update, () => bot.handleUpdate(update)) : bot.handleUpdate(update)) },
    async (error) => {
      try {
        await bot.errorHandler(error as Parameters<typeof bot.errorHandler>[0]);
      } catch {
        // bot.catch (createBot) logs; it does not throw.
      }
    },
  );
  const handle: RunnerHandle = createRunner(source, sink);
  handle.start();
  return {
    async stop(graceMs = 10_000) {
      await handle.stop();
      // The runner's stop() only stops fetching; a restart must not cut a conversation mid-write.
      const deadline = Date.now() + graceMs;
      while (handle.size() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
    task: () => handle.task(),
    isRunning: () => handle.isRunning(),
  };
}

const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

const sameSecret = (given: string | undefined, secret: string) => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** What Telegram sends: a JSON object with an integer update_id (SPEC §10: anything else is 400). */
const isUpdate = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  Number.isSafeInteger((body as { update_id?: unknown }).update_id) &&
  (body as { update_id: number }).update_id >= 0;

export interface WebhookOptions {
  /** After this long an update still being handled is answered 200 and finishes in the background (default 9 s). */
  timeoutMs?: number;
  /** Once per update and one at a time per chat, across instances (bot/update-gate.ts); default none. */
  gate?: UpdateGate;
}

/**
 * The Hono handler for POST /telegram/webhook. A missing or wrong
 * X-Telegram-Bot-Api-Secret-Token answers 401 and the update is ignored; with the right secret,
 * a body that is not an update answers 400 and is ignored (grammY would throw on it: a 500).
 *
 * An update that takes long (Stripe answering slowly while borrowing) is answered 200 after
 * `timeoutMs` and finishes in the background: otherwise Telegram would send the same update
 * again. What grammY's webhookCallback does besides (webhook replies) we do not use; the gate
 * has to sit between the request and bot.handleUpdate, so the handler is our own.
 */
export function webhookHandler(bot: Bot<BotContext>, secret: string, opts: WebhookOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? 9_000;
  const gate = opts.gate ?? ungated;
  return async (c: HonoContext) => {
    // The secret first, so a stranger learns nothing from the body's fate.
    if (!sameSecret(c.req.header(SECRET_HEADER), secret)) {
      c.status(401);
      return c.body('');
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    if (!isUpdate(body)) {
      return c.json(
        { error: { code: 'VALIDATION', message: 'The body is not a Telegram update (a JSON object with an integer update_id)' } },
        400,
      );
    }
    if (!bot.isInited()) await bot.init();
    const update = body as Update;
    const work = gate.run(update, () => bot.handleUpdate(update));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
    // Finishing in the background: its failure is grammY's to report (bot.catch), not a request's.
    work.catch(() => undefined);
    return c.body('');
  };
}
