// Resolving the library user behind an update, their language, and the reader's Actor for core calls.
import type { MiddlewareFn } from 'grammy';
import type { User } from '../core/accounts/index.js';
import type { Actor } from '../core/kernel/index.js';
import { type Language, languageOf, t, tPlain } from '../i18n/index.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';

export { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/index.js';

/** Telegram's language_code (or a stored language) as one of ours (i18n/languages.ts); anything else is English. */
export function normalizeLanguage(code: string | undefined | null): Language {
  return languageOf(code);
}

/**
 * Sets ctx.reader: in a private chat the reader is created from the Telegram identity on
 * first contact; elsewhere (the staff group) an unknown person stays unknown.
 */
export function resolveReader(deps: BotDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    ctx.reader = undefined;
    if (from && !from.is_bot) {
      if (ctx.chat?.type === 'private') {
        ctx.reader = await deps.core.users.ensureTelegramReader({
          id: from.id,
          first_name: from.first_name,
          last_name: from.last_name,
          username: from.username,
          language_code: from.language_code,
        });
      } else {
        ctx.reader = await deps.core.users.userByTelegramId(from.id);
      }
    }
    return next();
  };
}

/**
 * ctx.t and ctx.tPlain in the language stored on the user, else Telegram's. They read ctx.lang
 * at each call, so a handler that changes the language answers in the new one at once.
 */
export const readerLocale: MiddlewareFn<BotContext> = (ctx, next) => {
  ctx.lang = normalizeLanguage(ctx.reader?.language ?? ctx.from?.language_code);
  ctx.t = (key, vars) => t(ctx.lang, key, vars);
  ctx.tPlain = (key, vars) => tPlain(ctx.lang, key, vars);
  return next();
};

export function readerOf(ctx: BotContext): User {
  if (!ctx.reader) throw new Error('no reader resolved for this update');
  return ctx.reader;
}

/** The reader door always acts as a reader, even for a staff member's own loans. */
export const readerActor = (ctx: BotContext): Actor => ({ userId: readerOf(ctx).id, isStaff: false });

export { displayName } from '../core/kernel/index.js';
