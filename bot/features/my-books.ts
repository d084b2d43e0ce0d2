// "My books": active loans with due dates and a Return and an Extend button each; unpaid rent and fines with
// a Pay button (the Checkout link, or a new session for an expired or session-less payment). Extend
// on the due-soon reminder starts the same conversation (bot/flows/extend.ts).

import { Menu } from '@grammyjs/menu';
import { Composer, InlineKeyboard } from 'grammy';
import { daysBetween } from '../../core/kernel/index.js';
import type { Borrowing } from '../../core/lending/index.js';
import type { UnpaidPayment } from '../../core/reports/index.js';
import { html } from '../../i18n/index.js';
import { extendCallback, payCallback } from '../callbacks.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText } from '../errors.js';
import { EXTEND_CONVERSATION, startExtend } from '../flows/extend.js';
import { type PayTarget, payTargets, unpaidLineKey } from '../pay.js';
import { readerActor } from '../reader.js';
import { chunkLines, truncate } from '../text.js';

interface MyBooks {
  loans: Borrowing[];
  unpaid: UnpaidPayment[];
  pay: Map<number, PayTarget>;
  today: string;
}

const cache = new WeakMap<BotContext, Promise<MyBooks>>();

function loadMyBooks(deps: BotDeps, ctx: BotContext): Promise<MyBooks> {
  let hit = cache.get(ctx);
  if (!hit) {
    const actor = readerActor(ctx);
    hit = Promise.all([deps.core.borrowings.activeFor(actor), deps.reports.unpaidPayments(actor)]).then(
      async ([loans, unpaid]) => ({
        loans,
        unpaid,
        pay: await payTargets(
          deps.core,
          unpaid.map((p) => p.id),
        ),
        today: deps.core.borrowings.today(),
      }),
    );
    cache.set(ctx, hit);
  }
  return hit;
}

/** After a change (return, renew) the next render must read again. */
const forget = (ctx: BotContext) => cache.delete(ctx);

function dueText(ctx: BotContext, today: string, due: string): string {
  const left = daysBetween(today, due);
  if (left < 0) return ctx.t('mybooks-overdue', { date: due, days: -left });
  if (left === 0) return ctx.t('mybooks-due-today', { date: due });
  return ctx.t('mybooks-due', { date: due, days: left });
}

function myBooksText(ctx: BotContext, data: MyBooks): string {
  const lines: string[] = [ctx.t('mybooks-title')];
  if (data.loans.length === 0) lines.push(ctx.t('mybooks-none'));
  data.loans.forEach((b, i) => {
    lines.push(
      ctx.t('mybooks-loan', {
        n: String(i + 1),
        title: truncate(b.book.title, 120),
        due: html(dueText(ctx, data.today, b.expected_return_date)),
      }),
    );
  });
  if (data.unpaid.length > 0) {
    lines.push('', ctx.t('mybooks-unpaid-title'));
    for (const p of data.unpaid) {
      lines.push(
        ctx.t(unpaidLineKey(p), {
          amount: p.amount,
          title: truncate(p.title, 80),
          status: html(ctx.t(p.status === 'EXPIRED' ? 'payment-status-expired' : 'payment-status-pending')),
        }),
      );
    }
  }
  // A menu message cannot be split; at most MAX_ACTIVE_LOANS + unpaid lines keep it far below.
  return chunkLines(lines)[0]!;
}

