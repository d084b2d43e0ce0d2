/**
 * The staff chat under load (README, Notices). Telegram lets a group receive 20 messages a
 * minute, and every borrowing, extension, return and payment is one staff notice: in a busy hour
 * single notices queue for minutes, the daily overdue report behind them. So, each time the
 * dispatcher may send to a group chat:
 *   1. a due overdue report goes first, before the single notices queued ahead of it;
 *   2. when more notices wait than the group can take before its oldest send of the minute
 *      leaves the window, they are combined into one digest message — the counts by kind, the
 *      first few, buttons into the console — and the combined rows are marked sent as part of it
 *      (outbox.part_of), in one transaction with the digest's own row (db/outbox.ts combineInto);
 *   3. otherwise the oldest notice goes alone, as always.
 * The digest is an outbox row like any other: claimed, sent, retried, at least once.
 */
import type { NotificationKind, StaffDigestEntry, StaffDigestPayload, StaffEventKind } from '../core/notices/index.js';
import type { DB } from '../db/connection.js';
import { type CombinedRow, combineInto, countDue, dueRowOfKind, type OutboxHead } from '../db/outbox.js';

export const OVERDUE_REPORT_KIND = 'staff.overdue_report' satisfies NotificationKind;
export const DIGEST_KIND = 'staff.digest' satisfies NotificationKind;
/** The notices a digest may stand for: one per event, each told again by the console. */
export const DIGESTIBLE_KINDS = [
  'staff.borrowing_created',
  'staff.borrowing_extended',
  'staff.borrowing_returned',
  'staff.payment_received',
] as const satisfies readonly StaffEventKind[];
/** How many of the combined notices a digest shows line by line. */
export const DIGEST_FIRST = 5;
/** At most this many notices go into one digest (the rest into the next). */
export const DIGEST_MAX = 1000;

const isDigestible = (kind: string): kind is StaffEventKind => (DIGESTIBLE_KINDS as readonly string[]).includes(kind);

/** A digest's payload: how many of each kind, and the first few as they were queued. */
export function digestPayload(rows: CombinedRow[]): StaffDigestPayload {
  const counts: StaffDigestPayload['counts'] = {};
  const first: StaffDigestEntry[] = [];
  for (const r of rows) {
    // combineInto takes rows of DIGESTIBLE_KINDS only.
    if (!isDigestible(r.kind)) continue;
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    if (first.length === DIGEST_FIRST) continue;
    let payload: unknown = {};
    try {
      payload = JSON.parse(r.payload);
    } catch {
      // A broken payload still counts; its line shows what it can.
    }
    // The payload as its producer queued it (core/notices/payloads.ts), or what is left of it.
    first.push({ kind: r.kind, payload } as StaffDigestEntry);
  }
  return { total: rows.length, counts, first, first_id: rows[0]!.id, last_id: rows[rows.length - 1]!.id };
}

/**
 * Which row of a group chat goes out now, the chat being ready for one: the overdue report, a
 * digest of what waits when that is more than `room`, or the chat's head as it is.
 */
export async function groupChatRow(db: DB, head: OutboxHead, room: number, nowMs: number): Promise<OutboxHead> {
  const report = head.kind === OVERDUE_REPORT_KIND ? head : await dueRowOfKind(db, head.chat_id, OVERDUE_REPORT_KIND, nowMs);
  if (report) return report;
  if (!(DIGESTIBLE_KINDS as readonly string[]).includes(head.kind)) return head;
  const waiting = await countDue(db, head.chat_id, DIGESTIBLE_KINDS, nowMs, room + 1);
  if (waiting <= room) return head;
  const digest = await combineInto(
    db,
    { chatId: head.chat_id, kinds: DIGESTIBLE_KINDS, kind: DIGEST_KIND, language: head.language, nowMs, limit: DIGEST_MAX },
    digestPayload,
  );
  return digest ?? head;
}
