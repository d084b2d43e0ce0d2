// /start (greeting; /start with a code is link.ts's question), the main menu, help and language screens,
// and plain "go to screen" buttons used by messages that carry no menu.

import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';
import { screenCallback } from '../callbacks.js';
import { readerCommandLines } from '../commands.js';
import { type BotContext, resetCatalogue } from '../context.js';
import type { BotDeps } from '../deps.js';
import { displayName, LANGUAGE_NAMES, LANGUAGES, normalizeLanguage, readerActor, readerOf } from '../reader.js';

function defineScreens(deps: BotDeps): void {
  const { screens } = deps;

  const main = new Menu<BotContext>('m', screens.options())
    .text(
      (ctx) => ctx.tPlain('menu-catalogue'),
      async (ctx) => {
        resetCatalogue(ctx);
        await screens.navigate(ctx, 'c');
      },
    )
    .text(
      (ctx) => ctx.tPlain('menu-my-books'),
      (ctx) => screens.navigate(ctx, 'y'),
    )
    .row()
    .text(
      (ctx) => ctx.tPlain('menu-my-holds'),
      (ctx) => screens.navigate(ctx, 'o'),
    )
    .row()
    .text(
      (ctx) => ctx.tPlain('menu-language'),
      (ctx) => screens.navigate(ctx, 'l'),
    )
    .text(
      (ctx) => ctx.tPlain('menu-help'),
      (ctx) => screens.navigate(ctx, 'h'),
    );
  screens.define('m', main, (ctx) => ctx.t('menu-title'));

  const help = new Menu<BotContext>('h', screens.options()).text(
    (ctx) => ctx.tPlain('menu-main'),
    (ctx) => screens.navigate(ctx, 'm'),
  );
  const rules = deps.core.rules;
  screens.define(
    'h',
    help,
    (ctx) =>
      `${ctx.t('help-text', { max_days: String(rules.maxLoanDays), max_loans: String(rules.maxActiveLoans), max_holds: String(rules.maxHolds), pickup_hours: String(rules.holdPickupHours), max_renewals: rules.maxRenewals })}\n\n${ctx.t('help-commands')}\n${readerCommandLines(ctx.lang)}`,
  );

  const language = new Menu<BotContext>('l', screens.options());
  for (const lang of LANGUAGES) {
    language.text(LANGUAGE_NAMES[lang], async (ctx) => {
      const reader = readerOf(ctx);
      await deps.core.users.setLanguage(readerActor(ctx), lang);
      ctx.reader = { ...reader, language: lang };
      ctx.lang = lang;
      await screens.navigate(ctx, 'm', ctx.t('language-set'));
    });
  }
  language.row().text(
    (ctx) => ctx.tPlain('menu-main'),
    (ctx) => screens.navigate(ctx, 'm'),
  );
  screens.define('l', language, (ctx) =>
    ctx.t('language-choose', { current: LANGUAGE_NAMES[normalizeLanguage(ctx.reader?.language)] }),
  );
}

export function mainFeature(deps: BotDeps): Composer<BotContext> {
  defineScreens(deps);
  const { screens } = deps;
  const composer = new Composer<BotContext>();
  const pm = composer.chatType('private');

  // With a code, /start is link.ts's question (that feature is installed before this one).
  pm.command('start', (ctx) => screens.send(ctx, 'm', ctx.t('start-greeting', { name: displayName(readerOf(ctx)) })));

  pm.command('menu', (ctx) => screens.send(ctx, 'm'));
  pm.command('help', (ctx) => screens.send(ctx, 'h'));
  pm.command('language', (ctx) => screens.send(ctx, 'l'));

  // Buttons on messages that have no menu (borrow results, notifications): open a screen there.
  composer.callbackQuery(screenCallback.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (ctx.chat?.type !== 'private') return;
    const target = screenCallback.parse(ctx.callbackQuery.data)!;
    if (target.screen === 'c') resetCatalogue(ctx);
    if (target.screen === 'b') {
      ctx.session.bookId = target.bookId;
      return screens.edit(ctx, 'b');
    }
    return screens.edit(ctx, target.screen);
  });

  // Outside the private chat the reader features are not offered.
  composer.command(['start', 'help'], (ctx) => ctx.reply(ctx.t('group-help')));

  return composer;
}