function defineScreens(deps: BotDeps): void {
  const { screens, core } = deps;

  const myBooks = new Menu<BotContext>(
    'y',
    screens.options((ctx) => {
      forget(ctx);
      return screens.outdated(ctx);
    }),
  )
    .dynamic(async (ctx, range) => {
      const data = await loadMyBooks(deps, ctx);
      for (const b of data.loans) {
        range.text(
          { text: ctx.tPlain('mybooks-return-button', { title: truncate(b.book.title, 40) }), payload: String(b.id) },
          async (c) => {
            c.session.returnId = Number(c.match);
            await screens.navigate(c, 'r');
          },
        );
        // Every active loan offers Extend; one that cannot be extended says why, here (SPEC §11).
        range
          .text({ text: ctx.tPlain('mybooks-extend-button'), payload: String(b.id) }, async (c) => {
            const refused = await startExtend(deps, c, Number(c.match));
            if (refused !== null) {
              forget(c);
              await screens.navigate(c, 'y', refused);
            }
          })
          .row();
      }
      for (const p of data.unpaid) {
        const label = ctx.tPlain('mybooks-pay-button', { amount: p.amount, title: truncate(p.title, 32) });
        const target = data.pay.get(p.id);
        if (target && 'url' in target) {
          range.url(label, target.url).row();
        } else {
          // No pay link here (bot/pay.ts): the bot answers with the live checkout link.
          range.text({ text: label, payload: String(p.id) }, (c) => answerPay(deps, c, Number(c.match))).row();
        }
      }
    })
    .text(
      (ctx) => ctx.tPlain('mybooks-refresh'),
      (ctx) => {
        forget(ctx);
        return screens.navigate(ctx, 'y');
      },
    )
    .text(
      (ctx) => ctx.tPlain('menu-main'),
      (ctx) => screens.navigate(ctx, 'm'),
    );

  screens.define('y', myBooks, async (ctx) => myBooksText(ctx, await loadMyBooks(deps, ctx)));

  const confirmReturn = new Menu<BotContext>(
    'r',
    screens.options((ctx) => {
      forget(ctx);
      return screens.outdated(ctx);
    }),
  )
    .text(
      (ctx) => ctx.tPlain('return-confirm-yes'),
      async (ctx) => {
        const id = ctx.session.returnId;
        ctx.session.returnId = null;
        if (id === null) return screens.navigate(ctx, 'y');
        // This screen tells the reader about the return (and a fine): no notice repeats it.
        const done = await attempt(() => core.borrowings.returnBook(readerActor(ctx), id, { readerSeesIt: true }));
        forget(ctx);
        if (!done.ok) return screens.navigate(ctx, 'y', domainErrorText(ctx.lang, done));
        const { borrowing, fine } = done.value;
        const title = borrowing.book.title;
        const notice = fine
          ? ctx.t('return-done-fine', {
              title,
              amount: fine.money_to_pay,
              days: daysBetween(borrowing.expected_return_date, borrowing.actual_return_date ?? borrowing.expected_return_date),
            })
          : ctx.t('return-done', { title });
        await screens.navigate(ctx, 'y', notice);
      },
    )
    .row()
    .text(
      (ctx) => ctx.tPlain('menu-back'),
      (ctx) => screens.navigate(ctx, 'y'),
    );

  screens.define('r', confirmReturn, async (ctx) => {
    const id = ctx.session.returnId;
    const b = id === null ? null : await attempt(() => core.borrowings.get(readerActor(ctx), id));
    if (!b?.ok || !b.value.is_active) return ctx.t('return-nothing');
    return ctx.t('return-confirm', { title: b.value.book.title, date: b.value.expected_return_date });
  });
}

export function myBooksFeature(deps: BotDeps): Composer<BotContext> {
  defineScreens(deps);
  const composer = new Composer<BotContext>();
  composer.chatType('private').command(['mybooks', 'my'], (ctx) => deps.screens.send(ctx, 'y'));

  // A Pay button where no pay link can be used (bot/pay.ts), and on notices sent before pay links.
  composer
    .chatType('private')
    .callbackQuery(payCallback.pattern, (ctx) => answerPay(deps, ctx, payCallback.parse(ctx.callbackQuery.data)!));

  // Extend on the due-soon reminder (bot/notice-renderer.ts): the conversation, in that message.
  composer
    .chatType('private')
    .callbackQuery(extendCallback.pattern, (ctx) =>
      ctx.conversation.enter(EXTEND_CONVERSATION, extendCallback.parse(ctx.callbackQuery.data)!),
    );
  return composer;
}

/** Answers a Pay press with the live checkout link, making a new session when the old one expired or was never made. */
async function answerPay(deps: BotDeps, ctx: BotContext, id: number): Promise<unknown> {
  const { core } = deps;
  await ctx.answerCallbackQuery();
  const actor = readerActor(ctx);
  const found = await attempt(() => core.payments.get(actor, id));
  if (!found.ok) return ctx.reply(domainErrorText(ctx.lang, found));
  let payment = found.value;
  if (payment.status === 'PAID' || payment.status === 'REFUNDED') return ctx.reply(ctx.t('pay-already-paid'));
  if (payment.status === 'EXPIRED' || !payment.session_url) {
    const renewed = await attempt(() => core.payments.renew(actor, id));
    if (!renewed.ok) return ctx.reply(domainErrorText(ctx.lang, renewed));
    payment = renewed.value;
  }
  if (!payment.session_url) return ctx.reply(ctx.t('error-payment-provider-unavailable'));
  await ctx.reply(ctx.t('pay-link-ready', { amount: payment.money_to_pay }), {
    reply_markup: new InlineKeyboard().url(ctx.tPlain('borrow-pay-button', { rent: payment.money_to_pay }), payment.session_url),
  });
}
