// A reader's place in a book's queue, as more than one screen shows it (docs/rules.md#holds):
// joining the queue from a book's card, the reader's hold on a book (the card, "hold ready"),
// and asking before a hold is cancelled (the card and My holds ask the same question, screen
// 'x' of bot/features/holds.ts). The rules are core's (core/holds/); this door asks and shows.
import type { Hold } from '../../core/holds/index.js';
import { libraryDateTime } from '../../core/kernel/index.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { attempt, domainErrorText } from '../errors.js';
import { readerActor } from '../reader.js';

/** A hold that keeps its place: waiting in the queue, or with a copy set aside (READY). */
export const isActiveHold = (h: Pick<Hold, 'status'> | null | undefined): h is Hold =>
  h?.status === 'WAITING' || h?.status === 'READY';

/** A READY hold's pick-up deadline as the library's wall clock reads it (LIBRARY_TIMEZONE). */
export const pickupDeadline = (deps: BotDeps, readyUntil: string | null): string =>
  readyUntil ? libraryDateTime(new Date(readyUntil), deps.core.rules.timeZone) : '';

/**
 * The reader's newest hold on a book (null: never held it). Only one hold per reader and book is
 * active at a time, and a new one can be placed only after the last ended, so the newest is the
 * active one when there is one.
 */
export async function newestHoldOn(deps: BotDeps, ctx: BotContext, bookId: number): Promise<Hold | null> {
  const page = await deps.core.holds.list(readerActor(ctx), { bookId, limit: 1 });
  return page.results[0] ?? null;
}

/** What the book's card says about the reader's own place, if they have one. */
export function holdOnCardText(ctx: BotContext, deps: BotDeps, hold: Hold): string {
  return hold.status === 'READY'
    ? ctx.t('hold-card-ready', { until: pickupDeadline(deps, hold.ready_until) })
    : ctx.t('hold-card-waiting', { position: hold.position ?? 1 });
}

/** "Join the queue" pressed on a book's card: the outcome, to show above the card redrawn. */
export async function joinQueue(deps: BotDeps, ctx: BotContext, bookId: number): Promise<string> {
  const placed = await attempt(() => deps.core.holds.place(readerActor(ctx), { book_id: bookId }));
  if (!placed.ok) return domainErrorText(ctx.lang, placed);
  return ctx.t('hold-joined', { title: placed.value.book.title, position: placed.value.position ?? 1 });
}

/** Cancel pressed (the book's card or My holds): ask first (screen 'x'), then come back to `from`. */
export function askToCancel(ctx: BotContext, holdId: number, from: 'b' | 'o'): void {
  ctx.session.holdId = holdId;
  ctx.session.holdBack = from;
}
