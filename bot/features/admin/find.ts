// The staff console's "Find a book" / "Find a reader": a conversation per person in the staff chat.
import { InlineKeyboard } from 'grammy';
import { type TVars, tPlain, t as translate } from '../../../i18n/index.js';
import type { BotContext, BotConversation, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { normalizeLanguage } from '../../reader.js';
import { truncate } from '../../text.js';
import { CONSOLE_SEARCH_LIMIT, go, type Screen } from './console-kit.js';

export const FIND_CONVERSATION = 'staff-find';

/**
 * "Find a book" / "Find a reader": asks for the words (force_reply, so the answer reaches the
 * bot with group privacy mode on), then shows what matches as buttons. A conversation per person
 * in the chat; another button or a command leaves it.
 */
export function findConversation(deps: BotDeps, readerLoans: (ctx: BotContext, userId: number) => Promise<Screen>) {
  const { core, reports } = deps;
  return async function find(conversation: BotConversation, ctx: ConvContext, what: 'book' | 'reader') {
    const lang = await conversation.external((o) => normalizeLanguage(o.reader?.language));
    const t = (key: string, vars?: TVars) => translate(lang, key, vars);
    await ctx.reply(t(what === 'book' ? 'console-find-book-ask' : 'console-find-reader-ask'), {
      parse_mode: 'HTML',
      reply_markup: { force_reply: true, selective: true },
    });
    let answer: ConvContext;
    for (;;) {
      answer = await conversation.wait();
      if (answer.callbackQuery) await conversation.halt({ next: true });
      const text = answer.message?.text;
      if (text === undefined) continue;
      if (text.startsWith('/')) await conversation.halt({ next: true });
      break;
    }
    const query = truncate(answer.message!.text!.trim().replace(/\s+/g, ' '), 100);
    const home = { text: tPlain(lang, 'console-home'), callback_data: go({ screen: 'home' }) };
    const again = {
      text: tPlain(lang, 'console-search-again'),
      callback_data: go({ screen: what === 'book' ? 'findBook' : 'findReader' }),
    };
    if (what === 'book') {
      const page = await conversation.external(() => core.books.list({ search: query, limit: CONSOLE_SEARCH_LIMIT }));
      const keyboard = new InlineKeyboard();
      for (const b of page.results) {
        keyboard
          .text(
            `#${b.id} ${truncate(b.title, 36)} · ${truncate(b.author, 20)} · ${tPlain(lang, 'console-book-shelf-short', { copies: b.inventory })}`,
            go({ screen: 'book', bookId: b.id }),
          )
          .row();
      }
      keyboard.add(again, home);
      const head = page.results.length === 0 ? t('admin-find-none', { query }) : t('admin-find-title', { query });
      const more = page.next_cursor ? `\n${t('console-search-more', { limit: CONSOLE_SEARCH_LIMIT })}` : '';
      await answer.reply(head + more, { parse_mode: 'HTML', reply_markup: keyboard });
      return;
    }
    const found = await conversation.external(async (o) => {
      const me = o.from ? await core.users.userByTelegramId(o.from.id) : undefined;
      if (!me?.is_staff) return null;
      const reader = await reports.findReader({ userId: me.id, isStaff: true }, query);
      return reader ? { id: reader.id } : null;
    });
    if (!found) {
      await answer.reply(t('admin-reader-not-found', { query }), {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().add(again, home),
      });
      return;
    }
    const screen = await conversation.external(async (o) => {
      const s = await readerLoans(o, found.id);
      return { text: s.text, keyboard: { inline_keyboard: s.keyboard.inline_keyboard } };
    });
    await answer.reply(screen.text, { parse_mode: 'HTML', reply_markup: screen.keyboard });
  };
}
