/**
 * What the outbox dispatcher (jobs/dispatcher.ts) does with a row: the Bot API call it makes — a
 * message, or the edit of one sent earlier — and the bookkeeping once Telegram took it (where
 * Pay buttons went, db/pay-messages.ts).
 */
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Clock } from '../core/kernel/index.js';
import type { DB } from '../db/connection.js';
import type { OutboxHead } from '../db/outbox.js';
import { forgetPayMessage, recordPayMessage } from '../db/pay-messages.js';
import { classifySendError } from './throttle.js';

/** What the dispatcher needs from the Bot API: grammY's `Api` satisfies it. */
export interface MessageSender {
  sendMessage(chatId: number, text: string, other?: Record<string, unknown>, signal?: SendSignal): Promise<unknown>;
  /** For edits of messages sent earlier (a paid payment's Pay button); without it they are skipped. */
  editMessageReplyMarkup?(
    chatId: number,
    messageId: number,
    other?: Record<string, unknown>,
    signal?: SendSignal,
  ): Promise<unknown>;
}
/** grammY types its abort signal with the abort-controller shim; a native signal works at run time. */
export type SendSignal = Parameters<Api['sendMessage']>[3];

/** An outbox row as a Telegram message (HTML). */
export interface RenderedMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  /** The payments whose Pay buttons it carries: where it went is recorded (db/pay-messages.ts). */
  payments?: number[];
}

/** An outbox edit row as the edit of a message sent earlier: its new keyboard. */
export interface RenderedEdit {
  message_id: number;
  reply_markup: InlineKeyboardMarkup;
  /** The payments whose Pay buttons the message still carries afterwards. */
  payments: number[];
}

/**
 * How outbox rows become Telegram messages. That is the bot's presentation (bot/notice-renderer.ts);
 * the composition root hands it in, so jobs/ never imports bot/.
 */
export interface NoticeRenderer {
  /** What a batch's messages need to know at send time (a payment's current checkout link), in one query. */
  facts(rows: readonly OutboxHead[]): Promise<unknown>;
  /** Throws when the row can never be rendered (unknown kind, broken payload): the row fails with the error's message. */
  render(row: OutboxHead, facts: unknown): RenderedMessage;
  /** An edit row (kind `edit.…`); null when the message needs no change any more. */
  edit?(row: OutboxHead, facts: unknown): RenderedEdit | null;
}

/** What the row becomes: a message, an edit, or nothing left to do (an edit no longer needed). */
export type Work = { send: RenderedMessage } | { edit: RenderedEdit } | { nothing: true };

/** What follows a call Telegram took (`done`), or refused for good in a way that ends the row all the same (`settled`). */
export interface Aftercare {
  done(result: unknown): Promise<void>;
  settled?(err: unknown): Promise<void> | undefined;
}

export type Call = (signal: SendSignal) => Promise<unknown>;

export function createCalls({ db, api, clock, notices }: { db: DB; api: MessageSender; clock: Clock; notices: NoticeRenderer }) {
  function prepare(row: OutboxHead, facts: unknown): Work {
    if (!row.kind.startsWith('edit.')) return { send: notices.render(row, facts) };
    const edit = api.editMessageReplyMarkup ? (notices.edit?.(row, facts) ?? null) : null;
    return edit ? { edit } : { nothing: true };
  }

  function sendCall(row: OutboxHead, message: RenderedMessage): [Call, Aftercare] {
    const call = (signal: SendSignal) =>
      api.sendMessage(
        row.chat_id,
        message.text,
        {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        },
        signal,
      );
    const done = async (result: unknown) => {
      const messageId = (result as { message_id?: unknown } | null)?.message_id;
      if (!message.payments?.length || typeof messageId !== 'number') return;
      await recordPayMessage(
        db,
        { chatId: row.chat_id, messageId, paymentIds: message.payments, markup: JSON.stringify(message.reply_markup ?? {}) },
        clock.now(),
      );
    };
    return [call, { done }];
  }

  function editCall(row: OutboxHead, edit: RenderedEdit): [Call, Aftercare] {
    const call = (signal: SendSignal) =>
      api.editMessageReplyMarkup!(row.chat_id, edit.message_id, { reply_markup: edit.reply_markup }, signal);
    const done = () =>
      recordPayMessage(
        db,
        { chatId: row.chat_id, messageId: edit.message_id, paymentIds: edit.payments, markup: JSON.stringify(edit.reply_markup) },
        clock.now(),
      );
    // 400/403: the message is gone, can no longer be edited, or already shows this keyboard —
    // nothing to retry and nothing wrong; the row is done.
    const settled = (err: unknown) =>
      classifySendError(err).kind === 'permanent' ? forgetPayMessage(db, row.chat_id, edit.message_id) : undefined;
    return [call, { done, settled }];
  }

  return { prepare, sendCall, editCall };
}
