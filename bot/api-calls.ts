// How the bot's own Bot API calls behave: HTML by default, "not modified" as success, and
// flood waits sat out while answering an update.

import { autoRetry } from '@grammyjs/auto-retry';
import { parseMode } from '@grammyjs/parse-mode';
import type { MiddlewareFn, Transformer } from 'grammy';
import type { BotContext } from './context.js';

const EDIT_METHODS = new Set(['editMessageText', 'editMessageReplyMarkup', 'editMessageCaption', 'editMessageMedia']);

/** HTML parse mode everywhere, unless a call chose otherwise (@grammyjs/parse-mode). */
export const htmlParseMode: Transformer = parseMode('HTML');

/** "message is not modified": the screen already shows what we wanted, so it is a success. */
export const ignoreNotModified: Transformer = async (prev, method, payload, signal) => {
  const res = await prev(method, payload, signal);
  if (!res.ok && EDIT_METHODS.has(method) && res.error_code === 400 && /message is not modified/i.test(res.description)) {
    return { ok: true, result: true } as unknown as typeof res;
  }
  return res;
};

/** Answers to an update wait out Telegram's 429 (retry_after) instead of failing. */
export const retryFloodWaits: MiddlewareFn<BotContext> = (ctx, next) => {
  ctx.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return next();
};
