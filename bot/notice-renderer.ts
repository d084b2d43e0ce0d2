// Turns an outbox row (kind + payload facts + language) into a Telegram message: the bot's
// presentation of a notice, handed to the outbox dispatcher (jobs/) by the composition root.
// Rendering happens at delivery time, so a Pay button points at the payment's *current*
// checkout link.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { formatCents, nameWithUsername } from '../core/kernel/index.js';
import { html, t, tPlain } from '../i18n/index.js';
import { consoleCallback, extendCallback, holdBorrowCallback, screenCallback } from './callbacks.js';
import { loadRenderFacts, type RenderableRow, type RenderFacts, type RenderSources } from './notice-facts.js';
import {
  asStored,
  type EditKind,
  idOf,
  int,
  kindOf,
  type MessageKind,
  type Payload,
  parsePayload,
  RenderError,
  readerLabel,
  type Stored,
  type StoredPayload,
  str,
} from './notice-payload.js';
import { payButton, payButtonsIn, unpaidLineKey, withoutPayButtons } from './pay.js';
import { createStaffNotices } from './staff-notices.js';
import { truncate } from './text.js';

export {
  loadRenderFacts,
  type PaymentFact,
  paymentIdsOf,
  type RenderableRow,
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

/** How a kind of message is worded, from its payload as stored. */
type Renderer<K extends MessageKind> = (p: StoredPayload<K>, lang: string, facts: RenderFacts) => RenderedMessage;
/** How a kind of edit changes the message it names in its chat. */
type Editor<K extends EditKind> = (p: StoredPayload<K>, chatId: number | undefined, facts: RenderFacts) => RenderedEdit | null;

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
  function openCard(lang: string, p: Stored<{ borrowing_id: number }>): InlineKeyboardMarkup | undefined {
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

  /**
   * Every kind of message and how it is worded: a kind added to core/notices/payloads.ts does not
   * compile until it has its renderer here (and tests/bot/notice-kinds.nodb.test.ts its wording
   * in every language).
   */
  const renderers: { [K in MessageKind]: Renderer<K> } = {
    'staff.borrowing_created': (p, lang) =>
      withMarkup(
        t(lang, 'notify-staff-borrowing-created', {
          borrowingId: str(p, 'borrowing_id'),
          reader: readerLabel(p),
          book: str(p, 'book_title'),
          dueDate: str(p, 'expected_return_date'),
          rent: str(p, 'rent'),
        }),
        openCard(lang, p),
      ),
    'staff.borrowing_extended': (p, lang) =>
      withMarkup(
        t(lang, 'notify-staff-borrowing-extended', {
          borrowingId: str(p, 'borrowing_id'),
          reader: readerLabel(p),
          book: str(p, 'book_title'),
          dueDate: str(p, 'expected_return_date'),
          previousDate: str(p, 'previous_return_date'),
          rent: str(p, 'rent'),
        }),
        openCard(lang, p),
      ),
    'staff.borrowing_returned': (p, lang) => {
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
    },
    'staff.payment_received': (p, lang) =>
      withMarkup(
        t(lang, 'notify-staff-payment-received', {
          amount: str(p, 'amount'),
          type: kindOf(p),
          reader: readerLabel(p),
          book: str(p, 'book_title'),
        }),
        openCard(lang, p),
      ),
    'staff.overdue_report': (p, lang) => overdueReport(lang, p),
    'staff.digest': (p, lang) => digest(lang, p),
    'reader.borrowing_confirmed': (p, lang, facts) => {
      const paymentId = idOf(p, 'payment_id');
      const text =
        t(lang, 'notify-reader-borrowing-confirmed', {
          book: str(p, 'book_title'),
          author: str(p, 'book_author'),
          dueDate: str(p, 'expected_return_date'),
          rent: str(p, 'rent'),
        }) + alreadyPaidNote(lang, paymentId, facts);
      return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'rent'), facts)));
    },
    'reader.borrowing_extended': (p, lang, facts) => {
      const paymentId = idOf(p, 'payment_id');
      const text =
        t(lang, 'notify-reader-borrowing-extended', {
          book: str(p, 'book_title'),
          dueDate: str(p, 'expected_return_date'),
          previousDate: str(p, 'previous_return_date'),
          rent: str(p, 'rent'),
        }) + alreadyPaidNote(lang, paymentId, facts);
      return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'rent'), facts), [myBooksButton(lang)]));
    },
    'reader.payment_received': (p, lang, facts) => {
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
    },
    'reader.returned_by_staff': (p, lang, facts) => {
      const paymentId = idOf(p, 'fine_payment_id');
      const days = int(p, 'overdue_days');
      let text = t(lang, 'notify-reader-returned-by-staff', { book: str(p, 'book_title'), date: str(p, 'actual_return_date') });
      if (paymentId !== null)
        text += `\n${t(lang, 'notify-reader-returned-late', { days, fine: str(p, 'fine') })}${alreadyPaidNote(lang, paymentId, facts)}`;
      return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'fine'), facts), [myBooksButton(lang)]));
    },
    'reader.payment_refunded': (p, lang) => ({
      text: t(lang, 'notify-reader-payment-refunded', {
        amount: str(p, 'amount'),
        type: kindOf(p),
        book: str(p, 'book_title'),
      }),
    }),
    'reader.payment_expired': (p, lang, facts) => {
      const paymentId = idOf(p, 'payment_id');
      // Paid before this was sent: it says so, and offers no Pay button.
      const text =
        t(lang, 'notify-reader-payment-expired', { amount: str(p, 'amount'), type: kindOf(p), book: str(p, 'book_title') }) +
        alreadyPaidNote(lang, paymentId, facts);
      return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'amount'), facts)));
    },
    'reader.due_soon': (p, lang) => {
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
    },
    'reader.overdue': (p, lang) => ({
      text: t(lang, 'notify-reader-overdue', {
        book: str(p, 'book_title'),
        dueDate: str(p, 'expected_return_date'),
        days: int(p, 'overdue_days'),
        finePerDay: formatCents(int(p, 'fine_per_day_cents')),
        fineSoFar: formatCents(int(p, 'fine_so_far_cents')),
      }),
    }),
    'reader.fine_created': (p, lang, facts) => {
      const paymentId = idOf(p, 'fine_payment_id');
      const text =
        t(lang, 'notify-reader-fine-created', {
          book: str(p, 'book_title'),
          days: int(p, 'overdue_days'),
          fine: str(p, 'fine'),
        }) + alreadyPaidNote(lang, paymentId, facts);
      return withMarkup(text, payKeyboard(payButtonRow(lang, paymentId, str(p, 'fine'), facts)));
    },
    'reader.hold_ready': (p, lang) => {
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
    },
    'reader.hold_expired': (p, lang) => {
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
    },
    'reader.telegram_replaced': (p, lang) => ({
      text: t(lang, 'notify-reader-telegram-replaced', {
        email: str(p, 'email'),
        name: nameWithUsername(str(p, 'telegram_first_name', 'Telegram'), str(p, 'telegram_username') || null),
      }),
    }),
    'reader.telegram_unlinked': (p, lang) => ({ text: t(lang, 'notify-reader-telegram-unlinked', { email: str(p, 'email') }) }),
  };

  /** Renders a message of this kind: its row's payload handed over as the kind's. */
  function renderKind<K extends MessageKind>(kind: K, p: Payload, lang: string, facts: RenderFacts): RenderedMessage {
    const renderer: Renderer<K> = renderers[kind];
    return renderer(asStored(kind, p), lang, facts);
  }

  const isMessageKind = (kind: string): kind is MessageKind => Object.hasOwn(renderers, kind);

  function render(row: RenderableRow, facts: RenderFacts = {}): RenderedMessage {
    const p = parsePayload(row.payload);
    if (!isMessageKind(row.kind)) throw new RenderError(`unknown notification kind "${row.kind}"`);
    return renderKind(row.kind, p, row.language || 'en', facts);
  }

  /**
   * Every kind of edit: an `edit.pay_button` row is the message's keyboard as the chat shows it
   * (db/pay-messages.ts) without the Pay buttons of its payments paid since; null when there is
   * nothing to change (the message was edited or deleted meanwhile, or shows no such button).
   */
  const editors: { [K in EditKind]: Editor<K> } = {
    'edit.pay_button': (p, chatId, facts) => {
      const messageId = idOf(p, 'message_id');
      const shown = messageId === null ? undefined : facts.payMessages?.get(`${chatId}:${messageId}`);
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
    },
  };

  function editKind<K extends EditKind>(
    kind: K,
    p: Payload,
    chatId: number | undefined,
    facts: RenderFacts,
  ): RenderedEdit | null {
    const editor: Editor<K> = editors[kind];
    return editor(asStored(kind, p), chatId, facts);
  }

  const isEditKind = (kind: string): kind is EditKind => Object.hasOwn(editors, kind);

  /** An edit row (kind `edit.…`) as the edit of the message it names. */
  function edit(row: RenderableRow, facts: RenderFacts = {}): RenderedEdit | null {
    const p = parsePayload(row.payload);
    if (!isEditKind(row.kind)) throw new RenderError(`unknown edit kind "${row.kind}"`);
    return editKind(row.kind, p, row.chat_id, facts);
  }

  return { render, edit };
}

function withMarkup(text: string, markup: InlineKeyboardMarkup | undefined): RenderedMessage {
  return markup ? { text, reply_markup: markup } : { text };
}
