// Linking this Telegram to a library account with /start <code> (SPEC §10): the person is asked
// first — the account's masked email, and what would move into it — and only "Link" links. A
// code in the wrong hands must never quietly hand someone's Telegram, loans and payments over.
// The rules (what moves, the loan limit) are core's; this door asks and translates.
import { Composer, InlineKeyboard } from 'grammy';
import { LINK_CANCEL_CALLBACK, linkCallback, screenCallback } from '../callbacks.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText } from '../errors.js';
import { displayName, normalizeLanguage, readerOf } from '../reader.js';

const langOf = (ctx: BotContext) => normalizeLanguage(ctx.reader?.language ?? ctx.from?.language_code);

/** /start <code>: the question, or why the code cannot be used. */
async function askToLink(deps: BotDeps, ctx: BotContext, code: string): Promise<void> {
  const preview = await attempt(() => deps.core.users.previewLink(code, ctx.from!.id));
  // Our codes are 32 characters; one too long for a button cannot be ours.
  if (!preview.ok || !linkCallback.carries(code)) {
    const err = preview.ok ? { code: 'INVALID_LINK_CODE' as const, message: 'This link is not valid' } : preview;
    await ctx.reply(domainErrorText(langOf(ctx), err));
    return deps.screens.send(ctx, 'm');
  }
  const { email, moves, replaces } = preview.value;
  const lines = [ctx.t('link-confirm', { email: email ?? '' })];
  if (moves.loans + moves.payments > 0) lines.push(ctx.t('link-confirm-moves', { loans: moves.loans, payments: moves.payments }));
  if (replaces) lines.push(ctx.t('link-confirm-replaces', { current: replaces }));
  lines.push(ctx.t('link-confirm-only-yours'));
  const keyboard = new InlineKeyboard()
    .text(ctx.tPlain('link-button'), linkCallback.data(code))
    .text(ctx.tPlain('link-cancel-button'), LINK_CANCEL_CALLBACK);
  await ctx.reply(lines.join('\n\n'), { reply_markup: keyboard });
}

export function linkFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const pm = composer.chatType('private');

  // Only /start with a code; plain /start is the greeting (bot/features/main.ts, installed after this one).
  pm.command('start', (ctx, next) => {
    const code = ctx.match.trim();
    return code ? askToLink(deps, ctx, code) : next();
  });

  pm.callbackQuery(linkCallback.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const from = ctx.from;
    const linked = await attempt(() =>
      deps.core.users.redeemLinkCode(linkCallback.parse(ctx.callbackQuery.data)!, {
        id: from.id,
        first_name: from.first_name,
        last_name: from.last_name,
        username: from.username,
        language_code: from.language_code,
      }),
    );
    if (!linked.ok) {
      await ctx.editMessageText(domainErrorText(langOf(ctx), linked), {
        reply_markup: new InlineKeyboard().text(ctx.tPlain('menu-main'), screenCallback.data({ screen: 'm' })),
      });
      return;
    }
    // The linked account is the reader from now on.
    ctx.reader = await deps.core.users.userByTelegramId(from.id);
    ctx.lang = langOf(ctx);
    const notice = ctx.t('link-success', { name: displayName(readerOf(ctx)), email: linked.value.email ?? '' });
    await deps.screens.edit(ctx, 'm', notice);
  });

  // Nothing changes; the code stays usable until it expires or is used.
  pm.callbackQuery(LINK_CANCEL_CALLBACK, async (ctx) => {
    await ctx.answerCallbackQuery();
    await deps.screens.edit(ctx, 'm', ctx.t('link-cancelled'));
  });

  return composer;
}
