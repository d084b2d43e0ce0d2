// The catalogue: a menu paged through core.books.list (keyset cursor in the session), search by
// sending any text, and the book card with its Borrow button.

import { Menu, type MenuFlavor } from '@grammyjs/menu';
import { Composer } from 'grammy';
import type { Book } from '../../core/catalogue/index.js';
import type { Hold } from '../../core/holds/index.js';
import { isDomainError, type Page } from '../../core/kernel/index.js';
import { html } from '../../i18n/index.js';
import { type BotContext, type CatalogueState, resetCatalogue } from '../context.js';
import type { BotDeps } from '../deps.js';
import { startBorrow } from '../flows/borrow.js';
import { askToCancel, holdOnCardText, isActiveHold, joinQueue, newestHoldOn } from '../flows/holds.js';
import { truncate } from '../text.js';

export const CATALOGUE_PAGE_SIZE = 8;
/** "Prev" history kept in the session; older pages are reached through "First page". */
const MAX_BACK = 30;
const MAX_SEARCH_LENGTH = 100;

// One query per update: the menu's button lookup, its redraw and the text share it.
const pageCache = new WeakMap<BotContext, { key: string; page: Promise<Page<Book>> }>();
const bookCache = new WeakMap<BotContext, { id: number; book: Promise<Book | null> }>();
const holdCache = new WeakMap<BotContext, { id: number; hold: Promise<Hold | null> }>();

type Shown = NonNullable<CatalogueState['shown']>;
const pageKey = (s: CatalogueState) => JSON.stringify([s.search, s.cursor]);
const shownOf = (cursor: string | null, page: Page<Book>): Shown => ({
  cursor,
  books: page.results.map((b) => [b.id, bookLabel(b)]),
  next: page.next_cursor ?? null,
});

function loadPage(deps: BotDeps, ctx: BotContext): Promise<Page<Book>> {
  const s = ctx.session.catalogue;
  const key = pageKey(s);
  const hit = pageCache.get(ctx);
  if (hit?.key === key) return hit.page;
  const page = deps.core.books
    .list({ search: s.search ?? undefined, cursor: s.cursor ?? undefined, limit: CATALOGUE_PAGE_SIZE })
    .catch((e: unknown) => {
      // A cursor from an older version of the catalogue: start over rather than fail.
      if (isDomainError(e) && e.code === 'INVALID_CURSOR') {
        resetCatalogue(ctx, s.search);
        return deps.core.books.list({ search: s.search ?? undefined, limit: CATALOGUE_PAGE_SIZE });
      }
      throw e;
    });
  pageCache.set(ctx, { key, page });
  return page;
}

/** The card must read the book and the reader's hold again after a change (joining, cancelling). */
function forgetBook(ctx: BotContext): void {
  bookCache.delete(ctx);
  holdCache.delete(ctx);
}

/** The reader's active hold on the book whose card is on screen (null: none). */
function loadHold(deps: BotDeps, ctx: BotContext): Promise<Hold | null> {
  const id = ctx.session.bookId;
  if (id === null) return Promise.resolve(null);
  const hit = holdCache.get(ctx);
  if (hit?.id === id) return hit.hold;
  const hold = newestHoldOn(deps, ctx, id).then((h) => (isActiveHold(h) ? h : null));
  holdCache.set(ctx, { id, hold });
  return hold;
}

function loadBook(deps: BotDeps, ctx: BotContext): Promise<Book | null> {
  const id = ctx.session.bookId;
  if (id === null) return Promise.resolve(null);
  const hit = bookCache.get(ctx);
  if (hit?.id === id) return hit.book;
  const book = deps.core.books.get(id).catch((e: unknown) => {
    if (isDomainError(e) && e.code === 'NOT_FOUND') return null;
    throw e;
  });
  bookCache.set(ctx, { id, book });
  return book;
}

/** A book in the catalogue list: ⛔ when no copy is available to borrow now (SPEC §11: copies set aside are not). */
const bookLabel = (b: Pick<Book, 'title' | 'author' | 'available'>) =>
  `${b.available > 0 ? '' : '⛔ '}${truncate(b.title, 40)} · ${truncate(b.author, 24)}`;

function bookCard(ctx: BotContext, b: Book): string {
  const lines = [
    ctx.t('book-card', {
      title: b.title,
      author: b.author,
      cover: html(ctx.t(b.cover === 'HARD' ? 'cover-hard' : 'cover-soft')),
      fee: b.daily_fee,
      copies: b.available,
    }),
  ];
  if (b.isbn) lines.push(ctx.t('book-isbn', { isbn: b.isbn }));
  return lines.join('\n');
}

