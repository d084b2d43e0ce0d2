// The bot's context types: what every handler can rely on.

import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context, SessionFlavor } from 'grammy';
import type { User } from '../core/accounts/index.js';
import type { Language, TVars } from '../i18n/index.js';

/** Where the reader is in the catalogue; cursors are core's keyset cursors. */
export interface CatalogueState {
  /** null: the whole catalogue; otherwise the text the reader searched for. */
  search: string | null;
  /** Cursor of the page on screen (null: first page). */
  cursor: string | null;
  /** Cursors of the pages before it, for "Prev" (capped, see catalogue.ts). */
  back: (string | null)[];
  /**
   * The page under the message as it was drawn: the cursor it was read at, its buttons (book id,
   * label) and the next page's cursor. A press is matched against these buttons (the menu
   * plugin draws the keyboard again to find the button pressed), so a press reads no page; the
   * page a press leads to is always read anew. Absent in sessions stored before it: then read.
   */
  shown?: { cursor: string | null; books: [number, string][]; next: string | null };
}

export interface SessionData {
  catalogue: CatalogueState;
  /** The book whose card is on screen. */
  bookId: number | null;
  /** The borrowing the reader is asked to confirm returning. */
  returnId: number | null;
  /**
   * The hold the reader is asked to confirm cancelling, and the screen to go back to (the book's
   * card or My holds). Absent in sessions stored before holds: read as null.
   */
  holdId?: number | null;
  holdBack?: 'b' | 'o';
}

export const initialSession = (): SessionData => ({
  catalogue: { search: null, cursor: null, back: [] },
  bookId: null,
  returnId: null,
  holdId: null,
});

/** The catalogue from its first page: the whole of it, or what the reader searched for. */
export function resetCatalogue(ctx: { session: SessionData }, search: string | null = null): void {
  ctx.session.catalogue = { search, cursor: null, back: [] };
}

export interface ReaderFlavor {
  /**
   * The library user behind `ctx.from`: in private chats created on first contact
   * (core.users.ensureTelegramReader); in groups only looked up (never created). Core's public
   * user: a door never holds the row.
   */
  reader: User | undefined;
}

export interface LocaleFlavor {
  /** The language of every text this update answers with: the reader's, else Telegram's. */
  lang: Language;
  /** i18n's t() in ctx.lang: Telegram HTML with every interpolated string escaped. */
  t: (key: string, vars?: TVars) => string;
  /** i18n's tPlain() in ctx.lang: button labels and callback answers, which are not HTML. */
  tPlain: (key: string, vars?: Record<string, string | number>) => string;
}

type BaseContext = Context & SessionFlavor<SessionData> & LocaleFlavor & ReaderFlavor;

/** The context of every update outside conversations. */
export type BotContext = ConversationFlavor<BaseContext>;

/** The context inside a conversation (a plain grammY context; DB work goes through `external`). */
export type ConvContext = Context;

export type BotConversation = Conversation<BotContext, ConvContext>;
