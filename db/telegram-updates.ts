// The webhook's record of Telegram updates (table telegram_updates, migration 008), so that an
// update delivered twice — to two instances, or again by Telegram — is handled once, and updates
// of one chat that arrived together are handled in update_id order (bot/update-gate.ts). The
// caller holds the chat's lock (db/keyed-locks.ts) between `turnOf` and `markHandled`.
// Long polling writes down what it fetched, bodies too (migration 011), before Telegram is told
// it arrived, and claims each update as it begins it (bot/polling-inbox.ts).
import type { DB } from './connection.js';

/** Records the update's arrival; false when it was recorded before (a second delivery). */
export async function registerUpdate(db: DB, updateId: number, chatKey: string, nowMs: number): Promise<boolean> {
  const r = await db
    .insertInto('telegram_updates')
    .values({ update_id: updateId, chat_key: chatKey, received_at: nowMs, handled_at: null })
    .onConflict((oc) => oc.column('update_id').doNothing())
    .returning('update_id')
    .executeTakeFirst();
  return r !== undefined;
}

export interface UpdateTurn {
  /** It was handled already (by this instance or another). */
  handled: boolean;
  /** An earlier update of the same chat, received since `sinceMs`, is still waiting to be handled. */
  earlierWaiting: boolean;
}

/** Where the update stands, in one query (the chat's waiting rows come from a partial index). */
export async function turnOf(db: DB, updateId: number, chatKey: string, sinceMs: number): Promise<UpdateTurn> {
  const row = await db
    .selectFrom('telegram_updates as u')
    .select((eb) => [
      'u.handled_at',
      eb
        .exists(
          eb
            .selectFrom('telegram_updates as e')
            .select('e.update_id')
            .where('e.chat_key', '=', chatKey)
            .where('e.update_id', '<', updateId)
            .where('e.handled_at', 'is', null)
            .where('e.received_at', '>=', sinceMs),
        )
        .as('earlier'),
    ])
    .where('u.update_id', '=', updateId)
    .executeTakeFirst();
  // A row pruned meanwhile was handled long ago.
  if (!row) return { handled: true, earlierWaiting: false };
  return { handled: row.handled_at !== null, earlierWaiting: Boolean(row.earlier) };
}

/**
 * Claims the update for handling until `nowMs + holdMs`: true for one claimer, while it is not
 * handled and nobody else's claim is live. The chat lock already keeps two handlers apart where
 * it is shared; the claim also holds where it is not (two processes on one SQLite file, two
 * services in one process), and lapses if its holder dies mid-update.
 */
export async function claimUpdate(db: DB, updateId: number, nowMs: number, holdMs: number): Promise<boolean> {
  const r = await db
    .updateTable('telegram_updates')
    .set({ claimed_until: nowMs + holdMs })
    .where('update_id', '=', updateId)
    .where('handled_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markHandled(db: DB, updateId: number, nowMs: number): Promise<void> {
  await db.updateTable('telegram_updates').set({ handled_at: nowMs, body: null }).where('update_id', '=', updateId).execute();
}

/** Records a fetched batch, bodies and all, in one statement; updates recorded before stay as they are. */
export async function recordPolled(
  db: DB,
  updates: ReadonlyArray<{ updateId: number; chatKey: string; body: string }>,
  nowMs: number,
): Promise<void> {
  if (updates.length === 0) return;
  await db
    .insertInto('telegram_updates')
    .values(
      updates.map((u) => ({ update_id: u.updateId, chat_key: u.chatKey, received_at: nowMs, handled_at: null, body: u.body })),
    )
    .onConflict((oc) => oc.column('update_id').doNothing())
    .execute();
}

export interface UnhandledUpdate {
  updateId: number;
  body: string;
  /** Someone began handling it (and never said it was done). */
  begun: boolean;
}

/** Polled updates received since `sinceMs` and not handled, oldest first (the unhandled rows' partial index). */
export async function unhandledPolled(db: DB, sinceMs: number): Promise<UnhandledUpdate[]> {
  const rows = await db
    .selectFrom('telegram_updates')
    .select(['update_id', 'body', 'claimed_until'])
    .where('handled_at', 'is', null)
    .where('body', 'is not', null)
    .where('received_at', '>=', sinceMs)
    .orderBy('update_id')
    .execute();
  return rows.map((r) => ({ updateId: Number(r.update_id), body: r.body!, begun: r.claimed_until !== null }));
}

/** Marks updates handled without handling them (given up), in one statement. */
export async function markGivenUp(db: DB, updateIds: readonly number[], nowMs: number): Promise<void> {
  if (updateIds.length === 0) return;
  await db.updateTable('telegram_updates').set({ handled_at: nowMs, body: null }).where('update_id', 'in', updateIds).execute();
}

/** Forgets updates received before `beforeMs` (Telegram gives up on an update after 24 hours). */
export async function pruneUpdates(db: DB, beforeMs: number): Promise<number> {
  const r = await db.deleteFrom('telegram_updates').where('received_at', '<', beforeMs).executeTakeFirst();
  return Number(r.numDeletedRows);
}
