// Extending a loan (docs/rules.md#renewals), the reader's side: "Extend" on My books and on the due-soon
// reminder (bot/features/my-books.ts) starts a conversation — day buttons (after the current due date, at most
// MAX_LOAN_DAYS from today), the extra rent, confirm, then the pay link — or says plainly why the
// loan cannot be extended, before any step. The rules and the rent are core's
// (core.borrowings.extensionQuote / extend); like the borrow conversation, every read and write
// happens inside conversation.external() and core's refusals come back as values (replay-safe).
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import { addDays, daysBetween } from '../../core/kernel/index.js';
import type { ExtensionQuote } from '../../core/lending/index.js';
import { type TVars, tPlain, t as translate } from '../../i18n/index.js';
import { extendAnswerCallback, screenCallback } from '../callbacks.js';
import type { BotContext, BotConversation, ConvContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText, type Outcome } from '../errors.js';
import { payButton, payTarget } from '../pay.js';
import { nextPress } from '../presses.js';
import { normalizeLanguage } from '../reader.js';
import { truncate } from '../text.js';

export const EXTEND_CONVERSATION = 'extend';

/** Extra days offered as buttons, when they fit the window; the window's last day is always offered. */
const EXTRA_DAYS = [1, 3, 7, 14, 30];

/** The new due dates offered: after the current one, at most MAX_LOAN_DAYS from today, ascending. */
export function extensionDates(q: Pick<ExtensionQuote, 'expected_return_date' | 'min' | 'max'>): string[] {
  const dates = EXTRA_DAYS.map((n) => addDays(q.expected_return_date, n)).filter((d) => d >= q.min && d <= q.max);
  if (!dates.includes(q.max)) dates.push(q.max);
  return dates;
}

type Refusal = Extract<Outcome<unknown>, { ok: false }>;

/** Why this loan cannot be extended, as one sentence after the loan's title. */
export function refusalText(lang: string, title: string, refusal: Refusal): string {
  // The loan already runs as long as a loan may from today: no later date to offer.
  const reason =
    refusal.code === 'INVALID_LOAN_PERIOD' && refusal.details.min > refusal.details.max
      ? translate(lang, 'extend-at-most', { date: addDays(refusal.details.min, -1) })
      : // Borrowing's refusal has the same code; here the sentence is about extending.
        refusal.code === 'UNPAID'
        ? translate(lang, 'error-unpaid')
        : domainErrorText(lang, refusal);
  return `${translate(lang, 'extend-title', { title })}\n${reason}`;
}

/**
 * The refusal as a screen: the reason and the way on — for money owed, its Pay button (the
 * reader can settle it at once), and My books.
 */
async function refusalScreen(deps: BotDeps, lang: string, title: string, refusal: Refusal, userId: number) {
  const keyboard = new InlineKeyboard();
  if (refusal.code === 'UNPAID') {
    const unpaid = await deps.reports.unpaidPayments({ userId, isStaff: false });
    const first = unpaid[0];
    if (first)
      keyboard
        .add(
          payButton(
            tPlain(lang, 'mybooks-pay-button', { amount: first.amount, title: truncate(first.title, 32) }),
            await payTarget(deps.core, first.id),
          ),
        )
        .row();
  }
  keyboard.text(tPlain(lang, 'menu-my-books'), screenCallback.data({ screen: 'y' }));
  return { text: refusalText(lang, title, refusal), reply_markup: { inline_keyboard: keyboard.inline_keyboard } };
}

/**
 * Extend pressed on My books: the refusal, if any, is said on My books itself (above the list);
 * otherwise the conversation starts in this message.
 */
export async function startExtend(deps: BotDeps, ctx: BotContext, borrowingId: number): Promise<string | null> {
  const actor = { userId: ctx.reader!.id, isStaff: false };
  const quote = await attempt(() => deps.core.borrowings.extensionQuote(actor, borrowingId));
  if (!quote.ok) {
    const loan = await attempt(() => deps.core.borrowings.get(actor, borrowingId));
    return refusalText(ctx.lang, loan.ok ? loan.value.book.title : '', quote);
  }
  await ctx.conversation.enter(EXTEND_CONVERSATION, borrowingId);
  return null;
}

/** The extend conversation, registered before anything that starts it (bot/index.ts). */
export function extendFlow(deps: BotDeps): Composer<BotContext> {
  return new Composer<BotContext>(createConversation<BotContext, ConvContext>(extendConversation(deps), EXTEND_CONVERSATION));
}

