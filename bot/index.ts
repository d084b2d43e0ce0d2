// createBot: the Telegram door onto the library core (grammY).

import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, type Middleware, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { Core } from '../core/index.js';
import { LANGUAGES, tPlain } from '../i18n/index.js';
import { errorForLog } from '../logger.js';
import { htmlParseMode, ignoreNotModified, retryFloodWaits } from './api-calls.js';
import { READER_COMMANDS } from './commands.js';
import { type BotContext, initialSession, type SessionData } from './context.js';
import { conversationsPlugin } from './conversations.js';
import type { BotDeps } from './deps.js';
import { type AnsweredQueries, answerTracking, tellAboutError } from './error-boundary.js';
import { ADMIN_SUBCOMMANDS, adminFeature } from './features/admin/index.js';
import { cancelFeature } from './features/cancel.js';
import { catalogueFeature } from './features/catalogue.js';
import { fallbackFeature } from './features/fallback.js';
import { holdsFeature } from './features/holds.js';
import { linkFeature } from './features/link.js';
import { mainFeature } from './features/main.js';
import { myBooksFeature } from './features/my-books.js';
import { borrowFlow } from './flows/borrow.js';
import { extendFlow } from './flows/extend.js';
import { trackPayButtons } from './pay-messages.js';
import { readerLocale, resolveReader } from './reader.js';
import { Screens } from './screens.js';
import type { BotStorage } from './storage.js';

export interface CreateBotOptions {
  /** Sessions, conversations and the messages with Pay buttons (bot/storage.ts: databaseStorage). */
  storage: BotStorage;
  /** TELEGRAM_API_ROOT (tests and the sandbox point it at a local fake). */
  apiRoot?: string;
  /** TELEGRAM_STAFF_CHAT_ID: the only chat where /admin works. */
  staffChatId?: number;
  logger: Logger;
  /** Skips getMe at start-up (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

/**
 * Everything after the conversations plugin, in the order an update meets it; each entry is one
 * Composer. The order that matters: the conversations several features start (bot/flows/) and the
 * staff feature with its own conversations come before anything that starts them or could take
 * their answers; the menus (bot/screens.ts) before the features whose answers carry them; link
 * before main (link answers /start with a code); the fallback last. A new feature is a file in
 * bot/features/ and a line here.
 */
function features(deps: BotDeps): Middleware<BotContext>[] {
  return [
    borrowFlow(deps),
    extendFlow(deps),
    adminFeature(deps),
    deps.screens,
    cancelFeature(deps),
    linkFeature(deps),
    mainFeature(deps),
    myBooksFeature(deps),
    holdsFeature(deps),
    catalogueFeature(deps),
    fallbackFeature(),
  ];
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
  const { storage } = options;
  const deps: BotDeps = {
    core,
    reports: core.reports,
    logger,
    staffChatId: options.staffChatId,
    screens: new Screens(),
  };

  // First, so it also applies to bot.handleUpdate (webhooks, tests), not only to the runner.
  bot.use(sequentialize(chatKey));
  bot.use(retryFloodWaits);
  // Where this update's answers put Pay buttons (bot/pay-messages.ts). Per update, as autoRetry:
  // the dispatcher records its own sends. Installed before the menus', it sees their keyboards drawn.
  const payButtons = trackPayButtons(storage.payMessages, logger);
  bot.use((ctx, next) => {
    ctx.api.config.use(payButtons);
    return next();
  });
  const answered: AnsweredQueries = new Set();
  bot.use(answerTracking(answered, logger));
  // Everything past this point is guarded: an error is told to the user and goes no further.
  const guarded = bot.errorBoundary(tellAboutError(deps, answered));
  guarded.use(session<SessionData, BotContext>({ initial: initialSession, storage: storage.sessions }));
  guarded.use(resolveReader(deps));
  guarded.use(readerLocale);
  guarded.use(conversationsPlugin({ storage: storage.conversations, answered, payButtons }));
  guarded.use(...features(deps));

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
