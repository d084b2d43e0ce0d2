// The Bot API methods a bot calls to talk in its chats: sending, editing and deleting
// messages, answering button presses, chat actions, the command list and the menu button.
// Each validates its parameters and fails the way Telegram does.
import type { BotCommand, MenuButton, Message, User, UserFromGetMe } from 'grammy/types';
import type { Notifier } from './events.js';
import type { FloodControl } from './flood-control.js';
import { type FormattedText, parseEntitiesParam, parseTelegramHtml } from './html-entities.js';
import type { Handler } from './invoke.js';
import { inlineOf, parseReplyMarkup } from './keyboards.js';
import { bad, isBlank, isRecord, NOT_MODIFIED, optBool, optInt, optJson, optStr, type Params, QUERY_TOO_OLD } from './params.js';
import { assertCanWrite, type ChatState, type ChatStore, entryOf, findReplyTarget, type StoredMessage, store } from './state.js';
import type { CallbackAnswer, FakeBotApiOptions, ReplyMarkup } from './types.js';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const SCOPE_TYPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
]);

export interface Methods {
  readonly handlers: Record<string, Handler>;
  /** The commands set for this scope and language (the key getMyCommands reads). */
  commands(scope?: Record<string, unknown>, languageCode?: string): BotCommand[];
  menuButton(chatId?: number): MenuButton;
  reset(): void;
}

