// reply_markup as the Bot API checks it: inline keyboards (one action per button, callback
// data of 1–64 bytes, sane URLs), reply keyboards, keyboard removal and force-reply.
import type {
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  KeyboardButton,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from 'grammy/types';
import { bad, isBlank, isRecord, utf8Length } from './params.js';
import type { ReplyMarkup } from './types.js';

const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
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
    throw bad(
      'can\'t parse inline keyboard button: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  const rows = raw as unknown[][];
  if (rows.reduce((n, row) => n + row.length, 0) > 100) throw bad('reply markup is too long');
  const keyboard = rows.map((row) =>
    row.map((button): InlineKeyboardButton => {
      if (!isRecord(button)) throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof button.text !== 'string') throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
      if (button.text.trim() === '') throw bad('BUTTON_TEXT_INVALID');
      const actions = INLINE_ACTIONS.filter((k) => button[k] !== undefined);
      if (actions.length === 0)
        throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (actions.length > 1)
        throw bad(`can't parse inline keyboard button: only one of the fields ${actions.join(', ')} may be specified`);
      const action = actions[0] as (typeof INLINE_ACTIONS)[number];
      const value = button[action];
      if (action === 'callback_data') {
        if (typeof value !== 'string')
          throw bad('can\'t parse inline keyboard button: Field "callback_data" must be of type String');
        const bytes = utf8Length(value);
        if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
      } else if (action === 'url') {
        validateButtonUrl(value, rejectLocal);
      } else if (action === 'web_app' || action === 'login_url') {
        const url = isRecord(value) ? value.url : undefined;
        if (typeof url !== 'string' || !/^https:\/\//i.test(url)) {
          throw bad(`inline keyboard button Web App URL '${String(url)}' is invalid: Only HTTPS links are allowed`);
        }
      } else if (
        action.startsWith('switch_inline_query') &&
        action !== 'switch_inline_query_chosen_chat' &&
        typeof value !== 'string'
      ) {
        throw bad(`can't parse inline keyboard button: Field "${action}" must be of type String`);
      }
      return { text: button.text, [action]: value } as unknown as InlineKeyboardButton;
    }),
  );
  return { inline_keyboard: keyboard };
}

export function parseReplyMarkup(raw: unknown, inlineOnly: boolean, rejectLocal: boolean): ReplyMarkup | undefined {
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

export function inlineOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup && 'inline_keyboard' in markup && markup.inline_keyboard.some((row) => row.length > 0) ? markup : undefined;
}

export function callbackButtons(markup: InlineKeyboardMarkup | undefined): { text: string; callback_data: string }[] {
  return (markup?.inline_keyboard ?? [])
    .flat()
    .filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b && typeof b.callback_data === 'string');
}
