/**
 * The outbox dispatcher's SQL (jobs/dispatcher.ts): which rows are due, claiming one, and what
 * a claim ends in. A claim names its holder (`claimed_by`: the dispatcher's lease holder id)
 * and holds the row until `next_attempt_at`; it ends when the row is marked sent or failed, or
 * is scheduled again (the claim is then cleared). A holder that takes the `dispatcher` lease
 * releases at once every claim another holder left — that holder can no longer claim or be
 * alive and holding the lease, so its claims are orphans.
 */
import { sql } from 'kysely';
import { type DB, immediateTransaction } from './connection.js';
import { isPostgres } from './engine.js';
import { leaseHeld } from './leases.js';

export interface OutboxHead {
  id: number;
  chat_id: number;
  kind: string;
  payload: string;
  language: string;
  attempts: number;
  created_at: string;
}

/**
 * The earliest pending row of each chat (its "head"), when due, in id order. Only heads are
 * ever sent, which keeps each chat in order. Reads the partial index of pending rows only
 * (outbox_chat_pending), never the history of sent ones.
 */
export function dueHeads(db: DB, nowMs: number, afterId: number, limit: number): Promise<OutboxHead[]> {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('outbox')
        .select(['chat_id', (e) => e.fn.min<number>('id').as('head_id')])
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .groupBy('chat_id')
        .as('h'),
    )
    .innerJoin('outbox as o', 'o.id', 'h.head_id')
    .select(['o.id', 'o.chat_id', 'o.kind', 'o.payload', 'o.language', 'o.attempts', 'o.created_at'])
    .where('o.next_attempt_at', '<=', nowMs)
    .where('o.id', '>', afterId)
    .orderBy('o.id')
    .limit(limit)
    .execute();
}

export interface Claim {
  holder: string;
  /** How long the claim holds the row if never ended (the fallback when nobody takes over). */
  holdMs: number;
  /** Claim only while the holder holds this lease. */
  fence?: string;
}

/**
 * Claims a due, pending row for `claim.holder` (counting an attempt); true when it did. One
 * conditional UPDATE: of two claimers, one wins. On PostgreSQL the row is picked with FOR
 * UPDATE SKIP LOCKED, so a claimer never queues behind another one's claim of the same row: it
 * moves on at once, and the row is the other's either way.
 */
export async function claimRow(db: DB, id: number, claim: Claim, nowMs: number): Promise<boolean> {
  let q = db
    .updateTable('outbox')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: nowMs + claim.holdMs, claimed_by: claim.holder })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('next_attempt_at', '<=', nowMs);
  if (isPostgres(db)) {
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('outbox as picked').select('picked.id').where('picked.id', '=', id).forUpdate().skipLocked(),
    );
  }
  const fence = claim.fence;
  if (fence !== undefined) q = q.where((eb) => eb.exists(leaseHeld(db, fence, claim.holder, nowMs)));
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Telegram took it: sent, whoever holds the claim now (the claim stays on the row as history). */
export async function markSent(db: DB, id: number, sentAt: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_at: sentAt, last_error: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Given up on. `holder` set: only while that claim is still the row's (a claim released to a
 * successor is the successor's to end); unset: a row that was never claimed (cannot render).
 */
export async function markFailed(db: DB, id: number, failedAt: string, error: string, holder?: string): Promise<void> {
  let q = db
    .updateTable('outbox')
    .set({ failed_at: failedAt, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .where('sent_at', 'is', null);
  if (holder !== undefined) q = q.where('claimed_by', '=', holder);
  await q.execute();
}

/**
 * Ends the holder's claim and makes the row due again at `nextAttemptAt`; `giveBackAttempt` for
 * a 429 (flood control is not the message's fault).
 */
export async function retryLater(
  db: DB,
  id: number,
  holder: string,
  nextAttemptAt: number,
  error: string,
  giveBackAttempt = false,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      next_attempt_at: nextAttemptAt,
      last_error: error.slice(0, 500),
      claimed_by: null,
      ...(giveBackAttempt ? { attempts: sql<number>`CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END` } : {}),
    })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('claimed_by', '=', holder)
    .execute();
}

/**
 * Releases every claim in flight that is not `holder`'s: those rows are due at once, first in
 * their chats as before. Called by a new holder of the `dispatcher` lease (index outbox_claimed).
 */
export async function releaseClaimsOfOthers(
  db: DB,
  holder: string,
  nowMs: number,
): Promise<{ released: number; holders: string[] }> {
  const orphaned = () =>
    db
      .updateTable('outbox')
      .where('claimed_by', 'is not', null)
      .where('claimed_by', '<>', holder)
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null);
  const holders = await db
    .selectFrom('outbox')
    .select('claimed_by')
    .distinct()
    .where('claimed_by', 'is not', null)
    .where('claimed_by', '<>', holder)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
  if (holders.length === 0) return { released: 0, holders: [] };
  const rows = await orphaned().set({ claimed_by: null, next_attempt_at: nowMs }).returning('id').execute();
  return { released: rows.length, holders: holders.map((h) => h.claimed_by!) };
}

