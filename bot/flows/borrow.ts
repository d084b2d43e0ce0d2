// The borrow conversation (conversations v2): loan length → rent → confirm → borrowing + pay link.
// Started from a book's card, My holds and the "hold ready" notice (startBorrow).
// The builder is replayed on every update, so every DB read/write or clock read happens inside
// conversation.external(), and core errors come back as values (replay-safe), never as throws.
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { Core } from '../../core/index.js';
import { paymentKind } from '../../core/payments/index.js';
import type { UnpaidPayment } from '../../core/reports/index.js';
import { type TVars, tPlain, t as translate } from '../../i18n/index.js';
import { borrowCallback, screenCallback } from '../callbacks.js';
import type { BotContext, BotConversation, ConvContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText } from '../errors.js';
import { payButton, payTarget } from '../pay.js';
import { nextPress } from '../presses.js';
import { normalizeLanguage, readerActor } from '../reader.js';
import { truncate } from '../text.js';

export const BORROW_CONVERSATION = 'borrow';

/** Loan lengths offered as buttons, all within MAX_LOAN_DAYS. */
export function loanOptions(maxLoanDays: number): number[] {
  const preset = [3, 7, 14, 30].filter((d) => d <= maxLoanDays);
  if (!preset.includes(maxLoanDays) && maxLoanDays > (preset[preset.length - 1] ?? 0)) preset.push(maxLoanDays);
  if (preset.length === 0) for (let d = 1; d <= maxLoanDays; d++) preset.push(d);
  return preset;
}

/**
 * Why the reader cannot borrow now: the unpaid payment named (which book, how much) with its Pay
 * button, so they can settle it at once, and the way back to the book.
 */
export async function unpaidScreen(core: Core, lang: string, unpaid: UnpaidPayment[], bookId: number) {
  const first = unpaid[0]!;
  const text = translate(lang, 'borrow-unpaid', {
    type: paymentKind(first),
    amount: first.amount,
    title: first.title,
    more: unpaid.length - 1,
  });
  const keyboard = new InlineKeyboard()
    .add(
      payButton(
        tPlain(lang, 'mybooks-pay-button', { amount: first.amount, title: truncate(first.title, 32) }),
        await payTarget(core, first.id),
      ),
    )
    .row()
    .text(tPlain(lang, 'borrow-back-to-book'), screenCallback.data({ screen: 'b', bookId }))
    .text(tPlain(lang, 'menu-my-books'), screenCallback.data({ screen: 'y' }));
  return { text, reply_markup: { inline_keyboard: keyboard.inline_keyboard } };
}

/**
 * Borrow pressed (a book's card, My holds, the "hold ready" notice): a reader who owes money
 * hears it first, before choosing days; otherwise the borrow conversation starts in this message.
 */
export async function startBorrow(deps: BotDeps, ctx: BotContext, bookId: number): Promise<unknown> {
  const unpaid = await deps.reports.unpaidPayments(readerActor(ctx));
  if (unpaid.length > 0) {
    const screen = await unpaidScreen(deps.core, ctx.lang, unpaid, bookId);
    return ctx.editMessageText(screen.text, { reply_markup: screen.reply_markup });
  }
  return ctx.conversation.enter(BORROW_CONVERSATION, bookId);
}

/** The borrow conversation, registered before anything that starts it (bot/index.ts). */
export function borrowFlow(deps: BotDeps): Composer<BotContext> {
  return new Composer<BotContext>(createConversation<BotContext, ConvContext>(borrowConversation(deps), BORROW_CONVERSATION));
}

