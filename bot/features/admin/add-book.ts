// /admin addbook: a conversation in the staff chat asking for each field, then core.books.create.
// Prompts use force_reply so answers reach the bot even with group privacy mode on.
import { InlineKeyboard } from 'grammy';
import type { BotConversation, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { normalizeLanguage } from '../../reader.js';
import { html, t as translate, tPlain, type TVars } from '../../../i18n/index.js';
import { coverCallback, type Cover } from '../../callbacks.js';
import { MAX_INVENTORY } from '../../../core/books.js';
import { formatCents, parseMoney } from '../../../core/money.js';

export const ADD_BOOK_CONVERSATION = 'addbook';

type Check = (text: string) => { value: string | number | null } | { error: string };

const text255: Check = (s) => {
  const v = s.trim();
  return v.length >= 1 && v.length <= 255 ? { value: v } : { error: 'addbook-bad-text' };
};
const isbn: Check = (s) => {
  const v = s.trim();
  if (v === '-' || v === '') return { value: null };
  return /^[0-9Xx-]{1,32}$/.test(v) ? { value: v.toUpperCase() } : { error: 'addbook-bad-isbn' };
};
const inventory: Check = (s) => {
  const v = s.trim();
  return /^\d{1,7}$/.test(v) && Number(v) <= MAX_INVENTORY ? { value: Number(v) } : { error: 'addbook-bad-inventory' };
};
const fee: Check = (s) => {
  try {
    return { value: formatCents(parseMoney(s.trim().replace(',', '.'))) };
  } catch {
    return { error: 'addbook-bad-fee' };
  }
};

export function addBookConversation(deps: BotDeps) {
  const { core } = deps;

  return async function addbook(conversation: BotConversation, ctx: ConvContext) {
    const lang = await conversation.external((o) => normalizeLanguage(o.reader?.language));
    const t = (key: string, vars?: TVars) => translate(lang, key, vars);
    let lastUserMessage = ctx.msg?.message_id;

    const ask = (c: ConvContext, key: string, vars?: TVars, keyboard?: InlineKeyboard) =>
      c.reply(t(key, vars), {
        parse_mode: 'HTML',
        reply_markup: keyboard ?? { force_reply: true, selective: true },
        ...(lastUserMessage !== undefined && !keyboard ? { reply_parameters: { message_id: lastUserMessage, allow_sending_without_reply: true } } : {}),
      });

    /** The next text from this staff member; a command (other than /cancel, handled outside) abandons. */
    async function nextText(): Promise<ConvContext & { message: { text: string } }> {
      for (;;) {
        const c = await conversation.wait();
        if (c.callbackQuery) {
          await c.answerCallbackQuery();
          continue;
        }
        const text = c.message?.text;
        if (text === undefined) continue;
        if (text.startsWith('/')) {
          await c.reply(t('addbook-abandoned'));
          await conversation.halt({ next: true });
        }
        lastUserMessage = c.message!.message_id;
        return c as ConvContext & { message: { text: string } };
      }
    }

    async function field(key: string, check: Check): Promise<string | number | null> {
      await ask(ctx, key);
      for (;;) {
        const c = await nextText();
        const r = check(c.message.text);
        if ('value' in r) return r.value;
        await ask(c, r.error);
      }
    }

    const title = (await field('addbook-ask-title', text255)) as string;
    const author = (await field('addbook-ask-author', text255)) as string;
    const isbnValue = (await field('addbook-ask-isbn', isbn)) as string | null;

    await ask(ctx, 'addbook-ask-cover', undefined, new InlineKeyboard().text(tPlain(lang, 'cover-hard'), coverCallback.data('HARD')).text(tPlain(lang, 'cover-soft'), coverCallback.data('SOFT')));
    let cover: Cover;
    for (;;) {
      const c = await conversation.wait();
      const chosen = coverCallback.parse(c.callbackQuery?.data);
      if (chosen) {
        cover = chosen;
        await c.answerCallbackQuery();
        await c.editMessageText(t('addbook-cover-chosen', { cover: html(t(cover === 'HARD' ? 'cover-hard' : 'cover-soft')) }), { parse_mode: 'HTML' });
        break;
      }
      if (c.callbackQuery) {
        await c.answerCallbackQuery();
        continue;
      }
      const text = c.message?.text?.trim().toLowerCase();
      if (text?.startsWith('/')) {
        await c.reply(t('addbook-abandoned'));
        await conversation.halt({ next: true });
      }
      if (text === 'hard' || text === 'soft') {
        cover = text === 'hard' ? 'HARD' : 'SOFT';
        break;
      }
    }

    const copies = (await field('addbook-ask-inventory', inventory)) as number;
    const dailyFee = (await field('addbook-ask-fee', fee)) as string;

    const created = await conversation.external(async (o) => {
      // Still staff at the moment of writing (the conversation may have waited a long time).
      const me = o.from ? await core.users.userByTelegramId(o.from.id) : undefined;
      if (!me?.is_staff) return { ok: false as const, code: 'FORBIDDEN' as const, message: 'Only staff can add books' };
      return attempt(() => core.books.create({ title, author, isbn: isbnValue, cover, inventory: copies, daily_fee: dailyFee }));
    });
    if (!created.ok) {
      await ctx.reply(domainErrorText(lang, created), { parse_mode: 'HTML' });
      return;
    }
    const b = created.value;
    await ctx.reply(
      t('addbook-done', { id: String(b.id), title: b.title, author: b.author, copies: b.inventory, fee: b.daily_fee }),
      { parse_mode: 'HTML' },
    );
  };
}
