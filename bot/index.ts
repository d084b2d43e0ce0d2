// createBot: the Telegram door onto the library core (grammY).

import { type ConversationData, conversations, createConversation, type VersionedState } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, type MiddlewareFn, session, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { Core } from '../core/index.js';
import { KvStore } from '../db/kv-store.js';
import { LANGUAGES, tPlain } from '../i18n/index.js';
import { errorForLog } from '../logger.js';
import { htmlParseMode, ignoreNotModified, retryFloodWaits } from './api-calls.js';
import { READER_COMMANDS } from './commands.js';
import { type BotContext, type ConvContext, initialSession, type SessionData } from './context.js';
import type { BotDeps } from './deps.js';
import { type AnsweredQueries, answerTracking, tellAboutError, trackAnswers } from './error-boundary.js';
import { ADD_BOOK_CONVERSATION, addBookConversation } from './features/admin/add-book.js';
import { createConsole, FIND_CONVERSATION } from './features/admin/console.js';
import { ADMIN_SUBCOMMANDS, adminFeature } from './features/admin/index.js';
import { BORROW_CONVERSATION, borrowConversation } from './features/borrow.js';
import { cancelFeature, leaveConversations } from './features/cancel.js';
import { catalogueFeature, catalogueMenus } from './features/catalogue.js';
import { EXTEND_CONVERSATION, extendConversation, extendFeature } from './features/extend.js';
import { fallbackFeature } from './features/fallback.js';
import { holdsFeature, holdsMenus } from './features/holds.js';
import { linkFeature } from './features/link.js';
import { mainFeature, mainMenus } from './features/main.js';
import { myBooksFeature, myBooksMenus } from './features/my-books.js';
import { trackPayButtons } from './pay-messages.js';
import { readerLocale, resolveReader } from './reader.js';
import { Screens } from './screens.js';

export interface CreateBotOptions {
  /** TELEGRAM_API_ROOT (tests and the sandbox point it at a local fake). */
  apiRoot?: string;
  /** TELEGRAM_STAFF_CHAT_ID: the only chat where /admin works. */
  staffChatId?: number;
  logger: Logger;
  /** Skips getMe at start-up (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

/** Same transformers for the API objects the conversations plugin makes for itself. */
const conversationApiPlugin =
  (answered: AnsweredQueries, payButtons: Transformer): MiddlewareFn<ConvContext> =>
  (ctx, next) => {
    ctx.api.config.use(ignoreNotModified, htmlParseMode, trackAnswers(answered), payButtons);
    return next();
  };

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
  // Where this update's answers put Pay buttons (bot/pay-messages.ts). Per update, as autoRetry:
  // the dispatcher records its own sends. Installed before the menus', it sees their keyboards drawn.
  const payButtons = trackPayButtons(db, clock, logger);
  bot.use((ctx, next) => {
    ctx.api.config.use(payButtons);
    return next();
  });
  const answeredQueries: AnsweredQueries = new Set();
  bot.use(answerTracking(answeredQueries, logger));
  // Everything past this point is guarded: an error is told to the user and goes no further.
  const guarded = bot.errorBoundary(tellAboutError(deps, answeredQueries));
  guarded.use(
    session<SessionData, BotContext>({
      initial: initialSession,
      storage: new KvStore<SessionData>(db, 'session:', () => clock.now()),
    }),
  );
  guarded.use(resolveReader(deps));
  guarded.use(readerLocale);

  guarded.use(
    conversations<BotContext, ConvContext>({
      storage: {
        type: 'key',
        version: 1,
        adapter: new KvStore<VersionedState<ConversationData>>(db, 'conversation:', () => clock.now()),
        // Per person per chat: two librarians in the staff chat each have their own.
        getStorageKey: (ctx) => `${ctx.chat?.id ?? 'none'}:${ctx.from?.id ?? 'none'}`,
      },
      plugins: [conversationApiPlugin(answeredQueries, payButtons)],
    }),
  );
  guarded.use(leaveConversations());
  guarded.use(createConversation<BotContext, ConvContext>(borrowConversation(deps), BORROW_CONVERSATION));
  guarded.use(createConversation<BotContext, ConvContext>(extendConversation(deps), EXTEND_CONVERSATION));
  guarded.use(createConversation<BotContext, ConvContext>(addBookConversation(deps), ADD_BOOK_CONVERSATION));
  const staffConsole = createConsole(deps);
  guarded.use(createConversation<BotContext, ConvContext>(staffConsole.findConversation(), FIND_CONVERSATION));

  const { main, help, language } = mainMenus(deps);
  const { catalogue } = catalogueMenus(deps);
  const { myBooks } = myBooksMenus(deps);
  // My holds brings the question "Cancel this hold?", which a book's card uses too (one menu tree).
  const { myHolds } = holdsMenus(deps);
  main.register([catalogue, myBooks, myHolds, language, help]);
  guarded.use(main);

  guarded.use(cancelFeature(deps));
  guarded.use(mainFeature(deps));
  guarded.use(linkFeature(deps));
  guarded.use(adminFeature(deps, staffConsole));
  guarded.use(myBooksFeature(deps));
  guarded.use(holdsFeature(deps));
  guarded.use(extendFeature());
  guarded.use(catalogueFeature(deps));
  guarded.use(fallbackFeature());

  // Only what fails outside the boundary (ordering, answer tracking) reaches this.
  bot.catch((err) => {
    logger.error({ update_id: err.ctx?.update?.update_id, err: errorForLog(err.error) }, 'bot: unhandled error');
  });
  return bot;
}

export { READER_COMMANDS } from './commands.js';

/**
 * The command menus: readers in private chats (in each of LANGUAGES) and librarians in the staff chat.
 * A failure for the staff chat (the bot is not in it yet: "chat not found") does not throw;
 * the result says whether the staff commands were set.
 */
export async function setCommands(bot: Bot<BotContext>, staffChatId: number | undefined): Promise<{ staffCommands: boolean }> {
  for (const lang of LANGUAGES) {
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
