// How updates reach the bot: long polling through @grammyjs/runner, or a webhook on the API server.
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

/**
 * The Hono handler for POST /telegram/webhook. A missing or wrong
 * X-Telegram-Bot-Api-Secret-Token answers 401 and the update is ignored.
 *
 * An update that takes long (Stripe answering slowly while borrowing) is answered 200 after
 * `timeoutMs` and finishes in the background: with grammY's default ("throw") Telegram would
 * send the same update again and a Confirm press could be handled twice.
 */
export function webhookHandler(bot: Bot<BotContext>, secret: string, timeoutMs = 9_000) {
  return webhookCallback(bot, 'hono', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: timeoutMs });
}
