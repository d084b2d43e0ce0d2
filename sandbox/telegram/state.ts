// What the stand-in remembers about its chats: each chat with its messages (as the Bot API
// returns them, plus what the web chat shows), the reply keyboard on screen, and the callback
// queries users have opened by pressing buttons.
import type { MenuButton, Message, MessageEntity, ReplyKeyboardMarkup, User } from 'grammy/types';
import { inlineOf } from './keyboards.js';
import { ApiError, bad, isBlank, isRecord, optBool, optInt, optJson, type Params } from './params.js';
import type {
  CallbackAnswer,
  FakeChat,
  FakeChatInput,
  FakeUserInput,
  ReplyMarkup,
  SavedMessage,
  TranscriptEntry,
} from './types.js';

export type StoredMessage = SavedMessage;

export interface ChatState {
  chat: FakeChat;
  nextMessageId: number;
  messages: StoredMessage[];
  byId: Map<number, StoredMessage>;
  lastUser?: User;
  blocked: boolean;
  replyKeyboard?: ReplyKeyboardMarkup;
  menuButton?: MenuButton;
  chatInstance: string;
}

export interface PendingQuery {
  chatId: number;
  messageId: number;
  data?: string;
  createdAt: number;
  answered: boolean;
}

export interface ChatStore {
  readonly chats: Map<number, ChatState>;
  readonly queries: Map<string, PendingQuery>;
  callbackAnswers: CallbackAnswer[];
  /** A fresh callback_query id, as long and numeric as Telegram's. */
  newQueryId(): string;
  ensureChat(input: FakeChatInput, user?: User): ChatState;
  /** The chat a method's `chat_id` (a number, a numeric string or an @username) names. */
  resolveChat(p: Params, field?: string): ChatState;
  buildMessage(
    state: ChatState,
    from: User,
    text: string,
    entities: MessageEntity[],
    markup: ReplyMarkup | undefined,
    replyTo: StoredMessage | undefined,
  ): Message.TextMessage;
  reset(): void;
}

export function makeUser(input: FakeUserInput): User {
  const user: User = { id: input.id, is_bot: false, first_name: input.first_name };
  if (input.last_name) user.last_name = input.last_name;
  if (input.username) user.username = input.username;
  if (input.language_code) user.language_code = input.language_code;
  return user;
}

export function assertCanWrite(state: ChatState): void {
  if (state.blocked) {
    throw new ApiError(
      403,
      state.chat.type === 'private' ? 'Forbidden: bot was blocked by the user' : 'Forbidden: bot was kicked from the group chat',
    );
  }
}

export function entryOf(s: StoredMessage): TranscriptEntry {
  const m = s.message;
  const entry: TranscriptEntry = {
    message_id: m.message_id,
    from: s.from,
    text: m.text,
    edited: s.edited,
    deleted: s.deleted,
    date: m.date,
  };
  if (s.html !== undefined) entry.html = s.html;
  if (m.entities?.length) entry.entities = m.entities;
  if (s.markup) entry.reply_markup = s.markup;
  if (m.edit_date !== undefined) entry.edit_date = m.edit_date;
  if (s.from === 'user' && m.from) entry.user = m.from;
  if (m.reply_to_message) entry.reply_to_message_id = m.reply_to_message.message_id;
  return entry;
}

export function store(state: ChatState, stored: StoredMessage): void {
  state.messages.push(stored);
  state.byId.set(stored.message.message_id, stored);
}

export function findReplyTarget(state: ChatState, p: Params): StoredMessage | undefined {
  const params = optJson(p, 'reply_parameters');
  let id = optInt(p, 'reply_to_message_id');
  let allowMissing = optBool(p, 'allow_sending_without_reply') ?? false;
  if (isRecord(params)) {
    id = optInt(params, 'message_id');
    allowMissing = optBool(params, 'allow_sending_without_reply') ?? allowMissing;
  }
  if (id === undefined) return undefined;
  const target = state.byId.get(id);
  if (!target || target.deleted) {
    if (allowMissing) return undefined;
    throw bad('message to be replied not found');
  }
  return target;
}

export function createChatStore(now: () => number): ChatStore {
  const nowSec = () => Math.floor(now() / 1000);
  const chats = new Map<number, ChatState>();
  const queries = new Map<string, PendingQuery>();
  let nextQueryId = 1;

  const chatStore: ChatStore = {
    chats,
    queries,
    callbackAnswers: [],

    newQueryId() {
      return String(4_200_000_000_000_000 + nextQueryId++);
    },

    ensureChat(input, user) {
      if (!Number.isSafeInteger(input.id) || input.id === 0) throw new Error(`fake Telegram: invalid chat id ${input.id}`);
      const existing = chats.get(input.id);
      if (existing) {
        if (existing.chat.type !== input.type) {
          throw new Error(`fake Telegram: chat ${input.id} is a ${existing.chat.type} chat, not ${input.type}`);
        }
        return existing;
      }
      let chat: FakeChat;
      if (input.type === 'private') {
        chat = { id: input.id, type: 'private', first_name: input.first_name ?? user?.first_name ?? `User ${input.id}` };
        const lastName = input.last_name ?? user?.last_name;
        const username = input.username ?? user?.username;
        if (lastName) chat.last_name = lastName;
        if (username) chat.username = username;
      } else if (input.type === 'group') {
        chat = { id: input.id, type: 'group', title: input.title ?? `Group ${input.id}` };
      } else {
        chat = { id: input.id, type: 'supergroup', title: input.title ?? `Group ${input.id}` };
        if (input.username) chat.username = input.username;
      }
      const state: ChatState = {
        chat,
        nextMessageId: 1,
        messages: [],
        byId: new Map(),
        blocked: false,
        chatInstance: String(BigInt(input.id) * 7919n + 4_611_686_018_427n),
      };
      chats.set(input.id, state);
      return state;
    },

    resolveChat(p, field = 'chat_id') {
      const raw = p[field];
      if (isBlank(raw)) throw bad('chat_id is empty');
      let state: ChatState | undefined;
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) state = chats.get(raw);
      else if (typeof raw === 'string' && /^\s*-?\d{1,16}\s*$/.test(raw)) state = chats.get(Number(raw));
      else if (typeof raw === 'string' && raw.startsWith('@')) {
        const name = raw.slice(1).toLowerCase();
        state = [...chats.values()].find((c) => c.chat.username?.toLowerCase() === name);
      }
      if (!state) throw bad('chat not found');
      return state;
    },

    buildMessage(state, from, text, entities, markup, replyTo) {
      const message: Message.TextMessage = { message_id: state.nextMessageId++, from, chat: state.chat, date: nowSec(), text };
      if (entities.length) message.entities = entities;
      const inline = inlineOf(markup);
      if (inline) message.reply_markup = inline;
      if (replyTo) {
        const { reply_to_message: _nested, ...quoted } = replyTo.message;
        message.reply_to_message = quoted as Message & { reply_to_message: undefined };
      }
      return message;
    },

    reset() {
      chats.clear();
      queries.clear();
      nextQueryId = 1;
      chatStore.callbackAnswers = [];
    },
  };
  return chatStore;
}