/** Rows still to deliver (pending, whether due, backing off or claimed). */
export async function pendingCount(db: DB): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select(sql<number>`count(*)`.as('n'))
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const HEAD_COLUMNS = ['id', 'chat_id', 'kind', 'payload', 'language', 'attempts', 'created_at'] as const;

/** A chat's earliest pending row of this kind that is due (the staff chat's overdue report, sent before single notices). */
export function dueRowOfKind(db: DB, chatId: number, kind: string, nowMs: number): Promise<OutboxHead | undefined> {
  return db
    .selectFrom('outbox')
    .select(HEAD_COLUMNS)
    .where('chat_id', '=', chatId)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('kind', '=', kind)
    .where('next_attempt_at', '<=', nowMs)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** How many of a chat's pending rows of these kinds are due, counting at most `upTo` (over outbox_chat_pending). */
export async function countDue(db: DB, chatId: number, kinds: readonly string[], nowMs: number, upTo: number): Promise<number> {
  const r = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('chat_id', '=', chatId)
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('kind', 'in', [...kinds])
        .where('next_attempt_at', '<=', nowMs)
        .limit(upTo)
        .as('w'),
    )
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A row combined into a digest, as the digest's payload is made from it. */
export interface CombinedRow {
  id: number;
  kind: string;
  payload: string;
}

/**
 * Combines up to `limit` of a chat's due pending rows of these kinds, oldest first, into one new
 * row of `kind` (the digest) in one transaction: the rows are marked sent with `part_of` naming
 * the digest, whose payload `payloadOf` makes from them. Rows claimed by a dispatcher (not due)
 * stay as they are. Null when nothing was left to combine.
 */
export async function combineInto(
  db: DB,
  c: { chatId: number; kinds: readonly string[]; kind: string; language: string; nowMs: number; limit: number },
  payloadOf: (rows: CombinedRow[]) => object,
): Promise<OutboxHead | null> {
  const at = new Date(c.nowMs).toISOString();
  return immediateTransaction(db, async (trx) => {
    const digest = await trx
      .insertInto('outbox')
      .values({
        chat_id: c.chatId,
        kind: c.kind,
        payload: '{}',
        language: c.language,
        dedup_key: null,
        next_attempt_at: c.nowMs,
        sent_at: null,
        failed_at: null,
        last_error: null,
        created_at: at,
      })
      .returning(HEAD_COLUMNS)
      .executeTakeFirstOrThrow();
    const rows = await trx
      .updateTable('outbox')
      .set({ sent_at: at, part_of: digest.id, last_error: null })
      .where('id', 'in', (eb) => {
        let q = eb
          .selectFrom('outbox as o')
          .select('o.id')
          .where('o.chat_id', '=', c.chatId)
          .where('o.sent_at', 'is', null)
          .where('o.failed_at', 'is', null)
          .where('o.kind', 'in', [...c.kinds])
          .where('o.next_attempt_at', '<=', c.nowMs)
          .where('o.id', '<', digest.id)
          .orderBy('o.id')
          .limit(c.limit);
        if (isPostgres(trx)) q = q.forUpdate().skipLocked();
        return q;
      })
      .where('sent_at', 'is', null)
      .returning(['id', 'kind', 'payload'])
      .execute();
    if (rows.length === 0) {
      await trx.deleteFrom('outbox').where('id', '=', digest.id).execute();
      return null;
    }
    rows.sort((a, b) => a.id - b.id);
    const payload = JSON.stringify(payloadOf(rows));
    await trx.updateTable('outbox').set({ payload }).where('id', '=', digest.id).execute();
    return { ...digest, payload };
  });
}

/** What a notice's Pay button needs to know about its payment when the notice is sent. */
export interface PaymentLink {
  id: number;
  status: string;
  session_url: string | null;
}

/** The payments behind a batch's Pay buttons, in one query (rendering happens at send time). */
export function paymentLinks(db: DB, ids: readonly number[]): Promise<PaymentLink[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('payments')
    .select(['id', 'status', 'session_url'])
    .where('id', 'in', [...ids])
    .execute();
}
