// createBot: the Telegram door onto the library core (grammY).
import { Bot, GrammyError, session, type MiddlewareFn, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import type { Logger } from 'pino';
import { errorForLog } from '../logger.js';
import type { Core } from '../core/index.js';
import { DomainError } from '../core/errors.js';
import { t, tPlain } from '../i18n/index.js';
import { initialSession, type BotContext, type ConvContext, type SessionData } from './context.js';
import type { BotDeps } from './deps.js';
import { KyselyStorage } from './storage.js';
import { Screens } from './screens.js';
import { domainErrorText } from './errors.js';
import { normalizeLanguage, readerLocale, resolveReader } from './reader.js';
import { mainFeature, mainMenus } from './features/main.js';
import { linkFeature } from './features/link.js';
import { catalogueFeature, catalogueMenus } from './features/catalogue.js';
import { myBooksFeature, myBooksMenus } from './features/my-books.js';
import { BORROW_CONVERSATION, borrowConversation } from './features/borrow.js';
import { cancelFeature, leaveConversations } from './features/cancel.js';
import { fallbackFeature } from './features/fallback.js';
import { adminFeature, ADMIN_SUBCOMMANDS } from './features/admin/index.js';
import { ADD_BOOK_CONVERSATION, addBookConversation } from './features/admin/add-book.js';

export interface CreateBotOptions {
  /** TELEGRAM_API_ROOT (tests and the sandbox point it at a local fake). */
  apiRoot?: string;
  /** TELEGRAM_STAFF_CHAT_ID: the only chat where /admin works. */
  staffChatId?: number;
  logger: Logger;
  /** Skips getMe at start-up (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

const TEXT_METHODS = new Set(['sendMessage', 'editMessageText']);
const EDIT_METHODS = new Set(['editMessageText', 'editMessageReplyMarkup', 'editMessageCaption', 'editMessageMedia']);

/** HTML parse mode everywhere, unless a call chose otherwise. */
export const htmlParseMode: Transformer = (prev, method, payload, signal) => {
  if (TEXT_METHODS.has(method) && payload && typeof payload === 'object' && !('parse_mode' in payload)) {
    payload = { ...payload, parse_mode: 'HTML' } as typeof payload;
  }
  return prev(method, payload, signal);
};

/** "message is not modified": the screen already shows what we wanted, so it is a success. */
export const ignoreNotModified: Transformer = async (prev, method, payload, signal) => {
  const res = await prev(method, payload, signal);
  if (!res.ok && EDIT_METHODS.has(method) && res.error_code === 400 && /message is not modified/i.test(res.description)) {
    return { ok: true, result: true } as unknown as typeof res;
  }
  return res;
};

/** Answers to an update wait out Telegram's 429 (retry_after) instead of failing. */
const retryFloodWaits: MiddlewareFn<BotContext> = (ctx, next) => {
  ctx.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return next();
};

/**
 * Notes each callback query answered, whichever Api object answered it: a conversation answers
 * through an Api of its own, which the error boundary's ctx.api never sees.
 */
function trackAnswers(answered: Set<string>): Transformer {
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

/** Same transformers for the API objects the conversations plugin makes for itself. */
const conversationApiPlugin = (answered: Set<string>): MiddlewareFn<ConvContext> => (ctx, next) => {
  ctx.api.config.use(ignoreNotModified, htmlParseMode, trackAnswers(answered));
  return next();
};

/**
 * The per-update error boundary: a DomainError becomes its localized sentence; anything else
 * is logged with context and answered with a polite "something went wrong" — never a stack.
 */
function errorBoundary(deps: BotDeps, answered: Set<string>): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.api.config.use(trackAnswers(answered));
    const queryId = ctx.callbackQuery?.id;
    try {
      await next();
    } catch (err) {
      const lang = normalizeLanguage(ctx.reader?.language ?? ctx.from?.language_code);
      const context = { update_id: ctx.update.update_id, chat_id: ctx.chat?.id, user_id: ctx.from?.id, kind: Object.keys(ctx.update).filter((k) => k !== 'update_id')[0] };
      let text: string;
      if (err instanceof DomainError) {
        deps.logger.info({ ...context, code: err.code }, 'bot: rule refused the action');
        text = domainErrorText(lang, err);
      } else {
        // Never the error whole: a failed Bot API call carries its payload (texts, pay links).
        deps.logger.error({ ...context, err: errorForLog(err) }, 'bot: update failed');
        text = t(lang, 'error-unexpected');
      }
      const tell = (what: () => Promise<unknown>) =>
        what().catch((e: unknown) => deps.logger.warn({ ...context, err: errorForLog(e) }, 'bot: could not tell the user about an error'));
      if (queryId && !answered.has(queryId)) await tell(() => ctx.answerCallbackQuery());
      if (ctx.chat) await tell(() => ctx.reply(text));
    } finally {
      if (queryId) answered.delete(queryId);
    }
  };
}

/** Updates of one chat are handled one after another (runner and webhook alike). */
const chatKey = (ctx: BotContext) => ctx.chat?.id.toString() ?? ctx.from?.id.toString();

export function createBot(token: string, core: Core, options: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    botInfo: options.botInfo,
    client: options.apiRoot ? { apiRoot: options.apiRoot } : undefined,
  });
  // Every update's ctx.api starts from these. autoRetry is added per update (below), not here:
  // the outbox dispatcher sends through bot.api and must see a 429 at once to defer that chat.
  bot.api.config.use(ignoreNotModified);
  bot.api.config.use(htmlParseMode);

  const logger = options.logger.child({ module: 'bot' });
  const deps: BotDeps = {
    core,
    reports: core.reports,
    logger,
    staffChatId: options.staffChatId,
    screens: new Screens(),
  };
  const { db, clock } = core.deps;

  // First, so it also applies to bot.handleUpdate (webhooks, tests), not only to the runner.
  bot.use(sequentialize(chatKey));
  bot.use(retryFloodWaits);
  const answeredQueries = new Set<string>();
  bot.use(errorBoundary(deps, answeredQueries));
  bot.use(
    session<SessionData, BotContext>({
      initial: initialSession,
      storage: new KyselyStorage<SessionData>(db, 'session:', () => clock.now()),
    }),
  );
  bot.use(resolveReader(deps));
  bot.use(readerLocale);

  bot.use(
    conversations<BotContext, ConvContext>({
      storage: {
        type: 'key',
        version: 1,
        adapter: new KyselyStorage<VersionedState<ConversationData>>(db, 'conversation:', () => clock.now()),
        // Per person per chat: two librarians in the staff chat each have their own.
        getStorageKey: (ctx) => `${ctx.chat?.id ?? 'none'}:${ctx.from?.id ?? 'none'}`,
      },
      plugins: [conversationApiPlugin(answeredQueries)],
    }),
  );
  bot.use(leaveConversations());
  bot.use(createConversation<BotContext, ConvContext>(borrowConversation(deps), BORROW_CONVERSATION));
  bot.use(createConversation<BotContext, ConvContext>(addBookConversation(deps), ADD_BOOK_CONVERSATION));

  const { main, help, language } = mainMenus(deps);
  const { catalogue } = catalogueMenus(deps);
  const { myBooks } = myBooksMenus(deps);
  main.register([catalogue, myBooks, language, help]);
  bot.use(main);

  bot.use(cancelFeature(deps));
  bot.use(mainFeature(deps));
  bot.use(linkFeature(deps));
  bot.use(adminFeature(deps));
  bot.use(myBooksFeature(deps));
  bot.use(catalogueFeature(deps));
  bot.use(fallbackFeature());

  bot.catch((err) => {
    logger.error({ update_id: err.ctx?.update?.update_id, err: errorForLog(err.error) }, 'bot: unhandled error');
  });
  return bot;
}

