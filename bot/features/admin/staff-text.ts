// How staff screens name readers and show a book's queue: the /admin lists and the console alike.
import type { Book } from '../../../core/catalogue/index.js';
import type { QueueLine } from '../../../core/holds/index.js';
import { libraryDateTime } from '../../../core/kernel/index.js';
import type { BotContext } from '../../context.js';
import { truncate } from '../../text.js';

/** Name, @username and account number: what staff need to tell readers apart. */
export function readerTag(name: string, username: string | null, id: number): string {
  const n = truncate(name, 60);
  return username ? `${n} (@${username}, #${id})` : `${n} (#${id})`;
}

/** Copies set aside for READY holds: every shelf copy not available to borrow (SPEC §11). */
export const setAside = (b: Pick<Book, 'inventory' | 'available'>) => Math.max(0, b.inventory - b.available);

/** Lines of a book's queue (core.holds.queue): READY holds with their deadline, then WAITING in order. */
export function queueLines(ctx: BotContext, timeZone: string, lines: QueueLine[]): string[] {
  return lines.map((l) => {
    const reader = readerTag(l.reader, l.telegram_username, l.user_id);
    return l.status === 'READY'
      ? ctx.t('queue-line-ready', { reader, until: l.ready_until ? libraryDateTime(new Date(l.ready_until), timeZone) : '' })
      : ctx.t('queue-line-waiting', { position: l.position ?? 0, reader, since: l.created_at.slice(0, 10) });
  });
}