function borrowConversation(deps: BotDeps) {
  const { core } = deps;
  const options = loanOptions(core.rules.maxLoanDays);

  return async function borrow(conversation: BotConversation, ctx: ConvContext, bookId: number) {
    const who = await conversation.external((o) => ({ userId: o.reader!.id, lang: normalizeLanguage(o.reader?.language) }));
    const t = (key: string, vars?: TVars) => translate(who.lang, key, vars);
    const label = (key: string, vars?: Record<string, string | number>) => tPlain(who.lang, key, vars);
    const actor = { userId: who.userId, isStaff: false };

    const book = await conversation.external(() => attempt(() => core.books.get(bookId)));
    if (!book.ok) {
      await ctx.editMessageText(domainErrorText(who.lang, book), {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text(label('menu-back'), screenCallback.data({ screen: 'c' })),
      });
      return;
    }
    const title = book.value.title;
    const backToBook = new InlineKeyboard()
      .text(label('borrow-back-to-book'), screenCallback.data({ screen: 'b', bookId }))
      .text(label('menu-my-books'), screenCallback.data({ screen: 'y' }));

    const daysKeyboard = new InlineKeyboard();
    options.forEach((d, i) => {
      daysKeyboard.text(label('borrow-days-button', { days: d }), borrowCallback.data({ days: d }));
      if (i % 4 === 3) daysKeyboard.row();
    });
    daysKeyboard.row().text(label('borrow-cancel'), borrowCallback.data({ answer: 'cancel' }));

    let current: ConvContext = ctx;
    for (;;) {
      await current.editMessageText(t('borrow-choose-days', { title, fee: book.value.daily_fee, max: core.rules.maxLoanDays }), {
        parse_mode: 'HTML',
        reply_markup: daysKeyboard,
      });
      const choice = await nextPress(conversation, borrowCallback);
      current = choice.press;
      // Cancel, or a button left from another step or an older offer.
      if (!('days' in choice.answer) || !options.includes(choice.answer.days)) return cancelled(current);
      const days = choice.answer.days;

      const quote = await conversation.external(() => attempt(() => core.borrowings.quote(bookId, days)));
      if (!quote.ok) {
        await current.editMessageText(domainErrorText(who.lang, quote), { parse_mode: 'HTML', reply_markup: backToBook });
        return;
      }
      const confirmKeyboard = new InlineKeyboard()
        .text(label('borrow-confirm'), borrowCallback.data({ answer: 'confirm' }))
        .row()
        .text(label('borrow-change'), borrowCallback.data({ answer: 'back' }))
        .text(label('borrow-cancel'), borrowCallback.data({ answer: 'cancel' }));
      await current.editMessageText(
        t('borrow-quote', { title, days, until: quote.value.expected_return_date, rent: quote.value.rent }),
        { parse_mode: 'HTML', reply_markup: confirmKeyboard },
      );
      const reply = await nextPress(conversation, borrowCallback);
      current = reply.press;
      const answer = 'answer' in reply.answer ? reply.answer.answer : 'cancel';
      if (answer === 'back') continue;
      if (answer !== 'confirm') return cancelled(current);

      // The loan runs `days` from today as of confirming (the quote may be from yesterday).
      const result = await conversation.external(() =>
        attempt(async () => {
          const q = await core.borrowings.quote(bookId, days);
          // This screen is the reader's message about the loan: no notice repeats it.
          const r = await core.borrowings.borrow(
            actor,
            { book_id: bookId, expected_return_date: q.expected_return_date },
            { readerSeesIt: true },
          );
          const payment = r.borrowing.payments[0];
          return {
            until: r.borrowing.expected_return_date,
            rent: payment?.money_to_pay ?? q.rent,
            opened: r.session_url !== null,
            pay: payment ? await payTarget(core, payment.id) : null,
          };
        }),
      );
      if (!result.ok) {
        // A payment left unpaid meanwhile (another door): named, with its Pay button.
        const unpaid =
          result.code === 'UNPAID'
            ? await conversation.external(async () => {
                const list = await deps.reports.unpaidPayments(actor);
                return list.length ? unpaidScreen(core, who.lang, list, bookId) : null;
              })
            : null;
        if (unpaid) await current.editMessageText(unpaid.text, { parse_mode: 'HTML', reply_markup: unpaid.reply_markup });
        else await current.editMessageText(domainErrorText(who.lang, result), { parse_mode: 'HTML', reply_markup: backToBook });
        return;
      }
      const { until, rent, opened, pay } = result.value;
      const done = new InlineKeyboard();
      if (pay) done.add(payButton(label('borrow-pay-button', { rent }), pay)).row();
      done
        .text(label('menu-my-books'), screenCallback.data({ screen: 'y' }))
        .text(label('menu-catalogue'), screenCallback.data({ screen: 'c' }));
      await current.editMessageText(
        `${t('borrow-done', { title, until, rent })}\n${t(opened ? 'borrow-pay-now' : 'borrow-pay-later')}`,
        { parse_mode: 'HTML', reply_markup: done },
      );
      return;
    }

    async function cancelled(c: ConvContext) {
      await c.editMessageText(t('borrow-cancelled', { title }), { parse_mode: 'HTML', reply_markup: backToBook });
    }
  };
}
