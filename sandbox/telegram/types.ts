// The public shapes of the Telegram stand-in: its options, what the controller takes and
// returns, and the events it streams. Re-exported by fake-bot-api.ts, which importers use.

import type {
  BotCommand,
  Chat,
  ForceReply,
  InlineKeyboardMarkup,
  MenuButton,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';
import type { Hono } from 'hono';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
export type FakeChat = Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;
export type FakeChatType = FakeChat['type'];
export type Falsy = undefined | null | false | 0 | '';

export interface FakeBotApiOptions {
  /** Defaults to the numeric prefix of `token`, else 7000000001. */
  botId?: number;
  /** Default `library_sandbox_bot`. */
  botUsername?: string;
  /** Default `Library Sandbox`. */
  botFirstName?: string;
  /** When set, only this token is accepted; any other gets 401 Unauthorized. */
  token?: string;
  /** Path prefix of the routes inside `app` (default ''); mounting with `parent.route(prefix, app)` works too. */
  basePath?: string;
  /** Flood control for send and edit methods: 429 "Too Many Requests: retry after N" when exceeded. */
  rateLimit?: {
    perChatPerSecond?: number;
    globalPerSecond?: number /** Messages a minute to one group chat (negative id), as Telegram's 20. */;
    groupPerMinute?: number;
  };
  /** Clock (ms) for message dates and the call log; timers always use real time. */
  now?: () => number;
  /** Used to POST updates to a webhook (default: global fetch). */
  fetch?: typeof fetch;
  /** Back-off between failed webhook deliveries; the last value repeats forever. Default [100, 250, 500, 1000, 2000, 5000]. */
  webhookRetryDelaysMs?: readonly number[];
  /** Per-attempt webhook timeout (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Callback queries older than this cannot be answered (default: never expire). */
  callbackQueryTtlMs?: number;
  /** Like real Telegram, refuse button URLs pointing at localhost or bare IPs (default false: the sandbox needs them). */
  rejectLocalButtonUrls?: boolean;
  /** Size cap of the `calls` log (default 10 000, oldest dropped first). */
  maxLoggedCalls?: number;
  /**
   * The first update_id (default 1). Telegram numbers a bot's updates on from wherever they
   * stood: two fakes standing for one bot over one database must not both start at 1.
   */
  firstUpdateId?: number;
}

export interface FakeChatInput {
  id: number;
  type: FakeChatType;
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface FakeUserInput {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface UserSendsInput {
  /** Defaults to the private chat with `from`. */
  chat?: FakeChatInput;
  from: FakeUserInput;
  text: string;
  replyToMessageId?: number;
}

export interface PressButtonInput {
  chatId: number;
  messageId: number;
  data: string;
  /** Defaults to the last user who wrote in the chat (or the private chat's user). */
  from?: FakeUserInput;
  /** Send the query even if the message has no button with this data (a stale or forged press). */
  force?: boolean;
}

export interface PressButtonByLabelInput {
  chatId: number;
  label: string;
  from?: FakeUserInput;
}

export interface TranscriptEntry {
  message_id: number;
  from: 'user' | 'bot';
  text: string;
  /** The original HTML source, for bot messages sent with parse_mode HTML. */
  html?: string;
  entities?: MessageEntity[];
  /** The markup as sent (inline keyboards and reply keyboards alike). */
  reply_markup?: ReplyMarkup;
  edited: boolean;
  deleted: boolean;
  /** Unix seconds, as in Telegram. */
  date: number;
  edit_date?: number;
  /** The sender of a user message. */
  user?: User;
  reply_to_message_id?: number;
}

/**
 * A message as the stand-in keeps it: the Bot API message, plus what the web chat shows (the HTML
 * it was sent as, the markup as sent, edited, deleted). Plain JSON, so it can be kept elsewhere.
 */
export interface SavedMessage {
  message: Message.TextMessage;
  from: 'user' | 'bot';
  html?: string;
  markup?: ReplyMarkup;
  edited: boolean;
  deleted: boolean;
}

export interface CallbackAnswer {
  id: string;
  chatId?: number;
  messageId?: number;
  data?: string;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  ok: boolean;
  error_code?: number;
  description?: string;
  /** 'direct' = through the controller's invoke(), not HTTP. */
  via: 'http' | 'webhook_reply' | 'direct';
}

export interface FailureSpec {
  status: number;
  description?: string;
  retry_after?: number;
}

export interface WebhookAttempt {
  update_id: number;
  url: string;
  at: number;
  ok: boolean;
  status?: number;
  error?: string;
}

export interface FakeTelegramEvent {
  /**
   * Numbers the events 1, 2, 3… across all chats, never reused (not even after `reset()`): a
   * transcript read at `eventSeq` N already holds the effect of every event up to N.
   */
  seq: number;
  type: 'message' | 'edit' | 'delete' | 'callback_answer' | 'chat_action';
  chatId: number;
  message?: TranscriptEntry;
  answer?: CallbackAnswer;
  action?: string;
}

export type TelegramResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

export interface FakeBotApi {
  readonly app: Hono;
  readonly botInfo: UserFromGetMe;
  /** Every API call, oldest first. */
  readonly calls: readonly ApiCall[];
  readonly callbacksAnswered: readonly CallbackAnswer[];
  readonly webhookAttempts: readonly WebhookAttempt[];
  /** The `seq` of the newest event (0 before the first); a transcript read now is current up to it. */
  readonly eventSeq: number;
  registerChat(chat: FakeChatInput): FakeChat;
  setBlocked(chatId: number, blocked?: boolean): void;
  userSends(input: UserSendsInput): Message.TextMessage;
  pressButton(input: PressButtonInput): string;
  pressButtonByLabel(input: PressButtonByLabelInput): string;
  /** Queue any update (update_id is assigned). */
  pushUpdate(update: Omit<Update, 'update_id'>): number;
  transcript(chatId: number): TranscriptEntry[];
  lastBotMessage(chatId: number): TranscriptEntry | undefined;
  /** The message as the Bot API would return it now. */
  message(chatId: number, messageId: number): Message.TextMessage | undefined;
  chats(): FakeChat[];
  /** The reply keyboard currently shown in the chat, if any. */
  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined;
  /** A message as the stand-in keeps it now (its own object: serialise it before the next change). */
  savedMessage(chatId: number, messageId: number): SavedMessage | undefined;
  /**
   * Puts back a chat kept elsewhere (the sandbox's database) before anyone writes in it: its
   * messages, oldest first, and its reply keyboard. New messages are numbered after the last.
   */
  restoreChat(chat: FakeChatInput, kept: { messages: SavedMessage[]; replyKeyboard?: ReplyKeyboardMarkup }): void;
  commands(scope?: Record<string, unknown>, languageCode?: string): BotCommand[];
  menuButton(chatId?: number): MenuButton;
  subscribe(listener: (event: FakeTelegramEvent) => void): () => void;
  /** Resolves with the predicate's first truthy result, re-checked after every change; rejects after timeoutMs (default 2000). */
  waitFor<T>(predicate: (api: FakeBotApi) => T | Falsy, timeoutMs?: number): Promise<T>;
  failNext(method: string, count?: number, spec?: FailureSpec): void;
  pendingUpdates(): number;
  /** Perform a call without HTTP (same validation, logged like any call). */
  invoke(method: string, params?: Record<string, unknown>): Promise<TelegramResponse>;
  reset(): void;
  /** Release pending long polls, stop webhook delivery and waiters. */
  close(): void;
}