function extendConversation(deps: BotDeps) {
  const { core } = deps;

  return async function extend(conversation: BotConversation, ctx: ConvContext, borrowingId: number) {
    const who = await conversation.external((o) => ({ userId: o.reader!.id, lang: normalizeLanguage(o.reader?.language) }));
    const t = (key: string, vars?: TVars) => translate(who.lang, key, vars);
    const label = (key: string, vars?: Record<string, string | number>) => tPlain(who.lang, key, vars);
    const actor = { userId: who.userId, isStaff: false };
    const myBooks = new InlineKeyboard().text(label('menu-my-books'), screenCallback.data({ screen: 'y' }));

    const loan = await conversation.external(() =>
      attempt(async () => (await core.borrowings.get(actor, borrowingId)).book.title),
    );
    if (!loan.ok) {
      await ctx.editMessageText(domainErrorText(who.lang, loan), { parse_mode: 'HTML', reply_markup: myBooks });
      return;
    }
    const title = loan.value;
    const refuse = async (c: ConvContext, refusal: Refusal) => {
      const screen = await conversation.external(() => refusalScreen(deps, who.lang, title, refusal, who.userId));
      await c.editMessageText(screen.text, { parse_mode: 'HTML', reply_markup: screen.reply_markup });
    };

    let current: ConvContext = ctx;
    for (;;) {
      // Asked again each round: the due date or the rules' answer may have changed meanwhile.
      const window = await conversation.external(() => attempt(() => core.borrowings.extensionQuote(actor, borrowingId)));
      if (!window.ok) return refuse(current, window);
      const q = window.value;
      const dates = extensionDates(q);
      const daysKeyboard = new InlineKeyboard();
      // One a row: a date beside a count is too long for half a phone's width (Telegram cuts it).
      for (const d of dates)
        daysKeyboard
          .text(
            label('extend-date-button', { days: daysBetween(q.expected_return_date, d), date: d }),
            extendAnswerCallback.data({ date: d }),
          )
          .row();
      daysKeyboard.text(label('borrow-cancel'), extendAnswerCallback.data({ answer: 'cancel' }));
      await current.editMessageText(
        t('extend-choose', { title, due: q.expected_return_date, fee: q.daily_fee, max: q.max, left: q.renewals_left }),
        { parse_mode: 'HTML', reply_markup: daysKeyboard },
      );
      const choice = await nextPress(conversation, extendAnswerCallback);
      current = choice.press;
      // Cancel, or a date not offered here (a button from an older offer).
      if (!('date' in choice.answer) || !dates.includes(choice.answer.date)) return cancelled(current);
      const date = choice.answer.date;

      const priced = await conversation.external(() => attempt(() => core.borrowings.extensionQuote(actor, borrowingId, date)));
      if (!priced.ok) return refuse(current, priced);
      const confirmKeyboard = new InlineKeyboard()
        .text(label('extend-confirm'), extendAnswerCallback.data({ answer: 'confirm' }))
        .row()
        .text(label('borrow-change'), extendAnswerCallback.data({ answer: 'back' }))
        .text(label('borrow-cancel'), extendAnswerCallback.data({ answer: 'cancel' }));
      await current.editMessageText(
        t('extend-quote', {
          title,
          from: priced.value.expected_return_date,
          until: date,
          days: priced.value.extra_days ?? 0,
          rent: priced.value.extra_rent ?? '',
        }),
        { parse_mode: 'HTML', reply_markup: confirmKeyboard },
      );
      const reply = await nextPress(conversation, extendAnswerCallback);
      current = reply.press;
      const answer = 'answer' in reply.answer ? reply.answer.answer : 'cancel';
      if (answer === 'back') continue;
      if (answer !== 'confirm') return cancelled(current);

      const result = await conversation.external(() =>
        attempt(async () => {
          // This screen is the reader's message about the extension: no notice repeats it.
          const r = await core.borrowings.extend(actor, borrowingId, { expected_return_date: date }, { readerSeesIt: true });
          // The extra rent is the payment of this renewal (its number is the loan's renewals now).
          const payment = r.borrowing.payments.find((p) => p.renewal === r.borrowing.renewals) ?? null;
          return {
            until: r.borrowing.expected_return_date,
            rent: payment?.money_to_pay ?? priced.value.extra_rent ?? '',
            opened: r.session_url !== null,
            pay: payment ? await payTarget(core, payment.id) : null,
          };
        }),
      );
      if (!result.ok) return refuse(current, result);
      const { until, rent, opened, pay } = result.value;
      const done = new InlineKeyboard();
      if (pay) done.add(payButton(label('borrow-pay-button', { rent }), pay)).row();
      done.text(label('menu-my-books'), screenCallback.data({ screen: 'y' }));
      await current.editMessageText(
        `${t('extend-done', { title, until, rent })}\n${t(opened ? 'extend-pay-now' : 'borrow-pay-later')}`,
        { parse_mode: 'HTML', reply_markup: done },
      );
      return;
    }

    async function cancelled(c: ConvContext) {
      await c.editMessageText(t('extend-cancelled', { title }), { parse_mode: 'HTML', reply_markup: myBooks });
    }
  };
}
