// /admin addbook: a conversation in the staff chat asking for each field, then core.books.create.
// Prompts use force_reply so answers reach the bot even with group privacy mode on.
import { InlineKeyboard } from 'grammy';
import type { BotConversation, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { normalizeLanguage } from '../../reader.js';
import { html, t as translate, tPlain, type TVars } from '../../../i18n/index.js';
import { coverCallback, type Cover } from '../../callbacks.js';
import { checkBookField } from '../../../core/books.js';

export const ADD_BOOK_CONVERSATION = 'addbook';

type Check<T> = (text: string) => { value: T } | { error: string };

/**
 * An answer read as a chat message says it (a dash for no ISBN, a decimal comma), then checked by
 * core's own rule for the field; a refusal is answered with the field's hint (`error`).
 */
function answer<F extends Parameters<typeof checkBookField>[0]>(field: F, error: string, read: (text: string) => unknown = (s) => s) {
  return ((text) => {
    const r = checkBookField(field, read(text));
    return r.ok ? { value: r.value } : { error };
  }) satisfies Check<unknown>;
}

const answers = {
  title: answer('title', 'addbook-bad-text'),
  author: answer('author', 'addbook-bad-text'),
  isbn: answer('isbn', 'addbook-bad-isbn', (s) => (s.trim() === '-' || s.trim() === '' ? null : s)),
  inventory: answer('inventory', 'addbook-bad-inventory', (s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN)),
  fee: answer('daily_fee', 'addbook-bad-fee', (s) => s.trim().replace(',', '.')),
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

    async function field<T>(key: string, check: Check<T>): Promise<T> {
      await ask(ctx, key);
      for (;;) {
        const c = await nextText();
        const r = check(c.message.text);
        if ('value' in r) return r.value;
        await ask(c, r.error);
      }
    }

    const title = await field('addbook-ask-title', answers.title);
    const author = await field('addbook-ask-author', answers.author);
    const isbn = await field('addbook-ask-isbn', answers.isbn);

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

    const copies = await field('addbook-ask-inventory', answers.inventory);
    const dailyFee = await field('addbook-ask-fee', answers.fee);

    const created = await conversation.external(async (o) => {
      // Still staff at the moment of writing (the conversation may have waited a long time).
      const me = o.from ? await core.users.userByTelegramId(o.from.id) : undefined;
      if (!me?.is_staff) return { ok: false as const, code: 'FORBIDDEN' as const, message: 'Only staff can add books' };
      return attempt(() => core.books.create({ userId: me.id, isStaff: me.is_staff }, { title, author, isbn, cover, inventory: copies, daily_fee: dailyFee }));
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