export function createMethods(deps: {
  options: FakeBotApiOptions;
  botInfo: UserFromGetMe;
  now: () => number;
  chatStore: ChatStore;
  notifier: Notifier;
  flood: FloodControl;
}): Methods {
  const { options, botInfo, now, chatStore, notifier, flood } = deps;
  const nowSec = () => Math.floor(now() / 1000);
  const botUser: User = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };
  const rejectLocal = options.rejectLocalButtonUrls ?? false;
  let commandSets = new Map<string, BotCommand[]>();
  let defaultMenuButton: MenuButton | undefined;

  function formatText(p: Params): FormattedText & { html?: string } {
    const raw = p.text;
    if (raw === undefined || raw === null) throw bad('message text is empty');
    if (typeof raw !== 'string' && typeof raw !== 'number') throw bad('field "text" must be of type String');
    const source = String(raw);
    const mode = (optStr(p, 'parse_mode') ?? '').toLowerCase();
    let result: FormattedText & { html?: string };
    if (mode === 'html') {
      result = { ...parseTelegramHtml(source), html: source };
    } else if (mode === 'markdown' || mode === 'markdownv2') {
      throw bad(`can't parse entities: parse_mode ${optStr(p, 'parse_mode')} is not supported by the sandbox Bot API; use HTML`);
    } else if (mode !== '') {
      throw bad('unsupported parse_mode');
    } else {
      result = { text: source, entities: parseEntitiesParam(p.entities, source) };
    }
    if (result.text.trim() === '') throw bad('message text is empty');
    if (result.text.length > 4096) throw bad('message is too long');
    return result;
  }

  function editTarget(p: Params): { state: ChatState; stored: StoredMessage } {
    if (!isBlank(p.inline_message_id)) throw bad('MESSAGE_ID_INVALID');
    const state = chatStore.resolveChat(p);
    const id = optInt(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const stored = state.byId.get(id);
    if (!stored || stored.deleted) throw bad('message to edit not found');
    if (stored.from !== 'bot') throw bad("message can't be edited");
    return { state, stored };
  }

  function applyEdit(
    state: ChatState,
    stored: StoredMessage,
    next: Message.TextMessage,
    html: string | undefined,
    markup: ReplyMarkup | undefined,
  ) {
    const same =
      next.text === stored.message.text &&
      JSON.stringify(next.entities ?? []) === JSON.stringify(stored.message.entities ?? []) &&
      JSON.stringify(next.reply_markup ?? null) === JSON.stringify(stored.message.reply_markup ?? null);
    if (same) throw bad(NOT_MODIFIED);
    flood.check(state.chat.id);
    next.edit_date = nowSec();
    stored.message = next;
    stored.html = html;
    stored.markup = markup;
    stored.edited = true;
    notifier.emit({ type: 'edit', chatId: state.chat.id, message: entryOf(stored) });
    return next;
  }

  function commandKey(p: Params): string {
    const rawScope = optJson(p, 'scope');
    let scope: Record<string, unknown> = { type: 'default' };
    if (rawScope !== undefined) {
      if (!isRecord(rawScope) || typeof rawScope.type !== 'string' || !SCOPE_TYPES.has(rawScope.type)) {
        throw bad("can't parse BotCommandScope JSON object");
      }
      scope = { type: rawScope.type };
      if (rawScope.type.startsWith('chat')) scope.chat_id = chatStore.resolveChat(rawScope).chat.id;
      if (rawScope.type === 'chat_member') {
        const userId = optInt(rawScope, 'user_id');
        if (userId === undefined) throw bad('user not found');
        scope.user_id = userId;
      }
    }
    const lang = optStr(p, 'language_code') ?? '';
    if (lang !== '' && !/^[a-z]{2}$/.test(lang)) throw bad('invalid language code specified');
    return `${JSON.stringify(scope)}|${lang}`;
  }

  function parseMenuButton(raw: unknown): MenuButton {
    if (raw === undefined) return { type: 'default' };
    if (!isRecord(raw)) throw bad("can't parse menu button JSON object");
    if (raw.type === 'default' || raw.type === 'commands') return { type: raw.type };
    if (raw.type === 'web_app') {
      const url = isRecord(raw.web_app) ? raw.web_app.url : undefined;
      if (typeof raw.text !== 'string' || raw.text === '') throw bad('menu button text must be non-empty');
      if (typeof url !== 'string' || !/^https:\/\//i.test(url))
        throw bad('menu button Web App URL is invalid: Only HTTPS links are allowed');
      return { type: 'web_app', text: raw.text, web_app: { url } };
    }
    throw bad('unsupported menu button type');
  }

  const handlers: Record<string, Handler> = {
    getMe: () => botInfo,

    sendMessage: (p) => {
      const state = chatStore.resolveChat(p);
      assertCanWrite(state);
      const { text, entities, html } = formatText(p);
      const markup = parseReplyMarkup(optJson(p, 'reply_markup'), false, rejectLocal);
      const replyTo = findReplyTarget(state, p);
      flood.check(state.chat.id);
      const message = chatStore.buildMessage(state, botUser, text, entities, markup, replyTo);
      const stored: StoredMessage = { message, from: 'bot', html, markup, edited: false, deleted: false };
      store(state, stored);
      if (markup && 'keyboard' in markup) state.replyKeyboard = markup;
      if (markup && 'remove_keyboard' in markup) state.replyKeyboard = undefined;
      notifier.emit({ type: 'message', chatId: state.chat.id, message: entryOf(stored) });
      return message;
    },

    editMessageText: (p) => {
      const { state, stored } = editTarget(p);
      const { text, entities, html } = formatText(p);
      const markup = parseReplyMarkup(optJson(p, 'reply_markup'), true, rejectLocal);
      const { entities: _e, reply_markup: _r, ...base } = stored.message;
      const next: Message.TextMessage = { ...base, text };
      if (entities.length) next.entities = entities;
      const inline = inlineOf(markup);
      if (inline) next.reply_markup = inline;
      return applyEdit(state, stored, next, html, inline);
    },

    editMessageReplyMarkup: (p) => {
      const { state, stored } = editTarget(p);
      const markup = parseReplyMarkup(optJson(p, 'reply_markup'), true, rejectLocal);
      const { reply_markup: _r, ...base } = stored.message;
      const next: Message.TextMessage = { ...base };
      const inline = inlineOf(markup);
      if (inline) next.reply_markup = inline;
      return applyEdit(state, stored, next, stored.html, inline);
    },

    deleteMessage: (p) => {
      const state = chatStore.resolveChat(p);
      const id = optInt(p, 'message_id');
      if (id === undefined) throw bad('message identifier is not specified');
      const stored = state.byId.get(id);
      if (!stored || stored.deleted) throw bad('message to delete not found');
      stored.deleted = true;
      notifier.emit({ type: 'delete', chatId: state.chat.id, message: entryOf(stored) });
      return true;
    },

    answerCallbackQuery: (p) => {
      const id = optStr(p, 'callback_query_id');
      const query = id === undefined ? undefined : chatStore.queries.get(id);
      const ttl = options.callbackQueryTtlMs;
      if (!id || !query || query.answered || (ttl !== undefined && Date.now() - query.createdAt > ttl)) throw bad(QUERY_TOO_OLD);
      const text = optStr(p, 'text');
      if (text !== undefined && text.length > 200) throw bad('MESSAGE_TOO_LONG');
      query.answered = true;
      const answer: CallbackAnswer = {
        id,
        chatId: query.chatId,
        messageId: query.messageId,
        show_alert: optBool(p, 'show_alert') ?? false,
        at: now(),
      };
      if (query.data !== undefined) answer.data = query.data;
      if (text !== undefined) answer.text = text;
      const url = optStr(p, 'url');
      if (url !== undefined) answer.url = url;
      const cacheTime = optInt(p, 'cache_time');
      if (cacheTime !== undefined) answer.cache_time = cacheTime;
      chatStore.callbackAnswers.push(answer);
      const stored = chatStore.chats.get(query.chatId)?.byId.get(query.messageId);
      notifier.emit({ type: 'callback_answer', chatId: query.chatId, answer, ...(stored ? { message: entryOf(stored) } : {}) });
      return true;
    },

    sendChatAction: (p) => {
      const state = chatStore.resolveChat(p);
      assertCanWrite(state);
      const action = optStr(p, 'action');
      if (!action || !CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
      notifier.emit({ type: 'chat_action', chatId: state.chat.id, action });
      return true;
    },

    setMyCommands: (p) => {
      const raw = optJson(p, 'commands');
      if (!Array.isArray(raw)) throw bad("can't parse commands JSON object");
      if (raw.length > 100) throw bad('too many commands specified');
      const list = raw.map((c): BotCommand => {
        if (!isRecord(c) || typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command))
          throw bad('BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.trim() === '' || c.description.length > 256) {
          throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
        }
        return { command: c.command, description: c.description };
      });
      commandSets.set(commandKey(p), list);
      return true;
    },

    getMyCommands: (p) => commandSets.get(commandKey(p)) ?? [],

    deleteMyCommands: (p) => {
      commandSets.delete(commandKey(p));
      return true;
    },

    setChatMenuButton: (p) => {
      const button = parseMenuButton(optJson(p, 'menu_button'));
      if (isBlank(p.chat_id)) {
        defaultMenuButton = button;
      } else {
        const state = chatStore.resolveChat(p);
        if (state.chat.type !== 'private') throw bad('chat must be a private chat');
        state.menuButton = button;
      }
      return true;
    },

    getChatMenuButton: (p) =>
      (isBlank(p.chat_id) ? undefined : chatStore.resolveChat(p).menuButton) ?? defaultMenuButton ?? { type: 'default' },

    getChat: (p) => {
      const { chat } = chatStore.resolveChat(p);
      return {
        ...chat,
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false },
      };
    },
  };

  return {
    handlers,
    commands(scope, languageCode) {
      const params: Params = {};
      if (scope) params.scope = scope;
      if (languageCode) params.language_code = languageCode;
      return commandSets.get(commandKey(params)) ?? [];
    },
    menuButton(chatId) {
      return (
        (chatId === undefined ? undefined : chatStore.chats.get(chatId)?.menuButton) ?? defaultMenuButton ?? { type: 'default' }
      );
    },
    reset() {
      commandSets = new Map();
      defaultMenuButton = undefined;
    },
  };
}
