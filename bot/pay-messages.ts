// Where the bot's own screens put Pay buttons (the borrow and extend confirmations, My books, a
// refusal naming what is owed): every message the bot sends or edits with a Pay button is recorded
// with its keyboard (db/pay-messages.ts), and one edited without any, or deleted, is forgotten —
// so that a payment, once paid, has those messages edited to drop the button (the outbox's
// `edit.pay_button` rows). An API transformer sees every such call, whichever feature makes it.
import type { Transformer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Logger } from 'pino';
import type { PayMessage } from '../db/pay-messages.js';
import { errorForLog } from '../logger.js';
import { payButtonsIn } from './pay.js';

const EDITS = new Set(['editMessageText', 'editMessageReplyMarkup', 'editMessageCaption', 'editMessageMedia']);

type Markup = { inline_keyboard?: InlineKeyboardButton[][] };

/** Where the messages with Pay buttons are written down (bot/storage.ts). */
export interface PayMessageLog {
  /** The message now carries these Pay buttons. */
  record(m: PayMessage): Promise<void>;
  /** The message carries no Pay button any more. */
  forget(chatId: number, messageId: number): Promise<void>;
}

export function trackPayButtons(log: PayMessageLog, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (!res.ok || (method !== 'sendMessage' && method !== 'deleteMessage' && !EDITS.has(method))) return res;
    const p = payload as { chat_id?: unknown; message_id?: unknown; reply_markup?: unknown };
    const chatId = typeof p.chat_id === 'number' ? p.chat_id : Number(p.chat_id);
    const messageId = method === 'sendMessage' ? (res.result as { message_id?: unknown }).message_id : p.message_id;
    // Inline messages (no chat) and chats named by @username are not the bot's screens.
    if (!Number.isSafeInteger(chatId) || typeof messageId !== 'number') return res;
    try {
      const markup = method === 'deleteMessage' ? undefined : (p.reply_markup as Markup | undefined);
      const paymentIds = payButtonsIn(markup);
      if (paymentIds.length > 0) await log.record({ chatId, messageId, paymentIds, markup: JSON.stringify(markup) });
      // A new message without a Pay button has nothing to forget; an edit replaces the keyboard.
      else if (method !== 'sendMessage') await log.forget(chatId, messageId);
    } catch (err) {
      // The message went out; only its Pay button may stay after paying.
      logger.warn({ err: errorForLog(err), method }, 'could not record the Pay buttons of a message');
    }
    return res;
  };
}
