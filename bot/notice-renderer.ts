// Turns an outbox row (kind + payload facts + language) into a Telegram message: the bot's
// presentation of a notice, handed to the outbox dispatcher (jobs/) by the composition root.
// Rendering happens at delivery time, so a Pay button points at the payment's *current*
// checkout link.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { formatCents, nameWithUsername } from '../core/kernel/index.js';
import { html, t, tPlain } from '../i18n/index.js';
import { consoleCallback, extendCallback, holdBorrowCallback, screenCallback } from './callbacks.js';
import { loadRenderFacts, type RenderFacts, type RenderSources } from './notice-facts.js';
import { idOf, int, kindOf, type Payload, parsePayload, RenderError, readerLabel, str } from './notice-payload.js';
import { payButton, payButtonsIn, unpaidLineKey, withoutPayButtons } from './pay.js';
import { createStaffNotices } from './staff-notices.js';
import { truncate } from './text.js';

export {
  loadRenderFacts,
  type PaymentFact,
  paymentIdsOf,
  type RenderFacts,
  type RenderSources,
  type StillUnpaid,
} from './notice-facts.js';
export { RenderError } from './notice-payload.js';

export interface RenderedMessage {
  /** Telegram HTML: every value from the payload escaped once, by t(). */
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  /** The payments whose Pay buttons it carries (the dispatcher records where it sent them). */
  payments?: number[];
}

/** An edit of a message sent earlier: its keyboard without the Pay buttons of payments now paid. */
export interface RenderedEdit {
  message_id: number;
  reply_markup: InlineKeyboardMarkup;
  /** The payments whose Pay buttons it still carries. */
  payments: number[];
}

/** The columns of an outbox row the renderer reads (payload as stored: JSON text, or parsed). */
export interface RenderableRow {
  /** The chat it goes to (an edit names a message of that chat). */
  chat_id?: number;
  kind: string;
  payload: string | Record<string, unknown>;
  language: string;
}

/**
 * What the dispatcher is given (its NoticeRenderer): the facts of a batch, then each message.
 * With `links` Pay buttons are pay links, as everywhere in the bot.
 */
export function createNoticeRenderer(sources: RenderSources) {
  const { render, edit } = createRenderer();
  return {
    facts: (rows: readonly RenderableRow[]) => loadRenderFacts(sources, rows),
    render(row: RenderableRow, facts?: RenderFacts): RenderedMessage {
      const m = render(row, facts);
      const payments = payButtonsIn(m.reply_markup);
      return payments.length ? { ...m, payments } : m;
    },
    edit,
  };
}

