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
 */
import { Hono } from 'hono';
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  KeyboardButton,
  MenuButton,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

// ---------------------------------------------------------------------------
// Public types

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
export type FakeChat = Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;
export type FakeChatType = FakeChat['type'];
type Falsy = undefined | null | false | 0 | '';

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
  rateLimit?: { perChatPerSecond?: number; globalPerSecond?: number };
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

// ---------------------------------------------------------------------------
// Errors and parameter parsing

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

const bad = (message: string) => new ApiError(400, `Bad Request: ${message}`);
const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

type Params = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d{1,16}\s*$/.test(v)) return Number(v);
  throw bad(`field "${name}" must be of type Integer`);
}

function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(`field "${name}" must be of type String`);
}

function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw bad(`field "${name}" must be of type Boolean`);
}

/** Structured fields arrive as objects in JSON bodies and as JSON strings in form bodies. */
function optJson(p: Params, name: string): unknown {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad(`can't parse ${name} JSON object`);
  }
}

const JSON_FIELDS = new Set([
  'reply_markup', 'entities', 'caption_entities', 'reply_parameters', 'link_preview_options',
  'allowed_updates', 'commands', 'scope', 'menu_button', 'media', 'message_ids',
]);

async function readParams(req: Request): Promise<Params> {
  const params: Params = {};
  new URL(req.url).searchParams.forEach((value, key) => {
    params[key] = value;
  });
  if (req.method !== 'POST') return params;
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw bad("can't parse request body");
    }
    form.forEach((value, key) => {
      if (typeof value !== 'string') {
        params[key] = { file: value.name, size: value.size };
      } else if (JSON_FIELDS.has(key) && /^\s*[[{]/.test(value)) {
        try {
          params[key] = JSON.parse(value) as unknown;
        } catch {
          params[key] = value; // the method reports the parse error
        }
      } else {
        params[key] = value;
      }
    });
    return params;
  }
  const body = await req.text();
  if (body.trim() === '') return params;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw bad("can't parse JSON request body");
  }
  if (!isRecord(parsed)) throw bad('JSON request body must be an object');
  return Object.assign(params, parsed);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

// ---------------------------------------------------------------------------
// Text formatting: HTML parse mode

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

