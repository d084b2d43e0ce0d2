// A book's card in the staff console: its copies (− / +) and the first of its queue.
import { InlineKeyboard } from 'grammy';
import { MAX_INVENTORY } from '../../../core/catalogue/index.js';
import type { BookCard } from '../../../core/reports/index.js';
import { html } from '../../../i18n/index.js';
import type { BotContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { staffActor } from './access.js';
import { go, homeButton, type Screen, withNotice } from './console-kit.js';
import { queueLines, setAside } from './staff-text.js';

/** How many of a book's queue its card names; /admin holds <book> shows the whole of it. */
const CARD_QUEUE_LINES = 3;

export function createBookCard(deps: BotDeps) {
  const { core, reports } = deps;

  /** The book card's queue: the counts, then its first few lines (the rest: /admin holds <id>). */
  async function queuePreview(ctx: BotContext, bookId: number): Promise<string[]> {
    const { book, lines } = await core.holds.queue(staffActor(ctx), bookId, { limit: CARD_QUEUE_LINES });
    const ready = setAside(book);
    if (ready === 0 && book.holds === 0) return [ctx.t('console-book-no-queue')];
    const out = [ctx.t('admin-holds-summary', { ready, waiting: book.holds }), ...queueLines(ctx, core.rules.timeZone, lines)];
    const rest = ready + book.holds - lines.length;
    if (rest > 0) out.push(ctx.t('console-book-queue-more', { rest, id: String(bookId) }));
    return out;
  }

  async function book(ctx: BotContext, bookId: number, notice?: string): Promise<Screen> {
    const b: BookCard = await reports.bookCard(staffActor(ctx), bookId);
    const lines = [
      ctx.t('console-book-title', { title: b.title, id: String(b.id) }),
      ctx.t('console-book-details', {
        author: b.author,
        cover: html(ctx.t(b.cover === 'HARD' ? 'cover-hard' : 'cover-soft')),
        fee: b.daily_fee,
      }),
      ...(b.isbn ? [ctx.t('book-isbn', { isbn: b.isbn })] : []),
      // A copy set aside for a reader is on the shelf but not to be lent: said as such.
      b.held > 0
        ? ctx.t('console-book-copies-held', { shelf: b.inventory - b.held, held: b.held, out: b.on_loan })
        : ctx.t('console-book-copies', { shelf: b.inventory, out: b.on_loan }),
      // The queue: how many copies are set aside and readers wait, then the first few of them.
      ...(await queuePreview(ctx, bookId)),
    ];
    const keyboard = new InlineKeyboard();
    if (b.inventory > 0)
      keyboard.text(ctx.tPlain('console-inventory-minus'), go({ screen: 'inventory', bookId, inventory: b.inventory - 1 }));
    if (b.inventory < MAX_INVENTORY)
      keyboard.text(ctx.tPlain('console-inventory-plus'), go({ screen: 'inventory', bookId, inventory: b.inventory + 1 }));
    keyboard
      .row()
      .text(ctx.tPlain('console-find-book'), go({ screen: 'findBook' }))
      .add(homeButton(ctx));
    return { text: withNotice(notice, lines.join('\n')), keyboard };
  }

  async function setInventory(ctx: BotContext, bookId: number, inventory: number): Promise<Screen> {
    const done = await attempt(() => core.books.setInventory(staffActor(ctx), bookId, inventory));
    if (!done.ok) return book(ctx, bookId, domainErrorText(ctx.lang, done));
    return book(ctx, bookId);
  }

  return { book, setInventory };
}
