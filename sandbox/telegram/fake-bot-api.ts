/**
 * A local stand-in for the Telegram Bot API, served over HTTP by Hono.
 *
 * Real clients (grammY's `Api`/`Bot`, with `client.apiRoot` pointed here) talk
 * to it exactly as they would to api.telegram.org: same routes, same
 * `{ok, result}` / `{ok:false, error_code, description}` envelopes, the same
 * validation errors for the mistakes a bot can really make (over-long texts,
 * broken HTML, oversized callback data, "message is not modified", ...).
 *
 * The returned controller plays the users' side: it injects messages and
 * button presses as updates (long polling or webhook), keeps a transcript per
 * chat, logs every call and can inject failures. It backs both the test suite
 * and the offline sandbox web chat, so the HTTP behaviour has no test-only
 * shortcuts.
 *
 * This module only puts the parts together; each lives beside it: the HTML parser
 * (html-entities), reply_markup checks (keyboards), the chats (state), the methods
 * (methods, updates), one call path (invoke), HTTP (server) and the users' side (users).
 */
import type { UserFromGetMe } from 'grammy/types';
import { createNotifier } from './events.js';
import { createFloodControl } from './flood-control.js';
import { createInvoker } from './invoke.js';
import { createMethods } from './methods.js';
import { createBotApiApp } from './server.js';
import { createChatStore, entryOf, store } from './state.js';
import type { FakeBotApi, FakeBotApiOptions, Falsy } from './types.js';
import { createUpdateQueue } from './updates.js';
import { createChatUsers } from './users.js';

export { type FormattedText, parseTelegramHtml } from './html-entities.js';
export type * from './types.js';

export function createFakeBotApi(options: FakeBotApiOptions = {}): FakeBotApi {
  const now = options.now ?? Date.now;
  const tokenId = options.token && /^\d+:/.test(options.token) ? Number(options.token.split(':')[0]) : undefined;
  const botInfo: UserFromGetMe = {
    id: options.botId ?? tokenId ?? 7000000001,
    is_bot: true,
    first_name: options.botFirstName ?? 'Library Sandbox',
    username: options.botUsername ?? 'library_sandbox_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  const notifier = createNotifier();
  const chatStore = createChatStore(now);
  const flood = createFloodControl(options.rateLimit);
  const methods = createMethods({ options, botInfo, now, chatStore, notifier, flood });
  const updates = createUpdateQueue({
    options,
    now,
    changed: notifier.changed,
    runWebhookReply: (method, params) => invoker.invoke(method, params, 'webhook_reply'),
  });
  const invoker = createInvoker({
    handlers: { ...methods.handlers, ...updates.handlers },
    token: options.token,
    now,
    maxLoggedCalls: options.maxLoggedCalls ?? 10_000,
    changed: notifier.changed,
  });
  const users = createChatUsers({ chatStore, updates, notifier });
  const app = createBotApiApp({ basePath: options.basePath, invoke: invoker.invoke });

  const api: FakeBotApi = {
    app,
    botInfo,
    get calls() {
      return invoker.calls;
    },
    get callbacksAnswered() {
      return chatStore.callbackAnswers;
    },
    get webhookAttempts() {
      return updates.webhookAttempts;
    },
    get eventSeq() {
      return notifier.seq;
    },

    registerChat(chat) {
      return chatStore.ensureChat(chat).chat;
    },

    setBlocked(chatId, blocked = true) {
      users.requireChat(chatId, 'setBlocked').blocked = blocked;
    },

    userSends: users.userSends,
    pressButton: users.pressButton,
    pressButtonByLabel: users.pressButtonByLabel,

    pushUpdate(update) {
      const id = updates.enqueue(update);
      notifier.changed();
      return id;
    },

    transcript(chatId) {
      return (chatStore.chats.get(chatId)?.messages ?? []).map(entryOf);
    },
    lastBotMessage(chatId) {
      const found = [...(chatStore.chats.get(chatId)?.messages ?? [])].reverse().find((m) => m.from === 'bot' && !m.deleted);
      return found ? entryOf(found) : undefined;
    },
    message(chatId, messageId) {
      const stored = chatStore.chats.get(chatId)?.byId.get(messageId);
      return stored && !stored.deleted ? stored.message : undefined;
    },
    chats() {
      return [...chatStore.chats.values()].map((c) => c.chat);
    },
    replyKeyboard(chatId) {
      return chatStore.chats.get(chatId)?.replyKeyboard;
    },
    savedMessage(chatId, messageId) {
      return chatStore.chats.get(chatId)?.byId.get(messageId);
    },
    restoreChat(chat, kept) {
      const state = chatStore.ensureChat(chat);
      if (state.messages.length > 0) throw new Error(`restoreChat: chat ${chat.id} already has messages`);
      for (const m of kept.messages) store(state, m);
      state.nextMessageId = Math.max(0, ...kept.messages.map((m) => m.message.message_id)) + 1;
      state.lastUser = kept.messages.findLast((m) => m.from === 'user')?.message.from;
      state.replyKeyboard = kept.replyKeyboard;
      notifier.changed();
    },

    commands: methods.commands,
    menuButton: methods.menuButton,
    subscribe: notifier.subscribe,

    waitFor<T>(predicate: (api: FakeBotApi) => T | Falsy, timeoutMs = 2000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let lastError: unknown;
        const evaluate = (): boolean => {
          try {
            const value = predicate(api);
            if (value) {
              finish();
              resolve(value);
              return true;
            }
          } catch (err) {
            lastError = err;
          }
          return false;
        };
        const finish = () => {
          clearTimeout(timer);
          notifier.waiters.delete(check);
        };
        const check = () => {
          evaluate();
        };
        const timer = setTimeout(() => {
          if (evaluate()) return;
          finish();
          const recent = invoker.calls
            .slice(-8)
            .map((c) => `${c.method}${c.ok ? '' : ` -> ${c.error_code} ${c.description}`}`)
            .join('; ');
          const why = lastError instanceof Error ? ` Last predicate error: ${lastError.message}.` : '';
          reject(
            new Error(
              `waitFor timed out after ${timeoutMs} ms.${why} Recent API calls: ${recent || 'none'}. Pending updates: ${updates.pending()}.`,
            ),
          );
        }, timeoutMs);
        if (!evaluate()) notifier.waiters.add(check);
      });
    },

    failNext: invoker.failNext,

    pendingUpdates() {
      return updates.pending();
    },

    invoke(method, params = {}) {
      return invoker.invoke(method, params, 'direct');
    },

    // Event numbers go on across a reset: a web chat still open must not mistake new events for old.
    reset() {
      updates.reset();
      chatStore.reset();
      invoker.reset();
      methods.reset();
      flood.reset();
      notifier.changed();
    },

    close() {
      updates.close();
      notifier.waiters.clear();
    },
  };
  return api;
}
