// Reader notices about holds (ready, expired), queued set-based as INSERT … SELECT: the
// expire-holds job ends thousands of holds in one transaction, without a statement per hold.
import { type Selectable, sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { concatText, idSet, jsonObject, param } from '../../db/dialect-sql.js';
import type { BooksTable, HoldsTable } from '../../db/schema.js';
import { chunks } from '../kernel/index.js';
import { aliasedColumns, type PayloadSql } from './outbox.js';
import type { HoldPayload, HoldReadyPayload } from './payloads.js';

// Columns of the hold (alias h) and its book (alias k) in the SELECT.
const holdCol = aliasedColumns<Selectable<HoldsTable>>('h');
const bookCol = aliasedColumns<Selectable<BooksTable>>('k');

/** What every hold notice says, as SQL. */
const holdFields: PayloadSql<HoldPayload> = {
  hold_id: holdCol('id'),
  book_id: bookCol('id'),
  book_title: bookCol('title'),
  book_author: bookCol('author'),
  ready_until: holdCol('ready_until'),
};

/**
 * Reader notices about these holds, one per hold and kind (dedup `<kind>:<hold id>`), as
 * INSERT … SELECT: thousands of holds (expire-holds) without a statement per hold. Readers
 * without Telegram get none.
 */
export function holdNotices(
  trx: DB,
  kind: 'reader.hold_ready',
  holdIds: readonly number[],
  nowMs: number,
  extra: Omit<HoldReadyPayload, keyof HoldPayload>,
): Promise<number>;
export function holdNotices(trx: DB, kind: 'reader.hold_expired', holdIds: readonly number[], nowMs: number): Promise<number>;
export async function holdNotices(
  trx: DB,
  kind: 'reader.hold_ready' | 'reader.hold_expired',
  holdIds: readonly number[],
  nowMs: number,
  extra: Partial<Omit<HoldReadyPayload, keyof HoldPayload>> = {},
): Promise<number> {
  let queued = 0;
  const dedup = kind === 'reader.hold_ready' ? 'hold-ready:' : 'hold-expired:';
  for (const ids of chunks(holdIds)) {
    const r = await trx
      .insertInto('outbox')
      .columns(['chat_id', 'kind', 'payload', 'language', 'dedup_key', 'attempts', 'next_attempt_at', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('holds as h')
          .innerJoin('books as k', 'k.id', 'h.book_id')
          .innerJoin('users as u', 'u.id', 'h.user_id')
          .select([
            sql<number>`u.telegram_user_id`.as('chat_id'),
            param(trx, kind, 'text').as('kind'),
            jsonObject(trx, { ...holdFields, ...extra }).as('payload'),
            'u.language',
            concatText(trx, dedup, sql.ref<number>('h.id')).as('dedup_key'),
            sql<number>`0`.as('attempts'),
            param(trx, nowMs, 'bigint').as('next_attempt_at'),
            param(trx, new Date(nowMs).toISOString(), 'text').as('created_at'),
          ])
          .where('h.id', 'in', idSet(trx, ids))
          .where('u.telegram_user_id', 'is not', null)
          .orderBy('h.id'),
      )
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .executeTakeFirst();
    queued += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return queued;
}