const HTML_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler',
  'a', 'code', 'pre', 'blockquote', 'tg-emoji',
]);
const SIMPLE_TAG_TYPES: Record<string, MessageEntity['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface PendingEntity {
  type: MessageEntity['type'];
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

interface OpenTag {
  name: string;
  start: number;
  entity?: PendingEntity;
}

/**
 * Parses Telegram's HTML subset into plain text plus entities (offsets in
 * UTF-16 code units), failing the way the Bot API does.
 */
export function parseTelegramHtml(source: string): FormattedText {
  const fail = (message: string): never => {
    throw bad(`can't parse entities: ${message}`);
  };
  const byteAt = (index: number) => utf8Length(source.slice(0, index));
  const decodeAt = (index: number): [string, number] => {
    const re = /&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]{0,31}));/y;
    re.lastIndex = index;
    const m = re.exec(source);
    if (!m) return ['&', 1];
    if (m[3] !== undefined) {
      const named = NAMED_ENTITIES[m[3]];
      if (named === undefined) fail(`Unsupported HTML entity "${m[0]}" at byte offset ${byteAt(index)}`);
      return [named as string, m[0].length];
    }
    const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2] as string, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      fail(`Invalid numeric HTML entity "${m[0]}" at byte offset ${byteAt(index)}`);
    }
    return [String.fromCodePoint(code), m[0].length];
  };
  const decodeAttr = (raw: string, base: number): string => {
    let out = '';
    for (let k = 0; k < raw.length; ) {
      if (raw[k] === '&') {
        const re = /&(?:#\d{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});/y;
        re.lastIndex = k;
        const m = re.exec(raw);
        if (m) {
          const [ch] = decodeAt(base + k);
          out += ch;
          k += m[0].length;
          continue;
        }
      }
      out += raw[k];
      k++;
    }
    return out;
  };

  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  const startName = /<([A-Za-z][A-Za-z0-9-]*)?/y;
  const endTag = /<\/([A-Za-z][A-Za-z0-9-]*)?\s*>/y;
  const tagClose = /\s*\/?>/y;
  const attribute = /\s+([A-Za-z_][A-Za-z0-9_:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;

  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '&') {
      const [decoded, used] = decodeAt(i);
      text += decoded;
      i += used;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    if (source[i + 1] === '/') {
      endTag.lastIndex = i;
      const m = endTag.exec(source);
      if (!m) fail(`Unclosed end tag at byte offset ${byteAt(i)}`);
      const name = (m?.[1] ?? '').toLowerCase();
      const open = stack.pop();
      if (!open) fail(`Unexpected end tag at byte offset ${byteAt(i)}`);
      if (open && open.name !== name) {
        fail(`Unmatched end tag at byte offset ${byteAt(i)}, expected "</${open.name}>", found "</${name}>"`);
      }
      if (open?.entity && text.length > open.start) {
        const { type, ...extra } = open.entity;
        entities.push({ type, offset: open.start, length: text.length - open.start, ...extra } as MessageEntity);
      }
      i = endTag.lastIndex;
      continue;
    }
    startName.lastIndex = i;
    const nameMatch = startName.exec(source);
    const rawName = nameMatch?.[1] ?? '';
    const name = rawName.toLowerCase();
    if (!HTML_TAGS.has(name)) fail(`Unsupported start tag "${rawName}" at byte offset ${byteAt(i)}`);
    let pos = startName.lastIndex;
    const attrs: Record<string, string> = {};
    for (;;) {
      tagClose.lastIndex = pos;
      if (tagClose.exec(source)) {
        pos = tagClose.lastIndex;
        break;
      }
      attribute.lastIndex = pos;
      const a = attribute.exec(source);
      if (!a) fail(`Unclosed start tag at byte offset ${byteAt(i)}`);
      if (!a) break; // unreachable: fail() threw
      const quoted = a[2] ?? a[3];
      const valueRaw = quoted ?? a[4] ?? '';
      const valueStart = attribute.lastIndex - valueRaw.length - (quoted !== undefined ? 1 : 0);
      attrs[(a[1] as string).toLowerCase()] = decodeAttr(valueRaw, valueStart);
      pos = attribute.lastIndex;
    }
    const tag: OpenTag = { name, start: text.length };
    const simple = SIMPLE_TAG_TYPES[name];
    if (simple) {
      tag.entity = { type: simple };
    } else if (name === 'span') {
      if (attrs.class !== 'tg-spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteAt(i)}`);
      tag.entity = { type: 'spoiler' };
    } else if (name === 'a') {
      if (attrs.href !== undefined && attrs.href !== '') tag.entity = { type: 'text_link', url: attrs.href };
    } else if (name === 'code') {
      const pre = [...stack].reverse().find((t) => t.name === 'pre');
      if (pre?.entity) {
        const lang = attrs.class?.startsWith('language-') ? attrs.class.slice('language-'.length) : undefined;
        if (lang) pre.entity.language = lang;
      } else {
        tag.entity = { type: 'code' };
      }
    } else if (name === 'pre') {
      tag.entity = { type: 'pre' };
    } else if (name === 'blockquote') {
      tag.entity = { type: 'expandable' in attrs ? 'expandable_blockquote' : 'blockquote' };
    } else if (name === 'tg-emoji') {
      if (!attrs['emoji-id']) fail(`Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${byteAt(i)}`);
      tag.entity = { type: 'custom_emoji', custom_emoji_id: attrs['emoji-id'] };
    }
    stack.push(tag);
    i = pos;
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  // Outer entities first, as Telegram orders them.
  const order = new Map(entities.map((e, k) => [e, k]));
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || (order.get(b) ?? 0) - (order.get(a) ?? 0));
  return { text, entities };
}

function parseEntitiesParam(raw: unknown, text: string): MessageEntity[] {
  if (isBlank(raw)) return [];
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw bad("can't parse entities JSON object");
    }
  }
  if (!Array.isArray(value)) throw bad("can't parse entities JSON object");
  return value.map((e, k) => {
    if (!isRecord(e) || typeof e.type !== 'string') throw bad(`can't parse entities: entity ${k} has no type`);
    const { offset, length } = e;
    if (typeof offset !== 'number' || typeof length !== 'number' || offset < 0 || length <= 0 || offset + length > text.length) {
      throw bad(`can't parse entities: entity ${k} is out of the text bounds`);
    }
    return e as unknown as MessageEntity;
  });
}

// ---------------------------------------------------------------------------
// Reply markup validation

const INLINE_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query',
  'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
] as const;

function validateButtonUrl(url: unknown, rejectLocal: boolean): string {
  const shown = typeof url === 'string' ? url : JSON.stringify(url);
  const invalid = (why: string) => bad(`inline keyboard button URL '${shown}' is invalid: ${why}`);
  if (typeof url !== 'string' || url === '') throw invalid('Wrong HTTP URL');
  if (/^tg:\/\/\S+$/i.test(url)) return url;
  if (!/^https?:\/\//i.test(url)) throw invalid('Unsupported URL protocol');
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw invalid('Wrong HTTP URL');
  }
  if (!host) throw invalid('Wrong HTTP URL');
  if (rejectLocal && (host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('['))) throw invalid('Wrong HTTP URL');
  return url;
}