function defineScreens(deps: BotDeps): void {
  const { screens } = deps;

  /**
   * The page under the message: this update's page if it drew one (what the keyboard is being
   * drawn for), else the page the session says is on screen (matching a press to its button
   * reads nothing), else read.
   */
  async function pageOnScreen(ctx: BotContext): Promise<Shown> {
    const s = ctx.session.catalogue;
    const drawn = pageCache.get(ctx);
    if (drawn && drawn.key === pageKey(s)) return shownOf(s.cursor, await drawn.page);
    if (s.shown && s.shown.cursor === s.cursor) return s.shown;
    return shownOf(s.cursor, await loadPage(deps, ctx));
  }

  const catalogue = new Menu<BotContext>('c', screens.options()).dynamic(async (ctx, range) => {
    const page = await pageOnScreen(ctx);
    for (const [id, label] of page.books) {
      range
        .text({ text: label, payload: String(id) }, async (c) => {
          c.session.bookId = Number(c.match);
          await screens.navigate(c, 'b');
        })
        .row();
    }
    const s = ctx.session.catalogue;
    let nav = false;
    if (s.back.length > 0) {
      nav = true;
      range.text(ctx.tPlain('catalogue-prev'), async (c) => {
        const st = c.session.catalogue;
        st.cursor = st.back.pop() ?? null;
        await screens.navigate(c, 'c');
      });
    } else if (s.cursor !== null) {
      nav = true;
      range.text(ctx.tPlain('catalogue-first'), async (c) => {
        resetCatalogue(c, c.session.catalogue.search);
        await screens.navigate(c, 'c');
      });
    }
    if (page.next) {
      nav = true;
      range.text(ctx.tPlain('catalogue-next'), async (c) => {
        const next = (await pageOnScreen(c)).next;
        const st = c.session.catalogue;
        if (next) {
          st.back.push(st.cursor);
          if (st.back.length > MAX_BACK) st.back.shift();
          st.cursor = next;
        }
        await screens.navigate(c, 'c');
      });
    }
    if (nav) range.row();
    range.text(ctx.tPlain('menu-main'), (c) => screens.navigate(c, 'm'));
  });

  screens.define('c', catalogue, async (ctx) => {
    const s = ctx.session.catalogue;
    const page = await loadPage(deps, ctx);
    // Read anew for every screen drawn; kept in the session for the presses on it.
    const cur = ctx.session.catalogue;
    cur.shown = shownOf(cur.cursor, page);
    const number = String(s.back.length + 1);
    if (page.results.length === 0) {
      return s.search !== null ? ctx.t('search-empty', { query: s.search }) : ctx.t('catalogue-empty');
    }
    const title =
      s.search !== null
        ? ctx.t('catalogue-search-title', { query: s.search, page: number })
        : ctx.t('catalogue-title', { page: number });
    return `${title}\n${ctx.t('catalogue-hint')}`;
  });

  const book = new Menu<BotContext>('b', screens.options())
    .dynamic(async (ctx, range) => {
      const b = await loadBook(deps, ctx);
      if (!b) return;
      const hold = await loadHold(deps, ctx);
      if (hold?.status === 'READY') {
        // The copy set aside for this reader: theirs to borrow, though none is available to others.
        range.text(ctx.tPlain('book-borrow'), (c) => startBorrow(deps, c, b.id));
        range.text({ text: ctx.tPlain('holds-cancel-button'), payload: String(hold.id) }, (c) => cancelFromCard(c));
      } else if (hold) {
        range.text({ text: ctx.tPlain('book-leave-queue'), payload: String(hold.id) }, (c) => cancelFromCard(c));
      } else if (b.available > 0) {
        range.text(ctx.tPlain('book-borrow'), async (c) => {
          const id = c.session.bookId;
          if (id === null) return screens.navigate(c, 'c');
          // A reader who owes money hears it before choosing days, not after confirming.
          await startBorrow(deps, c, id);
        });
      } else {
        // No copy available (all out, or set aside for readers ahead): a place in the queue.
        range.text({ text: ctx.tPlain('book-join-queue', { position: b.holds + 1 }), payload: String(b.id) }, async (c) => {
          const notice = await joinQueue(deps, c, Number(c.match));
          forgetBook(c);
          await screens.navigate(c, 'b', notice);
        });
      }
      range.row();
    })
    .text(
      (ctx) => ctx.tPlain('menu-back'),
      (ctx) => screens.navigate(ctx, 'c'),
    )
    .text(
      (ctx) => ctx.tPlain('menu-main'),
      (ctx) => screens.navigate(ctx, 'm'),
    );

  /** Cancel / Leave the queue on the card: the question first (bot/flows/holds.ts), then back here. */
  function cancelFromCard(c: BotContext & MenuFlavor) {
    askToCancel(c, Number(c.match), 'b');
    return screens.navigate(c, 'x');
  }

  screens.define('b', book, async (ctx) => {
    const b = await loadBook(deps, ctx);
    if (!b) return ctx.t('error-book-gone');
    const hold = await loadHold(deps, ctx);
    const lines = [bookCard(ctx, b)];
    if (hold) lines.push('', holdOnCardText(ctx, deps, hold));
    else if (b.available === 0) lines.push('', ctx.t(b.holds > 0 ? 'book-queue-hint' : 'book-none-hint', { readers: b.holds }));
    return lines.join('\n');
  });
}

export function catalogueFeature(deps: BotDeps): Composer<BotContext> {
  defineScreens(deps);
  const composer = new Composer<BotContext>();
  const pm = composer.chatType('private');

  pm.command(['catalogue', 'books'], async (ctx) => {
    resetCatalogue(ctx);
    await deps.screens.send(ctx, 'c');
  });

  pm.command('search', async (ctx) => {
    const query = ctx.match.trim();
    if (!query) return ctx.reply(ctx.t('search-how'));
    resetCatalogue(ctx, truncate(query, MAX_SEARCH_LENGTH));
    await deps.screens.send(ctx, 'c');
  });

  // Any other command is not ours: say so instead of searching for it.
  pm.on('message:text').filter(
    (ctx) => ctx.message.text.startsWith('/'),
    (ctx) => ctx.reply(ctx.t('unknown-command')),
  );

  // Any plain text searches the catalogue.
  pm.on('message:text', async (ctx) => {
    const query = truncate(ctx.message.text.trim().replace(/\s+/g, ' '), MAX_SEARCH_LENGTH);
    if (!query) return;
    resetCatalogue(ctx, query);
    await deps.screens.send(ctx, 'c');
  });

  return composer;
}