export const READER_COMMANDS = ['start', 'catalogue', 'mybooks', 'search', 'language', 'help', 'cancel'] as const;

/**
 * The command menus: readers in private chats (en + uk) and librarians in the staff chat.
 * A failure for the staff chat (the bot is not in it yet: "chat not found") does not throw;
 * the result says whether the staff commands were set.
 */
export async function setCommands(bot: Bot<BotContext>, staffChatId: number | undefined): Promise<{ staffCommands: boolean }> {
  for (const lang of ['en', 'uk'] as const) {
    const commands = READER_COMMANDS.map((c) => ({ command: c, description: tPlain(lang, `command-${c}`) }));
    await bot.api.setMyCommands(commands, {
      scope: { type: 'all_private_chats' },
      ...(lang === 'en' ? {} : { language_code: lang }),
    });
  }
  if (staffChatId === undefined) return { staffCommands: false };
  try {
    await bot.api.setMyCommands(
      [
        { command: 'admin', description: tPlain('en', 'command-admin') },
        ...ADMIN_SUBCOMMANDS.map((s) => ({ command: `admin_${s}`, description: tPlain('en', `command-admin-${s}`) })),
        { command: 'cancel', description: tPlain('en', 'command-cancel') },
      ],
      { scope: { type: 'chat', chat_id: staffChatId } },
    );
    return { staffCommands: true };
  } catch (e) {
    if (e instanceof GrammyError && e.error_code === 400) return { staffCommands: false };
    throw e;
  }
}

export type { BotContext } from './context.js';
