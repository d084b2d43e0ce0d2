// Holds (docs/rules.md#holds), the reader's side: "My holds" (each hold's place in the queue or
// its pick-up deadline, Borrow for a copy set aside, Cancel after a question — the question a
// book's card asks too), and the "hold ready" notice's Borrow button. Joining a queue and the
// reader's hold on a book are bot/flows/holds.ts. The rules are core's (core/holds/holds.ts);
// this door asks, shows and translates.

import { Menu, type MenuFlavor } from '@grammyjs/menu';
import { Composer, InlineKeyboard } from 'grammy';
import type { Hold } from '../../core/holds/index.js';
import { html } from '../../i18n/index.js';
import { holdBorrowCallback, screenCallback } from '../callbacks.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText } from '../errors.js';
import { startBorrow } from '../flows/borrow.js';
import { askToCancel, isActiveHold, newestHoldOn, pickupDeadline } from '../flows/holds.js';
import { readerActor } from '../reader.js';
import { chunkLines, truncate } from '../text.js';

interface MyHolds {
  ready: Hold[];
  waiting: Hold[];
}

const cache = new WeakMap<BotContext, Promise<MyHolds>>();

function loadMyHolds(deps: BotDeps, ctx: BotContext): Promise<MyHolds> {
  let hit = cache.get(ctx);
  if (!hit) {
    const actor = readerActor(ctx);
    // At most MAX_HOLDS active holds; oldest first, the order they were placed in.
    hit = Promise.all([
      deps.core.holds.list(actor, { status: 'READY', limit: 100 }),
      deps.core.holds.list(actor, { status: 'WAITING', limit: 100 }),
    ]).then(([ready, waiting]) => ({ ready: ready.results.reverse(), waiting: waiting.results.reverse() }));
    cache.set(ctx, hit);
  }
  return hit;
}

/** After a change (cancel, borrow, join) the next render must read again. */
const forgetHolds = (ctx: BotContext) => cache.delete(ctx);

function myHoldsText(ctx: BotContext, deps: BotDeps, data: MyHolds): string {
  const lines = [ctx.t('holds-title')];
  const all = [...data.ready, ...data.waiting];
  if (all.length === 0) lines.push(ctx.t('holds-none'));
  all.forEach((h, i) => {
    const state =
      h.status === 'READY'
        ? ctx.t('holds-ready', { until: pickupDeadline(deps, h.ready_until) })
        : ctx.t('holds-waiting', { position: h.position ?? 1 });
    lines.push(ctx.t('holds-line', { n: String(i + 1), title: truncate(h.book.title, 120), state: html(state) }));
  });
  // "I will message you" only while the reader waits for something; the limit whenever they hold any.
  if (all.length > 0)
    lines.push('', ctx.t(data.waiting.length > 0 ? 'holds-hint' : 'holds-limit', { max: deps.core.rules.maxHolds }));
  return chunkLines(lines)[0]!;
}