function validateInlineKeyboard(raw: unknown, rejectLocal: boolean): InlineKeyboardMarkup {
  if (!Array.isArray(raw) || raw.some((row) => !Array.isArray(row))) {
    throw bad('can\'t parse inline keyboard button: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const rows = raw as unknown[][];
  if (rows.reduce((n, row) => n + row.length, 0) > 100) throw bad('reply markup is too long');
  const keyboard = rows.map((row) =>
    row.map((button): InlineKeyboardButton => {
      if (!isRecord(button)) throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof button.text !== 'string') throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
      if (button.text.trim() === '') throw bad('BUTTON_TEXT_INVALID');
      const actions = INLINE_ACTIONS.filter((k) => button[k] !== undefined);
      if (actions.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (actions.length > 1) throw bad(`can't parse inline keyboard button: only one of the fields ${actions.join(', ')} may be specified`);
      const action = actions[0] as (typeof INLINE_ACTIONS)[number];
      const value = button[action];
      if (action === 'callback_data') {
        if (typeof value !== 'string') throw bad('can\'t parse inline keyboard button: Field "callback_data" must be of type String');
        const bytes = utf8Length(value);
        if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
      } else if (action === 'url') {
        validateButtonUrl(value, rejectLocal);
      } else if (action === 'web_app' || action === 'login_url') {
        const url = isRecord(value) ? value.url : undefined;
        if (typeof url !== 'string' || !/^https:\/\//i.test(url)) {
          throw bad(`inline keyboard button Web App URL '${String(url)}' is invalid: Only HTTPS links are allowed`);
        }
      } else if (action.startsWith('switch_inline_query') && action !== 'switch_inline_query_chosen_chat' && typeof value !== 'string') {
        throw bad(`can't parse inline keyboard button: Field "${action}" must be of type String`);
      }
      return { text: button.text, [action]: value } as unknown as InlineKeyboardButton;
    }),
  );
  return { inline_keyboard: keyboard };
}

function parseReplyMarkup(raw: unknown, inlineOnly: boolean, rejectLocal: boolean): ReplyMarkup | undefined {
  if (isBlank(raw)) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw bad("can't parse reply keyboard markup JSON object");
    }
  }
  if (!isRecord(value)) throw bad("can't parse reply keyboard markup JSON object");
  if (value.inline_keyboard !== undefined) return validateInlineKeyboard(value.inline_keyboard, rejectLocal);
  if (inlineOnly) throw bad("can't parse inline keyboard markup JSON object");
  if (value.keyboard !== undefined) {
    const rows = value.keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
      throw bad('can\'t parse reply keyboard markup: field "keyboard" must be an Array of Arrays');
    }
    const keyboard = (rows as unknown[][]).map((row) =>
      row.map((button) => {
        const label = typeof button === 'string' ? button : isRecord(button) ? button.text : undefined;
        if (typeof label !== 'string' || label.trim() === '') throw bad("can't parse keyboard button: Text must be non-empty");
        return button as KeyboardButton;
      }),
    );
    return { ...(value as unknown as ReplyKeyboardMarkup), keyboard };
  }
  if (value.remove_keyboard === true) return value as unknown as ReplyKeyboardRemove;
  if (value.force_reply === true) return value as unknown as ForceReply;
  throw bad("can't parse reply keyboard markup JSON object");
}

function inlineOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup && 'inline_keyboard' in markup && markup.inline_keyboard.some((row) => row.length > 0) ? markup : undefined;
}

function callbackButtons(markup: InlineKeyboardMarkup | undefined): { text: string; callback_data: string }[] {
  return (markup?.inline_keyboard ?? [])
    .flat()
    .filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b && typeof b.callback_data === 'string');
}

// ---------------------------------------------------------------------------
// The fake

interface StoredMessage {
  message: Message.TextMessage;
  from: 'user' | 'bot';
  html?: string;
  markup?: ReplyMarkup;
  edited: boolean;
  deleted: boolean;
}

interface ChatState {
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

interface PendingQuery {
  chatId: number;
  messageId: number;
  data?: string;
  createdAt: number;
  answered: boolean;
}

interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

type PollOutcome = 'update' | 'timeout' | 'conflict' | 'released';

interface CallContext {
  signal?: AbortSignal;
  describe(description: string): void;
}

type Handler = (p: Params, ctx: CallContext) => unknown;

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);
const UPDATE_TYPES_OFF_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const SCOPE_TYPES = new Set([
  'default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member',
]);

