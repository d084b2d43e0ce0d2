// A loan's card in the staff console: its reader, book, dates and payments, with Return and Refund
// (each after a question) and Remind.
import { InlineKeyboard } from 'grammy';
import { daysBetween } from '../../../core/kernel/index.js';
import { paymentKind } from '../../../core/payments/index.js';
import type { LoanCard } from '../../../core/reports/index.js';
import { html } from '../../../i18n/index.js';
import type { BotContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { staffActor } from './access.js';
import { go, homeButton, type Screen, withNotice } from './console-kit.js';
import { readerTag } from './staff-text.js';

export function createLoanCard(deps: BotDeps) {
  const { core, reports } = deps;

  function paymentLine(ctx: BotContext, p: LoanCard['payments'][number]): string {
    const status =
      p.status === 'PAID'
        ? ctx.t('console-payment-paid', { date: (p.paid_at ?? '').slice(0, 10) })
        : p.status === 'REFUNDED'
          ? ctx.t('console-payment-refunded', { date: (p.refunded_at ?? '').slice(0, 10) })
          : ctx.t(p.status === 'EXPIRED' ? 'payment-status-expired-staff' : 'payment-status-pending');
    return ctx.t('console-payment-line', { id: String(p.id), type: paymentKind(p), amount: p.amount, status: html(status) });
  }

  async function loan(ctx: BotContext, borrowingId: number, notice?: string): Promise<Screen> {
    const card = await reports.loanCard(staffActor(ctx), borrowingId);
    const today = reports.today();
    const late = daysBetween(card.expected_return_date, today);
    const dates = card.actual_return_date
      ? ctx.t('console-loan-dates-returned', {
          borrowed: card.borrow_date,
          due: card.expected_return_date,
          returned: card.actual_return_date,
        })
      : late > 0
        ? ctx.t('console-loan-dates-late', { borrowed: card.borrow_date, due: card.expected_return_date, days: late })
        : ctx.t('console-loan-dates', { borrowed: card.borrow_date, due: card.expected_return_date });
    const lines = [
      ctx.t('console-loan-title', { id: String(card.borrowing_id) }),
      ctx.t('console-loan-book', { title: card.book.title, author: card.book.author, id: String(card.book.id) }),
      ctx.t('console-loan-reader', { reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id) }) +
        (card.reader.email ? ` · ${ctx.t('console-loan-email', { email: card.reader.email })}` : ''),
      dates,
      card.payments.length ? ctx.t('console-loan-payments') : ctx.t('console-loan-no-payments'),
      ...card.payments.map((p) => paymentLine(ctx, p)),
    ];
    const keyboard = new InlineKeyboard();
    if (!card.actual_return_date) {
      keyboard.text(ctx.tPlain('console-return'), go({ screen: 'return', borrowingId, confirmed: false }));
      if (card.reader.telegram_linked) keyboard.text(ctx.tPlain('console-remind'), go({ screen: 'remind', borrowingId }));
      keyboard.row();
    }
    for (const p of card.payments.filter((x) => x.status === 'PAID')) {
      keyboard
        .text(
          ctx.tPlain('console-refund', { id: String(p.id), amount: p.amount }),
          go({ screen: 'refund', paymentId: p.id, confirmed: false }),
        )
        .row();
    }
    keyboard
      .text(ctx.tPlain('console-open-book'), go({ screen: 'book', bookId: card.book.id }))
      .text(ctx.tPlain('console-open-reader'), go({ screen: 'readerLoans', userId: card.reader.id }))
      .row()
      .add(homeButton(ctx));
    return { text: withNotice(notice, lines.join('\n')), keyboard };
  }

  async function confirmReturn(ctx: BotContext, borrowingId: number): Promise<Screen> {
    const card = await reports.loanCard(staffActor(ctx), borrowingId);
    if (card.actual_return_date) return loan(ctx, borrowingId, ctx.t('error-already-returned'));
    const late = daysBetween(card.expected_return_date, reports.today());
    const text = [
      ctx.t('console-return-question', {
        title: card.book.title,
        id: String(borrowingId),
        reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id),
      }),
      late > 0
        ? ctx.t('console-return-late', { days: late, fine: card.fine_if_returned_today ?? '' })
        : ctx.t('console-return-on-time'),
    ].join('\n');
    const keyboard = new InlineKeyboard()
      .text(ctx.tPlain('console-return-yes'), go({ screen: 'return', borrowingId, confirmed: true }))
      .text(ctx.tPlain('menu-back'), go({ screen: 'loan', borrowingId }));
    return { text, keyboard };
  }

  async function doReturn(ctx: BotContext, borrowingId: number): Promise<Screen> {
    // This card, edited in the staff chat, is the staff's message about the return: no notice repeats it there.
    const done = await attempt(() => core.borrowings.returnBook(staffActor(ctx), borrowingId, { staffSeesIt: true }));
    if (!done.ok) return loan(ctx, borrowingId, domainErrorText(ctx.lang, done));
    const { borrowing, fine } = done.value;
    const notice =
      ctx.t('admin-returned', {
        id: String(borrowing.id),
        title: borrowing.book.title,
        date: borrowing.actual_return_date ?? '',
      }) + (fine ? `\n${ctx.t('admin-returned-fine', { amount: fine.money_to_pay, payment: String(fine.id) })}` : '');
    return loan(ctx, borrowingId, notice);
  }

  /** The question before a refund; typed (from /admin refund), its answers are Yes and No. */
  async function confirmRefund(ctx: BotContext, paymentId: number, typed = false): Promise<Screen> {
    const payment = await core.payments.get(staffActor(ctx), paymentId);
    const card = await reports.loanCard(staffActor(ctx), payment.borrowing_id);
    if (payment.status !== 'PAID')
      return loan(
        ctx,
        payment.borrowing_id,
        domainErrorText(ctx.lang, { code: 'PAYMENT_NOT_REFUNDABLE', message: payment.status }),
      );
    const text = ctx.t('console-refund-question', {
      id: String(paymentId),
      type: paymentKind(payment),
      amount: payment.money_to_pay,
      title: card.book.title,
      reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id),
    });
    const keyboard = new InlineKeyboard()
      .text(
        ctx.tPlain(typed ? 'console-refund-typed-yes' : 'console-refund-yes', { amount: payment.money_to_pay }),
        go({ screen: 'refund', paymentId, confirmed: true }),
      )
      .text(ctx.tPlain(typed ? 'console-refund-no' : 'menu-back'), go({ screen: 'loan', borrowingId: payment.borrowing_id }));
    return { text, keyboard };
  }

  /**
   * `/admin refund N`: the same question as the Refund button, as a new message; nothing is
   * refunded until Yes is pressed (a typed number is easily the wrong one).
   */
  async function askRefund(ctx: BotContext, paymentId: number): Promise<void> {
    const payment = await core.payments.get(staffActor(ctx), paymentId);
    if (payment.status !== 'PAID') {
      await ctx.reply(domainErrorText(ctx.lang, { code: 'PAYMENT_NOT_REFUNDABLE', message: payment.status }));
      return;
    }
    const s = await confirmRefund(ctx, paymentId, true);
    await ctx.reply(s.text, { reply_markup: s.keyboard });
  }

  async function doRefund(ctx: BotContext, paymentId: number): Promise<Screen> {
    const before = await core.payments.get(staffActor(ctx), paymentId);
    const done = await attempt(() => core.payments.refund(staffActor(ctx), paymentId));
    if (!done.ok) return loan(ctx, before.borrowing_id, domainErrorText(ctx.lang, done));
    return loan(ctx, before.borrowing_id, ctx.t('admin-refunded', { id: String(paymentId), amount: done.value.money_to_pay }));
  }

  return { loan, confirmReturn, doReturn, confirmRefund, askRefund, doRefund };
}
