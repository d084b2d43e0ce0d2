// What the reader hears when an update fails, through grammY's errorBoundary(): a DomainError
// becomes its localized sentence; anything else is logged with context and answered with a
// polite "something went wrong" — never a stack. Every callback query is answered exactly once.
import type { BotError, MiddlewareFn, Transformer } from 'grammy';
import { isDomainError } from '../core/kernel/index.js';
import { t } from '../i18n/index.js';
import { errorForLog } from '../logger.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { domainErrorText } from './errors.js';
import { normalizeLanguage } from './reader.js';

/** The ids of callback queries answered while their update is being handled. */
export type AnsweredQueries = Set<string>;

/**
 * Notes each callback query answered, whichever Api object answered it: a conversation answers
 * through an Api of its own, which the update's ctx.api never sees.
 */
export function trackAnswers(answered: AnsweredQueries): Transformer {
  return (prev, method, payload, signal) => {
    const id = method === 'answerCallbackQuery' ? (payload as { callback_query_id?: unknown }).callback_query_id : undefined;
    if (typeof id === 'string') {
      // Replayed conversation steps note old queries too; they are few, but never let them pile up.
      if (answered.size >= 10_000) answered.clear();
      answered.add(id);
    }
    return prev(method, payload, signal);
  };
}

/**
 * Installed before the boundary: tracks this update's answers and forgets them once it is done.
 * A press nobody answered (a menu button that only edits its message, a conversation that took
 * the press and is waiting) is answered here, once: menus never answer by themselves
 * (`autoAnswer: false`), so a handler that answers with an alert is never answered twice.
 */
export function answerTracking(
  answered: AnsweredQueries,
  logger?: { warn(obj: object, msg: string): void },
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.api.config.use(trackAnswers(answered));
    const queryId = ctx.callbackQuery?.id;
    try {
      await next();
      if (queryId && !answered.has(queryId)) {
        await ctx
          .answerCallbackQuery()
          .catch((e: unknown) =>
            logger?.warn({ update_id: ctx.update.update_id, err: errorForLog(e) }, 'bot: could not answer a button press'),
          );
      }
    } finally {
      if (queryId) answered.delete(queryId);
    }
  };
}

/** The handler for bot.errorBoundary(): the error is handled here and goes no further. */
export function tellAboutError(deps: BotDeps, answered: AnsweredQueries) {
  return async ({ error: err, ctx }: BotError<BotContext>): Promise<void> => {
    const lang = normalizeLanguage(ctx.reader?.language ?? ctx.from?.language_code);
    const context = {
      update_id: ctx.update.update_id,
      chat_id: ctx.chat?.id,
      user_id: ctx.from?.id,
      kind: Object.keys(ctx.update).filter((k) => k !== 'update_id')[0],
    };
    let text: string;
    if (isDomainError(err)) {
      deps.logger.info({ ...context, code: err.code }, 'bot: rule refused the action');
      text = domainErrorText(lang, err);
    } else {
      // Never the error whole: a failed Bot API call carries its payload (texts, pay links).
      deps.logger.error({ ...context, err: errorForLog(err) }, 'bot: update failed');
      text = t(lang, 'error-unexpected');
    }
    const tell = (what: () => Promise<unknown>) =>
      what().catch((e: unknown) =>
        deps.logger.warn({ ...context, err: errorForLog(e) }, 'bot: could not tell the user about an error'),
      );
    const queryId = ctx.callbackQuery?.id;
    if (queryId && !answered.has(queryId)) await tell(() => ctx.answerCallbackQuery());
    if (ctx.chat) await tell(() => ctx.reply(text));
  };
}