export function createFakeBotApi(options: FakeBotApiOptions = {}): FakeBotApi {
  const now = options.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
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
  const botUser: User = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const retryDelays = options.webhookRetryDelaysMs?.length ? options.webhookRetryDelaysMs : [100, 250, 500, 1000, 2000, 5000];
  const maxLoggedCalls = options.maxLoggedCalls ?? 10_000;
  const rejectLocal = options.rejectLocalButtonUrls ?? false;

  // State (everything `reset()` clears).
  let chats = new Map<number, ChatState>();
  let updates: Update[] = [];
  let nextUpdateId = 1;
  let nextQueryId = 1;
  let allowedUpdates: string[] | undefined;
  let webhook: WebhookState | undefined;
  let calls: ApiCall[] = [];
  let callbackAnswers: CallbackAnswer[] = [];
  let webhookAttempts: WebhookAttempt[] = [];
  let queries = new Map<string, PendingQuery>();
  let failures = new Map<string, FailureSpec[]>();
  let commandSets = new Map<string, BotCommand[]>();
  let defaultMenuButton: MenuButton | undefined;
  let globalHits: number[] = [];
  let chatHits = new Map<number, number[]>();

  let poller: { settle(outcome: PollOutcome): void } | undefined;
  let deliveryRunning = false;
  let wakeDelivery: (() => void) | undefined;
  let closed = false;
  const listeners = new Set<(event: FakeTelegramEvent) => void>();
  const waiters = new Set<() => void>();

  // --- notifications -------------------------------------------------------

  function changed(): void {
    for (const check of [...waiters]) check();
  }

  function emit(event: FakeTelegramEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not break the API.
      }
    }
    changed();
  }

  // --- chats and messages --------------------------------------------------

  function makeUser(input: FakeUserInput): User {
    const user: User = { id: input.id, is_bot: false, first_name: input.first_name };
    if (input.last_name) user.last_name = input.last_name;
    if (input.username) user.username = input.username;
    if (input.language_code) user.language_code = input.language_code;
    return user;
  }

  function ensureChat(input: FakeChatInput, user?: User): ChatState {
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
  }

  function resolveChat(p: Params, field = 'chat_id'): ChatState {
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
  }

  function assertCanWrite(state: ChatState): void {
    if (state.blocked) {
      throw new ApiError(403, state.chat.type === 'private' ? 'Forbidden: bot was blocked by the user' : 'Forbidden: bot was kicked from the group chat');
    }
  }

  function entryOf(s: StoredMessage): TranscriptEntry {
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

  function buildMessage(
    state: ChatState,
    from: User,
    text: string,
    entities: MessageEntity[],
    markup: ReplyMarkup | undefined,
    replyTo: StoredMessage | undefined,
  ): Message.TextMessage {
    const message: Message.TextMessage = { message_id: state.nextMessageId++, from, chat: state.chat, date: nowSec(), text };
    if (entities.length) message.entities = entities;
    const inline = inlineOf(markup);
    if (inline) message.reply_markup = inline;
    if (replyTo) {
      const { reply_to_message: _nested, ...quoted } = replyTo.message;
      message.reply_to_message = quoted as Message & { reply_to_message: undefined };
    }
    return message;
  }

  function store(state: ChatState, stored: StoredMessage): void {
    state.messages.push(stored);
    state.byId.set(stored.message.message_id, stored);
  }

  function findReplyTarget(state: ChatState, p: Params): StoredMessage | undefined {
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

  function rateCheck(chatId: number): void {
    const limits = options.rateLimit;
    if (!limits) return;
    const t = Date.now();
    const recent = (hits: number[]) => hits.filter((h) => h > t - 1000);
    globalHits = recent(globalHits);
    const perChat = recent(chatHits.get(chatId) ?? []);
    let waitMs = 0;
    const consider = (hits: number[], limit: number | undefined) => {
      if (limit !== undefined && limit > 0 && hits.length >= limit) {
        waitMs = Math.max(waitMs, (hits[hits.length - limit] as number) + 1000 - t);
      }
    };
    consider(globalHits, limits.globalPerSecond);
    consider(perChat, limits.perChatPerSecond);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${seconds}`, seconds);
    }
    globalHits.push(t);
    perChat.push(t);
    chatHits.set(chatId, perChat);
  }

  function editTarget(p: Params): { state: ChatState; stored: StoredMessage } {
    if (!isBlank(p.inline_message_id)) throw bad('MESSAGE_ID_INVALID');
    const state = resolveChat(p);
    const id = optInt(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const stored = state.byId.get(id);
    if (!stored || stored.deleted) throw bad('message to edit not found');
    if (stored.from !== 'bot') throw bad("message can't be edited");
    return { state, stored };
  }

  function applyEdit(state: ChatState, stored: StoredMessage, next: Message.TextMessage, html: string | undefined, markup: ReplyMarkup | undefined) {
    const same =
      next.text === stored.message.text &&
      JSON.stringify(next.entities ?? []) === JSON.stringify(stored.message.entities ?? []) &&
      JSON.stringify(next.reply_markup ?? null) === JSON.stringify(stored.message.reply_markup ?? null);
    if (same) throw bad(NOT_MODIFIED);
    rateCheck(state.chat.id);
    next.edit_date = nowSec();
    stored.message = next;
    stored.html = html;
    stored.markup = markup;
    stored.edited = true;
    emit({ type: 'edit', chatId: state.chat.id, message: entryOf(stored) });
    return next;
  }

  // --- updates, long polling and webhook delivery --------------------------

  function updateType(update: Update): string {
    return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
  }

  function isAllowed(update: Update): boolean {
    const type = updateType(update);
    if (!allowedUpdates || allowedUpdates.length === 0) return !UPDATE_TYPES_OFF_BY_DEFAULT.has(type);
    return allowedUpdates.includes(type);
  }

  function dropDisallowed(): void {
    if (updates.some((u) => !isAllowed(u))) updates = updates.filter(isAllowed);
  }

  function enqueue(partial: Omit<Update, 'update_id'>): number {
    const update = { update_id: nextUpdateId++, ...partial } as Update;
    updates.push(update);
    if (webhook) startDelivery();
    else poller?.settle('update');
    return update.update_id;
  }

  function confirmUpTo(offset: number): void {
    if (offset < 0) updates = updates.slice(offset);
    else updates = updates.filter((u) => u.update_id >= offset);
  }

  function waitForUpdate(ms: number, signal: AbortSignal | undefined): Promise<PollOutcome> {
    return new Promise((resolve) => {
      let done = false;
      const me = {
        settle(outcome: PollOutcome) {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (poller === me) poller = undefined;
          resolve(outcome);
        },
      };
      const onAbort = () => me.settle('released');
      const timer = setTimeout(() => me.settle('timeout'), ms);
      poller = me;
      if (signal?.aborted) me.settle('released');
      else signal?.addEventListener('abort', onAbort);
    });
  }

  function parseAllowedUpdates(raw: unknown): string[] | undefined {
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) throw bad("can't parse allowed updates");
    return raw as string[];
  }

  async function getUpdates(p: Params, ctx: CallContext): Promise<Update[]> {
    if (webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = optInt(p, 'offset');
    const limit = Math.min(100, Math.max(1, optInt(p, 'limit') ?? 100));
    const timeout = Math.min(50, Math.max(0, optInt(p, 'timeout') ?? 0));
    const allowed = parseAllowedUpdates(optJson(p, 'allowed_updates'));
    if (allowed !== undefined) allowedUpdates = allowed;
    if (offset !== undefined) confirmUpTo(offset);
    poller?.settle('conflict'); // the newer request wins, as on Telegram
    const deadline = Date.now() + timeout * 1000;
    for (;;) {
      dropDisallowed();
      if (updates.length > 0) return updates.slice(0, limit);
      const left = deadline - Date.now();
      if (left <= 0 || closed) return [];
      const outcome = await waitForUpdate(left, ctx.signal);
      if (outcome === 'conflict') {
        throw new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      }
      if (outcome !== 'update' || webhook) return [];
    }
  }

  async function postToWebhook(hook: WebhookState, update: Update): Promise<{ ok: boolean; status?: number; error?: string; reply?: unknown }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    try {
      const res = await fetchImpl(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 10_000),
      });
      const body = await res.text();
      if (res.status < 200 || res.status > 299) {
        return { ok: false, status: res.status, error: `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim() };
      }
      let reply: unknown;
      if ((res.headers.get('content-type') ?? '').includes('json') && body.trim()) {
        try {
          reply = JSON.parse(body) as unknown;
        } catch {
          reply = undefined;
        }
      }
      return { ok: true, status: res.status, reply };
    } catch (err) {
      return { ok: false, error: `Connection failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  function startDelivery(): void {
    if (deliveryRunning || !webhook || closed) return;
    deliveryRunning = true;
    void deliver().finally(() => {
      deliveryRunning = false;
      if (webhook && !closed && updates.length > 0) startDelivery();
    });
  }

  async function deliver(): Promise<void> {
    let attempt = 0;
    while (!closed) {
      const hook = webhook;
      if (!hook) return;
      dropDisallowed();
      const update = updates[0];
      if (!update) return;
      const outcome = await postToWebhook(hook, update);
      webhookAttempts.push({ update_id: update.update_id, url: hook.url, at: now(), ok: outcome.ok, status: outcome.status, error: outcome.error });
      if (webhookAttempts.length > maxLoggedCalls) webhookAttempts.shift();
      if (outcome.ok) {
        attempt = 0;
        updates = updates.filter((u) => u.update_id !== update.update_id);
        changed();
        const reply = outcome.reply;
        if (isRecord(reply) && typeof reply.method === 'string') {
          const { method, ...params } = reply;
          await invoke(method, params, 'webhook_reply');
        }
        continue;
      }
      hook.lastErrorDate = nowSec();
      hook.lastErrorMessage = outcome.error;
      changed();
      if (webhook !== hook) continue;
      const delay = retryDelays[Math.min(attempt, retryDelays.length - 1)] ?? 1000;
      attempt++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          if (wakeDelivery === done) wakeDelivery = undefined;
          resolve();
        }
        wakeDelivery = done;
      });
    }
  }

  // --- methods --------------------------------------------------------------

  function commandKey(p: Params): string {
    const rawScope = optJson(p, 'scope');
    let scope: Record<string, unknown> = { type: 'default' };
    if (rawScope !== undefined) {
      if (!isRecord(rawScope) || typeof rawScope.type !== 'string' || !SCOPE_TYPES.has(rawScope.type)) {
        throw bad("can't parse BotCommandScope JSON object");
      }
      scope = { type: rawScope.type };
      if (rawScope.type.startsWith('chat')) scope.chat_id = resolveChat(rawScope).chat.id;
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
      if (typeof url !== 'string' || !/^https:\/\//i.test(url)) throw bad('menu button Web App URL is invalid: Only HTTPS links are allowed');
      return { type: 'web_app', text: raw.text, web_app: { url } };
    }
    throw bad('unsupported menu button type');
  }

  const handlers: Record<string, Handler> = {
    getMe: () => botInfo,

    getUpdates,

    setWebhook: (p, ctx) => {
      const url = optStr(p, 'url') ?? '';
      const drop = optBool(p, 'drop_pending_updates') ?? false;
      if (url === '') {
        if (drop) updates = [];
        ctx.describe(webhook ? 'Webhook was deleted' : 'Webhook is already deleted');
        webhook = undefined;
        wakeDelivery?.();
        return true;
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw bad('bad webhook: invalid webhook URL specified');
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
      const secret = optStr(p, 'secret_token');
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw bad('bad webhook: secret token contains unallowed characters');
      const allowed = parseAllowedUpdates(optJson(p, 'allowed_updates'));
      const maxConnections = optInt(p, 'max_connections') ?? 40;
      if (maxConnections < 1 || maxConnections > 100) throw bad('bad webhook: max_connections must be between 1 and 100');
      if (allowed !== undefined) allowedUpdates = allowed;
      if (drop) updates = [];
      const same = webhook?.url === url && webhook.secretToken === secret;
      webhook = { url, maxConnections, ...(secret !== undefined ? { secretToken: secret } : {}) };
      poller?.settle('released');
      wakeDelivery?.();
      startDelivery();
      ctx.describe(same ? 'Webhook is already set' : 'Webhook was set');
      return true;
    },

    deleteWebhook: (p, ctx) => {
      if (optBool(p, 'drop_pending_updates')) updates = [];
      ctx.describe(webhook ? 'Webhook was deleted' : 'Webhook is already deleted');
      webhook = undefined;
      wakeDelivery?.();
      return true;
    },

    getWebhookInfo: () => {
      const info: Record<string, unknown> = {
        url: webhook?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: updates.length,
      };
      if (webhook) {
        info.max_connections = webhook.maxConnections;
        if (webhook.lastErrorDate !== undefined) {
          info.last_error_date = webhook.lastErrorDate;
          info.last_error_message = webhook.lastErrorMessage;
        }
        if (allowedUpdates) info.allowed_updates = allowedUpdates;
      }
      return info;
    },

    sendMessage: (p) => {
      const state = resolveChat(p);
      assertCanWrite(state);
      const { text, entities, html } = formatText(p);
      const markup = parseReplyMarkup(optJson(p, 'reply_markup'), false, rejectLocal);
      const replyTo = findReplyTarget(state, p);
      rateCheck(state.chat.id);
      const message = buildMessage(state, botUser, text, entities, markup, replyTo);
      const stored: StoredMessage = { message, from: 'bot', html, markup, edited: false, deleted: false };
      store(state, stored);
      if (markup && 'keyboard' in markup) state.replyKeyboard = markup;
      if (markup && 'remove_keyboard' in markup) state.replyKeyboard = undefined;
      emit({ type: 'message', chatId: state.chat.id, message: entryOf(stored) });
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
      const state = resolveChat(p);
      const id = optInt(p, 'message_id');
      if (id === undefined) throw bad('message identifier is not specified');
      const stored = state.byId.get(id);
      if (!stored || stored.deleted) throw bad('message to delete not found');
      stored.deleted = true;
      emit({ type: 'delete', chatId: state.chat.id, message: entryOf(stored) });
      return true;
    },

    answerCallbackQuery: (p) => {
      const id = optStr(p, 'callback_query_id');
      const query = id === undefined ? undefined : queries.get(id);
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
      callbackAnswers.push(answer);
      const stored = chats.get(query.chatId)?.byId.get(query.messageId);
      emit({ type: 'callback_answer', chatId: query.chatId, answer, ...(stored ? { message: entryOf(stored) } : {}) });
      return true;
    },

    sendChatAction: (p) => {
      const state = resolveChat(p);
      assertCanWrite(state);
      const action = optStr(p, 'action');
      if (!action || !CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
      emit({ type: 'chat_action', chatId: state.chat.id, action });
      return true;
    },

    setMyCommands: (p) => {
      const raw = optJson(p, 'commands');
      if (!Array.isArray(raw)) throw bad("can't parse commands JSON object");
      if (raw.length > 100) throw bad('too many commands specified');
      const list = raw.map((c): BotCommand => {
        if (!isRecord(c) || typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
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
        const state = resolveChat(p);
        if (state.chat.type !== 'private') throw bad('chat must be a private chat');
        state.menuButton = button;
      }
      return true;
    },

    getChatMenuButton: (p) => (isBlank(p.chat_id) ? undefined : resolveChat(p).menuButton) ?? defaultMenuButton ?? { type: 'default' },

    getChat: (p) => {
      const { chat } = resolveChat(p);
      return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false } };
    },
  };
  const handlerByLowerName = new Map(Object.entries(handlers).map(([name, run]) => [name.toLowerCase(), { name, run }]));

  function takeFailure(method: string): ApiError | undefined {
    for (const key of [method.toLowerCase(), '*']) {
      const queue = failures.get(key);
      const spec = queue?.shift();
      if (spec) {
        const retryAfter = spec.retry_after ?? (spec.status === 429 ? 1 : undefined);
        const description =
          spec.description ??
          (spec.status === 429
            ? `Too Many Requests: retry after ${retryAfter}`
            : spec.status === 502 ? 'Bad Gateway' : spec.status === 400 ? 'Bad Request' : spec.status === 403 ? 'Forbidden' : 'Internal Server Error');
        return new ApiError(spec.status, description, retryAfter);
      }
    }
    return undefined;
  }

  async function invoke(
    rawMethod: string,
    params: Params,
    via: ApiCall['via'],
    auth?: { token: string; signal?: AbortSignal },
  ): Promise<TelegramResponse> {
    const entry = handlerByLowerName.get(rawMethod.toLowerCase());
    let response: TelegramResponse;
    try {
      if (auth && options.token !== undefined && auth.token !== options.token) throw new ApiError(401, 'Unauthorized');
      if (!entry) throw new ApiError(404, 'Not Found: method not found');
      const injected = takeFailure(entry.name);
      if (injected) throw injected;
      let description: string | undefined;
      const result = await entry.run(params, { signal: auth?.signal, describe: (d) => (description = d) });
      response = description === undefined ? { ok: true, result } : { ok: true, result, description };
    } catch (err) {
      if (err instanceof ApiError) {
        response = { ok: false, error_code: err.code, description: err.description };
        if (err.retryAfter !== undefined) response.parameters = { retry_after: err.retryAfter };
      } else {
        response = { ok: false, error_code: 500, description: `Internal Server Error: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    const call: ApiCall = { method: entry?.name ?? rawMethod, params, at: now(), ok: response.ok, via };
    if (!response.ok) {
      call.error_code = response.error_code;
      call.description = response.description;
    }
    calls.push(call);
    if (calls.length > maxLoggedCalls) calls.splice(0, calls.length - maxLoggedCalls);
    changed();
    return response;
  }

  // --- HTTP -----------------------------------------------------------------

  const app = new Hono();
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const prefix = base === '' || base.startsWith('/') ? base : `/${base}`;
  const json = (body: TelegramResponse) =>
    new Response(JSON.stringify(body), {
      status: body.ok ? 200 : body.error_code,
      headers: { 'content-type': 'application/json' },
    });
  app.on(['GET', 'POST'], `${prefix}/:token{bot[^/]*}/:method`, async (c) => {
    const token = c.req.param('token').slice(3);
    let params: Params;
    try {
      params = await readParams(c.req.raw);
    } catch (err) {
      const e = err instanceof ApiError ? err : bad("can't parse request");
      return json({ ok: false, error_code: e.code, description: e.description });
    }
    return json(await invoke(c.req.param('method'), params, 'http', { token, signal: c.req.raw.signal }));
  });
  app.on(['GET', 'POST'], `${prefix}/:token{bot[^/]*}/`, () => json({ ok: false, error_code: 404, description: 'Not Found' }));

  // --- controller -------------------------------------------------------------

  function requireChat(chatId: number, who: string): ChatState {
    const state = chats.get(chatId);
    if (!state) throw new Error(`${who}: chat ${chatId} is unknown to the fake Telegram (no user wrote in it and it was not registered)`);
    return state;
  }

  function presser(state: ChatState, from: FakeUserInput | undefined, who: string): User {
    if (from) return makeUser(from);
    if (state.lastUser) return state.lastUser;
    if (state.chat.type === 'private') return { id: state.chat.id, is_bot: false, first_name: state.chat.first_name };
    throw new Error(`${who}: no \`from\` given and nobody has written in chat ${state.chat.id} yet`);
  }

  const api: FakeBotApi = {
    app,
    botInfo,
    get calls() {
      return calls;
    },
    get callbacksAnswered() {
      return callbackAnswers;
    },
    get webhookAttempts() {
      return webhookAttempts;
    },

    registerChat(chat) {
      return ensureChat(chat).chat;
    },

    setBlocked(chatId, blocked = true) {
      requireChat(chatId, 'setBlocked').blocked = blocked;
    },

    userSends(input) {
      const from = makeUser(input.from);
      const chatInput = input.chat ?? { id: from.id, type: 'private' };
      if (chatInput.type === 'private' && chatInput.id !== from.id) {
        throw new Error(`userSends: a private chat's id must equal the user's id (chat ${chatInput.id}, user ${from.id})`);
      }
      if (typeof input.text !== 'string' || input.text === '') throw new Error('userSends: text must be a non-empty string');
      const state = ensureChat(chatInput, from);
      let replyTo: StoredMessage | undefined;
      if (input.replyToMessageId !== undefined) {
        replyTo = state.byId.get(input.replyToMessageId);
        if (!replyTo || replyTo.deleted) throw new Error(`userSends: message ${input.replyToMessageId} not found in chat ${state.chat.id}`);
      }
      const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/.exec(input.text);
      const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
      const message = buildMessage(state, from, input.text, entities, undefined, replyTo);
      const stored: StoredMessage = { message, from: 'user', edited: false, deleted: false };
      store(state, stored);
      state.lastUser = from;
      if (state.replyKeyboard?.one_time_keyboard) state.replyKeyboard = undefined;
      enqueue({ message } as Omit<Update, 'update_id'>); // our chats are never channels
      emit({ type: 'message', chatId: state.chat.id, message: entryOf(stored) });
      return message;
    },

    pressButton({ chatId, messageId, data, from, force }) {
      const state = requireChat(chatId, 'pressButton');
      const stored = state.byId.get(messageId);
      if (!stored || stored.deleted) throw new Error(`pressButton: message ${messageId} not found in chat ${chatId}`);
      if (stored.from !== 'bot') throw new Error(`pressButton: message ${messageId} in chat ${chatId} was not sent by the bot`);
      const buttons = callbackButtons(stored.message.reply_markup);
      if (!force && !buttons.some((b) => b.callback_data === data)) {
        const have = buttons.map((b) => JSON.stringify(b.callback_data)).join(', ') || 'none';
        throw new Error(`pressButton: message ${messageId} has no button with callback_data ${JSON.stringify(data)} (it has: ${have}); pass force: true to send it anyway`);
      }
      const user = presser(state, from, 'pressButton');
      const id = String(4_200_000_000_000_000 + nextQueryId++);
      const query: CallbackQuery = { id, from: user, message: stored.message, chat_instance: state.chatInstance, data };
      queries.set(id, { chatId, messageId, data, createdAt: Date.now(), answered: false });
      enqueue({ callback_query: query });
      changed();
      return id;
    },

    pressButtonByLabel({ chatId, label, from }) {
      const state = requireChat(chatId, 'pressButtonByLabel');
      const labels: string[] = [];
      for (const stored of [...state.messages].reverse()) {
        if (stored.from !== 'bot' || stored.deleted) continue;
        const buttons = callbackButtons(stored.message.reply_markup);
        const hit = buttons.find((b) => b.text === label);
        if (hit) return api.pressButton({ chatId, messageId: stored.message.message_id, data: hit.callback_data, from });
        labels.push(...buttons.map((b) => JSON.stringify(b.text)));
      }
      throw new Error(
        `pressButtonByLabel: no bot message in chat ${chatId} has a callback button labelled ${JSON.stringify(label)}; available labels (newest first): ${labels.join(', ') || 'none'}`,
      );
    },

    pushUpdate(update) {
      const id = enqueue(update);
      changed();
      return id;
    },

    transcript(chatId) {
      return (chats.get(chatId)?.messages ?? []).map(entryOf);
    },

    lastBotMessage(chatId) {
      const found = [...(chats.get(chatId)?.messages ?? [])].reverse().find((m) => m.from === 'bot' && !m.deleted);
      return found ? entryOf(found) : undefined;
    },

    message(chatId, messageId) {
      const stored = chats.get(chatId)?.byId.get(messageId);
      return stored && !stored.deleted ? stored.message : undefined;
    },

    chats() {
      return [...chats.values()].map((c) => c.chat);
    },

    replyKeyboard(chatId) {
      return chats.get(chatId)?.replyKeyboard;
    },

    commands(scope, languageCode) {
      const params: Params = {};
      if (scope) params.scope = scope;
      if (languageCode) params.language_code = languageCode;
      return commandSets.get(commandKey(params)) ?? [];
    },

    menuButton(chatId) {
      return (chatId === undefined ? undefined : chats.get(chatId)?.menuButton) ?? defaultMenuButton ?? { type: 'default' };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

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
          waiters.delete(check);
        };
        const check = () => {
          evaluate();
        };
        const timer = setTimeout(() => {
          if (evaluate()) return;
          finish();
          const recent = calls
            .slice(-8)
            .map((c) => `${c.method}${c.ok ? '' : ` -> ${c.error_code} ${c.description}`}`)
            .join('; ');
          const why = lastError instanceof Error ? ` Last predicate error: ${lastError.message}.` : '';
          reject(new Error(`waitFor timed out after ${timeoutMs} ms.${why} Recent API calls: ${recent || 'none'}. Pending updates: ${updates.length}.`));
        }, timeoutMs);
        if (!evaluate()) waiters.add(check);
      });
    },

    failNext(method, count = 1, spec = { status: 500 }) {
      if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
        throw new Error(`failNext: status must be an HTTP error status (400-599), got ${spec.status}`);
      }
      const key = method === '*' ? '*' : method.toLowerCase();
      const queue = failures.get(key) ?? [];
      for (let k = 0; k < count; k++) queue.push({ ...spec });
      failures.set(key, queue);
    },

    pendingUpdates() {
      return updates.length;
    },

    invoke(method, params = {}) {
      return invoke(method, params, 'direct');
    },

    reset() {
      poller?.settle('released');
      webhook = undefined;
      wakeDelivery?.();
      chats = new Map();
      updates = [];
      nextUpdateId = 1;
      nextQueryId = 1;
      allowedUpdates = undefined;
      calls = [];
      callbackAnswers = [];
      webhookAttempts = [];
      queries = new Map();
      failures = new Map();
      commandSets = new Map();
      defaultMenuButton = undefined;
      globalHits = [];
      chatHits = new Map();
      changed();
    },

    close() {
      closed = true;
      poller?.settle('released');
      wakeDelivery?.();
      waiters.clear();
    },
  };
  return api;
}