export function createRenderer() {
  /** The Pay button as everywhere in the bot (bot/pay.ts): the pay link, or a `pay:<id>` button without links. */
  function payButtonRow(
    lang: string,
    paymentId: number | null,
    amount: string,
    facts: RenderFacts,
    label?: string,
  ): InlineKeyboardButton[] | undefined {
    if (paymentId === null) return undefined;
    const payment = facts.payments?.get(paymentId);
    if (payment && (payment.status === 'PAID' || payment.status === 'REFUNDED')) return undefined;
    const link = facts.links?.get(paymentId);
    return [payButton(label ?? tPlain(lang, 'notify-pay-button', { amount }), link ? { url: link } : { paymentId })];
  }
  /** The staff console's card of the loan a staff notification is about, as a new message (bot/features/admin/console.ts). */
  function openCard(lang: string, p: Payload): InlineKeyboardMarkup | undefined {
    const borrowingId = idOf(p, 'borrowing_id');
    return borrowingId === null
      ? undefined
      : {
          inline_keyboard: [
            [
              {
                text: tPlain(lang, 'notify-staff-open-button'),
                callback_data: consoleCallback.data({ screen: 'loan', borrowingId, fresh: true }),
              },
            ],
          ],
        };
  }
  /** Opens My books in this very message (bot/features/main.ts answers `go:y`). */
  const myBooksButton = (lang: string): InlineKeyboardButton => ({
    text: tPlain(lang, 'menu-my-books'),
    callback_data: screenCallback.data({ screen: 'y' }),
  });
  const payKeyboard = (...rows: (InlineKeyboardButton[] | undefined)[]): InlineKeyboardMarkup | undefined => {
    const kept = rows.filter((r): r is InlineKeyboardButton[] => r !== undefined);
    return kept.length ? { inline_keyboard: kept } : undefined;
  };

  function alreadyPaidNote(lang: string, paymentId: number | null, facts: RenderFacts): string {
    const status = paymentId === null ? undefined : facts.payments?.get(paymentId)?.status;
    return status === 'PAID' || status === 'REFUNDED' ? `\n${t(lang, 'notify-reader-already-paid')}` : '';
  }

  const { overdueReport, digest } = createStaffNotices();

  function render(row: RenderableRow, facts: RenderFacts = {}): RenderedMessage {
    const p = parsePayload(row.payload);
    const lang = row.language || 'en';
    switch (row.kind) {
      case 'staff.borrowing_created':
        return withMarkup(
          t(lang, 'notify-staff-borrowing-created', {
            borrowingId: str(p, 'borrowing_id'),
            reader: readerLabel(p),
            book: str(p, 'book_title'),
            dueDate: str(p, 'expected_return_date'),
            rent: str(p, 'rent'),
          }),
          openCard(lang, p),
        );
      case 'staff.borrowing_extended':
        return withMarkup(
          t(lang, 'notify-staff-borrowing-extended', {
            borrowingId: str(p, 'borrowing_id'),
            reader: readerLabel(p),
            book: str(p, 'book_title'),
            dueDate: str(p, 'expected_return_date'),
            previousDate: str(p, 'previous_return_date'),
            rent: str(p, 'rent'),
          }),
          openCard(lang, p),
        );
      case 'staff.borrowing_returned': {
        let text = t(lang, 'notify-staff-borrowing-returned', {
          borrowingId: str(p, 'borrowing_id'),
          reader: readerLabel(p),
          book: str(p, 'book_title'),
          dueDate: str(p, 'expected_return_date'),
          returnDate: str(p, 'actual_return_date'),
        });
        if (int(p, 'overdue_days') > 0) {
          text += `\n${t(lang, 'notify-staff-borrowing-returned-late', { days: int(p, 'overdue_days'), fine: str(p, 'fine', '0.00') })}`;
        }
        return { text };
      }
      case 'staff.payment_received':
        return withMarkup(
          t(lang, 'notify-staff-payment-received', {
            amount: str(p, 'amount'),
            type: kindOf(p),
            reader: readerLabel(p),
            book: str(p, 'book_title'),
          }),
          openCard(lang, p),
        );
      case 'staff.overdue_report':
        return overdueReport(lang, p);
      case 'staff.digest':
        return digest(lang, p);
      case 'reader.borrowing_confirmed': {
        const paymentId = idOf(p, 'payment_id');
        const text =
          t(lang, 'notify-reader-borrowing-confirmed', {
            book: str(p, 'book_title'),
            author: str(p, 'book_author'),
            dueDate: str(p, 'expected_return_date'),
            rent: str(p, 'rent'),
          }) + alreadyPaidNote(lang, paymentId, facts);
        return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'rent'), facts)));
      }
      case 'reader.borrowing_extended': {
        const paymentId = idOf(p, 'payment_id');
        const text =
          t(lang, 'notify-reader-borrowing-extended', {
            book: str(p, 'book_title'),
            dueDate: str(p, 'expected_return_date'),
            previousDate: str(p, 'previous_return_date'),
            rent: str(p, 'rent'),
          }) + alreadyPaidNote(lang, paymentId, facts);
        return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'rent'), facts), [myBooksButton(lang)]));
      }
      case 'reader.payment_received': {
        // Rendered when sent, with what the reader owes then: the chat's newest message is the
        // fresh state (My books as it is now), so no Refresh is needed after paying.
        const thanks = t(lang, 'notify-reader-payment-received', {
          amount: str(p, 'amount'),
          type: kindOf(p),
          book: str(p, 'book_title'),
        });
        const paidId = idOf(p, 'payment_id');
        const owed = paidId === null ? undefined : facts.stillUnpaid?.get(paidId);
        if (!facts.stillUnpaid) return { text: thanks };
        const lines = owed?.length
          ? [
              t(lang, 'notify-reader-still-to-pay'),
              ...owed.map((u) =>
                t(lang, unpaidLineKey(u), { amount: u.amount, title: u.title, status: html(t(lang, 'payment-status-pending')) }),
              ),
            ]
          : [t(lang, 'notify-reader-nothing-to-pay')];
        const rows = (owed ?? []).map((u) =>
          payButtonRow(
            lang,
            u.id,
            u.amount,
            facts,
            tPlain(lang, 'mybooks-pay-button', { amount: u.amount, title: truncate(u.title, 32) }),
          ),
        );
        return withMarkup(`${thanks}\n${lines.join('\n')}`, payKeyboard(...rows, [myBooksButton(lang)]));
      }
      case 'reader.returned_by_staff': {
        const paymentId = idOf(p, 'fine_payment_id');
        const days = int(p, 'overdue_days');
        let text = t(lang, 'notify-reader-returned-by-staff', { book: str(p, 'book_title'), date: str(p, 'actual_return_date') });
        if (paymentId !== null)
          text += `\n${t(lang, 'notify-reader-returned-late', { days, fine: str(p, 'fine') })}${alreadyPaidNote(lang, paymentId, facts)}`;
        return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'fine'), facts), [myBooksButton(lang)]));
      }
      case 'reader.payment_refunded':
        return {
          text: t(lang, 'notify-reader-payment-refunded', {
            amount: str(p, 'amount'),
            type: kindOf(p),
            book: str(p, 'book_title'),
          }),
        };
      case 'reader.payment_expired': {
        const paymentId = idOf(p, 'payment_id');
        // Paid before this was sent: it says so, and offers no Pay button.
        const text =
          t(lang, 'notify-reader-payment-expired', { amount: str(p, 'amount'), type: kindOf(p), book: str(p, 'book_title') }) +
          alreadyPaidNote(lang, paymentId, facts);
        return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'amount'), facts)));
      }
      case 'reader.due_soon': {
        let text = t(lang, 'notify-reader-due-soon', {
          book: str(p, 'book_title'),
          dueDate: str(p, 'expected_return_date'),
          days: int(p, 'days_left'),
        });
        // Readers queueing for the book: the loan cannot be extended, and they wait for this copy.
        if (int(p, 'holds_waiting') > 0) {
          text += `\n${t(lang, 'notify-reader-due-soon-waiting', { readers: int(p, 'holds_waiting') })}`;
          return { text };
        }
        // Nobody waiting when it was queued: Extend (the conversation asks core again, and says
        // why not if the answer changed).
        const borrowingId = idOf(p, 'borrowing_id');
        return withMarkup(
          text,
          borrowingId === null
            ? undefined
            : {
                inline_keyboard: [
                  [{ text: tPlain(lang, 'notify-extend-button'), callback_data: extendCallback.data(borrowingId) }],
                ],
              },
        );
      }
      case 'reader.overdue':
        return {
          text: t(lang, 'notify-reader-overdue', {
            book: str(p, 'book_title'),
            dueDate: str(p, 'expected_return_date'),
            days: int(p, 'overdue_days'),
            finePerDay: formatCents(int(p, 'fine_per_day_cents')),
            fineSoFar: formatCents(int(p, 'fine_so_far_cents')),
          }),
        };
      case 'reader.fine_created': {
        const paymentId = idOf(p, 'fine_payment_id');
        const text =
          t(lang, 'notify-reader-fine-created', {
            book: str(p, 'book_title'),
            days: int(p, 'overdue_days'),
            fine: str(p, 'fine'),
          }) + alreadyPaidNote(lang, paymentId, facts);
        return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'fine'), facts)));
      }
      case 'reader.hold_ready': {
        const text = t(lang, 'notify-reader-hold-ready', {
          book: str(p, 'book_title'),
          author: str(p, 'book_author'),
          until: str(p, 'ready_until_local', str(p, 'ready_until')),
        });
        const bookId = idOf(p, 'book_id');
        return withMarkup(
          text,
          bookId === null
            ? undefined
            : {
                inline_keyboard: [
                  [{ text: tPlain(lang, 'notify-hold-borrow-button'), callback_data: holdBorrowCallback.data(bookId) }],
                ],
              },
        );
      }
      case 'reader.hold_expired': {
        // The book's card in this message (bot/features/main.ts answers `go:b:<id>`): the queue, joined again in one press.
        const bookId = idOf(p, 'book_id');
        return withMarkup(
          t(lang, 'notify-reader-hold-expired', { book: str(p, 'book_title'), author: str(p, 'book_author') }),
          bookId === null
            ? undefined
            : {
                inline_keyboard: [
                  [
                    {
                      text: tPlain(lang, 'notify-hold-open-book-button'),
                      callback_data: screenCallback.data({ screen: 'b', bookId }),
                    },
                  ],
                ],
              },
        );
      }
      case 'reader.telegram_replaced':
        return {
          text: t(lang, 'notify-reader-telegram-replaced', {
            email: str(p, 'email'),
            name: nameWithUsername(str(p, 'telegram_first_name', 'Telegram'), str(p, 'telegram_username') || null),
          }),
        };
      case 'reader.telegram_unlinked':
        return { text: t(lang, 'notify-reader-telegram-unlinked', { email: str(p, 'email') }) };
      default:
        throw new RenderError(`unknown notification kind "${row.kind}"`);
    }
  }

  /**
   * An `edit.pay_button` row: the message's keyboard as the chat shows it (db/pay-messages.ts)
   * without the Pay buttons of its payments paid since; null when there is nothing to change (the
   * message was edited or deleted meanwhile, or shows no such button).
   */
  function edit(row: RenderableRow, facts: RenderFacts = {}): RenderedEdit | null {
    const p = parsePayload(row.payload);
    const messageId = idOf(p, 'message_id');
    const shown = messageId === null ? undefined : facts.payMessages?.get(`${row.chat_id}:${messageId}`);
    if (!shown) return null;
    const settled = new Set(shown.payments.filter((x) => x.status === 'PAID' || x.status === 'REFUNDED').map((x) => x.id));
    const paid = idOf(p, 'payment_id');
    if (paid !== null) settled.add(paid);
    let markup: InlineKeyboardMarkup;
    try {
      markup = JSON.parse(shown.markup) as InlineKeyboardMarkup;
    } catch {
      return null;
    }
    const kept = withoutPayButtons(markup, settled);
    if (kept.inline_keyboard.flat().length === markup.inline_keyboard.flat().length) return null;
    return {
      message_id: messageId!,
      reply_markup: kept,
      payments: shown.payments.map((x) => x.id).filter((id) => !settled.has(id)),
    };
  }

  return { render, edit };
}

function withMarkup(text: string, markup: InlineKeyboardMarkup | undefined): RenderedMessage {
  return markup ? { text, reply_markup: markup } : { text };
}