function defineScreens(deps: BotDeps): void {
  const { screens, core } = deps;
  const outdated = (ctx: BotContext & MenuFlavor) => {
    forgetHolds(ctx);
    return screens.outdated(ctx);
  };

  const myHolds = new Menu<BotContext>('o', screens.options(outdated))
    .dynamic(async (ctx, range) => {
      const data = await loadMyHolds(deps, ctx);
      // A row each (a half-width button cuts a title on a phone): Borrow, then Cancel, for each copy set aside.
      for (const h of data.ready) {
        range
          .text(
            { text: ctx.tPlain('holds-borrow-button', { title: truncate(h.book.title, 28) }), payload: String(h.book.id) },
            (c) => startBorrow(deps, c, Number(c.match)),
          )
          .row()
          .text(
            { text: ctx.tPlain('holds-cancel-ready-button', { title: truncate(h.book.title, 28) }), payload: String(h.id) },
            (c) => {
              askToCancel(c, Number(c.match), 'o');
              return screens.navigate(c, 'x');
            },
          )
          .row();
      }
      for (const h of data.waiting) {
        range
          .text({ text: ctx.tPlain('holds-leave-button', { title: truncate(h.book.title, 32) }), payload: String(h.id) }, (c) => {
            askToCancel(c, Number(c.match), 'o');
            return screens.navigate(c, 'x');
          })
          .row();
      }
    })
    .text(
      (ctx) => ctx.tPlain('mybooks-refresh'),
      (ctx) => {
        forgetHolds(ctx);
        return screens.navigate(ctx, 'o');
      },
    )
    .text(
      (ctx) => ctx.tPlain('menu-main'),
      (ctx) => screens.navigate(ctx, 'm'),
    );

  screens.define('o', myHolds, async (ctx) => myHoldsText(ctx, deps, await loadMyHolds(deps, ctx)));

  /** Where "Back" and the outcome go: the book's card, or My holds. */
  const back = (ctx: BotContext) => (ctx.session.holdBack === 'b' && ctx.session.bookId !== null ? 'b' : 'o');

  const confirmCancel = new Menu<BotContext>('x', screens.options(outdated))
    .text(
      (ctx) => ctx.tPlain('hold-cancel-yes'),
      async (ctx) => {
        const id = ctx.session.holdId ?? null;
        ctx.session.holdId = null;
        const to = back(ctx);
        if (id === null) return screens.navigate(ctx, to);
        const actor = readerActor(ctx);
        const before = await attempt(() => core.holds.get(actor, id));
        const done = await attempt(() => core.holds.cancel(actor, id));
        forgetHolds(ctx);
        if (!done.ok) {
          const notice = done.code === 'NOT_ACTIVE' ? ctx.t('hold-not-active') : domainErrorText(ctx.lang, done);
          return screens.navigate(ctx, to, notice);
        }
        const title = done.value.book.title;
        // A READY hold's copy went on in the same transaction: to the next reader, or the shelf.
        const notice =
          before.ok && before.value.status === 'READY'
            ? ctx.t(before.value.book.holds > 0 ? 'hold-cancelled-ready-next' : 'hold-cancelled-ready-shelf', { title })
            : ctx.t('hold-cancelled-waiting', { title });
        await screens.navigate(ctx, to, notice);
      },
    )
    .row()
    .text(
      (ctx) => ctx.tPlain('menu-back'),
      (ctx) => screens.navigate(ctx, back(ctx)),
    );

  screens.define('x', confirmCancel, async (ctx) => {
    const id = ctx.session.holdId ?? null;
    const h = id === null ? null : await attempt(() => core.holds.get(readerActor(ctx), id));
    if (!h?.ok || !isActiveHold(h.value)) return ctx.t('hold-not-active');
    const hold = h.value;
    return hold.status === 'READY'
      ? ctx.t('hold-cancel-ready-question', { title: hold.book.title, until: pickupDeadline(deps, hold.ready_until) })
      : ctx.t('hold-cancel-waiting-question', { title: hold.book.title, position: hold.position ?? 1 });
  });
}

export function holdsFeature(deps: BotDeps): Composer<BotContext> {
  defineScreens(deps);
  const composer = new Composer<BotContext>();
  const pm = composer.chatType('private');
  pm.command(['myholds', 'holds'], (ctx) => deps.screens.send(ctx, 'o'));

  // Borrow on the "hold ready" notice (bot/notice-renderer.ts): the borrow conversation for that book,
  // every step of it. A hold that ended meanwhile is said so, with the way to the book.
  pm.callbackQuery(holdBorrowCallback.pattern, async (ctx) => {
    const bookId = holdBorrowCallback.parse(ctx.callbackQuery.data)!;
    const hold = await newestHoldOn(deps, ctx, bookId);
    if (hold?.status === 'READY') return startBorrow(deps, ctx, bookId);
    const book = await attempt(() => deps.core.books.get(bookId));
    if (!book.ok)
      return ctx.editMessageText(ctx.t('error-book-gone'), {
        reply_markup: new InlineKeyboard().text(ctx.tPlain('menu-catalogue'), screenCallback.data({ screen: 'c' })),
      });
    // A copy anyone may borrow: borrowing it is still what the reader wants.
    if (book.value.available > 0) return startBorrow(deps, ctx, bookId);
    const title = book.value.title;
    const text = hold?.status === 'FULFILLED' ? ctx.t('hold-ready-borrowed', { title }) : ctx.t('hold-ready-gone', { title });
    const keyboard = new InlineKeyboard()
      .text(ctx.tPlain('hold-open-book'), screenCallback.data({ screen: 'b', bookId }))
      .text(ctx.tPlain('menu-my-books'), screenCallback.data({ screen: 'y' }));
    return ctx.editMessageText(text, { reply_markup: keyboard });
  });
  return composer;
}
