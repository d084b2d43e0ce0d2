// How updates reach the bot: long polling through @grammyjs/runner, or a webhook on the API server.
import { timingSafeEqual } from 'node:crypto';
import type { Context as HonoContext } from 'hono';
import { webhookCallback, type Bot } from 'grammy';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { BotContext } from './context.js';

export interface PollingHandle {
  /** Stops fetching and waits (up to `graceMs`, default 10 s) for updates in flight to finish. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the runner has stopped (after stop() or a fatal error). */
  task(): Promise<void> | undefined;
  isRunning(): boolean;
}

/**
 * Long polling with concurrent handling (updates of one chat stay in order thanks to the
 * sequentialize middleware that createBot installs first).
 */
export function startPolling(bot: Bot<BotContext>): PollingHandle {
  const handle: RunnerHandle = run(bot, {
    runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
  });
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
  typeof body === 'object' && body !== null && !Array.isArray(body) &&
  Number.isSafeInteger((body as { update_id?: unknown }).update_id) && (body as { update_id: number }).update_id >= 0;

/**
 * The Hono handler for POST /telegram/webhook. A missing or wrong
 * X-Telegram-Bot-Api-Secret-Token answers 401 and the update is ignored; with the right secret,
 * a body that is not an update answers 400 and is ignored (grammY would throw on it: a 500).
 *
 * An update that takes long (Stripe answering slowly while borrowing) is answered 200 after
 * `timeoutMs` and finishes in the background: with grammY's default ("throw") Telegram would
 * send the same update again and a Confirm press could be handled twice.
 */
export function webhookHandler(bot: Bot<BotContext>, secret: string, timeoutMs = 9_000) {
  const handle = webhookCallback(bot, 'hono', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: timeoutMs });
  return async (c: HonoContext) => {
    // The secret is checked first, by grammY, so a stranger learns nothing from the body's fate.
    if (!sameSecret(c.req.header(SECRET_HEADER), secret)) return handle(c);
    // Hono keeps the parsed body, so grammY reads this same object.
    const body: unknown = await c.req.json().catch(() => undefined);
    if (!isUpdate(body)) {
      return c.json({ error: { code: 'VALIDATION', message: 'The body is not a Telegram update (a JSON object with an integer update_id)' } }, 400);
    }
    return handle(c);
  };
}
