// Linking a Telegram user to a library account with a one-time code (the t.me deep link from
// POST /api/users/me/telegram-link/). A code can reach the wrong person — sent on purpose by
// someone who wants a reader's Telegram, loans and payments in their account — so the door asks
// first (previewLink) and links only when the person confirms (redeemLinkCode), which checks
// everything again under the write lock: the question may have been on screen for minutes.
// Preview and redeem take no Actor: their authority is the code (the account owner's consent,
// given while logged in) and the Telegram identity the door has from Telegram itself — the
// account the Telegram user holds now may be the very one the link merges away.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { type DB, immediateTransaction, lockForUpdate } from '../../db/connection.js';
import { holdIsActive } from '../../db/hold-status.js';
import type { UserRow } from '../../db/schema.js';
import { mergeReaderHolds, planHoldMerge } from '../holds/index.js';
import {
  type Actor,
  type CoreDeps,
  DomainError,
  isoNow,
  notFound,
  parseInput,
  requirePerson,
  validation,
} from '../kernel/index.js';
import { moveLoans } from '../lending/index.js';
import { enqueue, type Notification, readerNote } from '../notices/index.js';
import { movePayments } from '../payments/index.js';
import { type TelegramIdentity, telegramFirstName, toUser, type User, verifyPassword } from './users.js';

export const LINK_CODE_TTL_MS = 10 * 60 * 1000;
const CODE = /^[A-Za-z0-9_-]{1,64}$/;

export interface LinkPreview {
  /** The account the code links to, its email masked (`o•••@example.com`); null if it has none. */
  email: string | null;
  /** What moves from this Telegram user's own Telegram-only account into it (zeros: nothing). */
  moves: { loans: number; payments: number; holds: number };
  /** The account with an email this Telegram is linked to now, masked, which it would leave. */
  replaces: string | null;
}

/** Enough of an address for its owner to recognise it, too little to learn it: o•••@example.com. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const first = [...email][0];
  return at < 1 || !first ? '•••' : `${first}•••${email.slice(at)}`;
}

const invalidCode = () => new DomainError('INVALID_LINK_CODE', 'This link has expired or was already used; create a new one');

const LinkCodeInput = z.object({
  current_password: z
    .string({ error: 'current_password is required to create a link code' })
    .max(256, 'current_password must be at most 256 characters'),
});

/**
 * The notice to a chat an account lets go of: linked to another Telegram (`by`), or unlinked.
 * Whoever held the account's Telegram learns of it there, where they would notice a stranger's doing.
 */
function letGoNotice(account: UserRow, by?: TelegramIdentity): Notification[] {
  const email = account.email === null ? null : maskEmail(account.email);
  return by
    ? readerNote(account, 'reader.telegram_replaced', {
        email,
        telegram_first_name: telegramFirstName(by),
        telegram_username: by.username ?? null,
      })
    : readerNote(account, 'reader.telegram_unlinked', { email });
}

export function createTelegramLinks({ db, clock, config }: CoreDeps) {
  const maxLoans = config.rules.maxActiveLoans;
  const { maxHolds, holdPickupHours, timeZone } = config.rules;

  /**
   * What linking would do, or why it cannot happen. A Telegram-only account (no email) merges
   * into the linked one, so their active loans together may not exceed MAX_ACTIVE_LOANS.
   */
  async function plan(q: DB, code: string, telegramUserId: number, now: string) {
    if (!CODE.test(code)) throw invalidCode();
    const link = await q.selectFrom('telegram_link_codes').selectAll().where('code', '=', code).executeTakeFirst();
    if (!link || link.used_at !== null || link.expires_at <= now) throw invalidCode();
    const target = await q.selectFrom('users').selectAll().where('id', '=', link.user_id).executeTakeFirst();
    if (!target) throw invalidCode();
    const current = await q.selectFrom('users').selectAll().where('telegram_user_id', '=', telegramUserId).executeTakeFirst();
    const other = current && current.id !== target.id ? current : undefined;
    const merging: UserRow | undefined = other?.email === null ? other : undefined;
    const moves = { loans: 0, payments: 0, holds: 0 };
    if (merging) {
      const loans = await q
        .selectFrom('borrowings')
        .select([
          sql<number>`count(*)`.as('all'),
          sql<number>`coalesce(sum(CASE WHEN actual_return_date IS NULL THEN 1 ELSE 0 END), 0)`.as('active'),
        ])
        .where('user_id', '=', merging.id)
        .executeTakeFirstOrThrow();
      const payments = await q
        .selectFrom('payments')
        .select(sql<number>`count(*)`.as('n'))
        .where('user_id', '=', merging.id)
        .executeTakeFirstOrThrow();
      moves.loans = Number(loans.all);
      moves.payments = Number(payments.n);
      const holds = await planHoldMerge(q, merging.id, target.id);
      moves.holds = holds.moving;
      if (holds.after > maxHolds) {
        throw new DomainError(
          'LINK_HOLD_LIMIT',
          `Linking would leave the account with ${holds.after} holds; at most ${maxHolds} are allowed. Cancel ${holds.after - maxHolds} first`,
          { limit: maxHolds, holds: holds.after },
        );
      }
      const here = Number(loans.active);
      if (here > 0) {
        const held = await q
          .selectFrom('borrowings')
          .select(sql<number>`count(*)`.as('n'))
          .where('user_id', '=', target.id)
          .where('actual_return_date', 'is', null)
          .executeTakeFirstOrThrow();
        const there = Number(held.n);
        if (here + there > maxLoans) {
          throw new DomainError(
            'LINK_LOAN_LIMIT',
            `Linking would leave the account with ${here + there} books on loan; at most ${maxLoans} are allowed. Return ${here + there - maxLoans} first`,
            { limit: maxLoans, here, there },
          );
        }
      }
    }
    return { target, other, merging, moves };
  }

  /**
   * A one-time code (10 minutes) that links this account to whoever opens the deep link and
   * confirms. It needs the account's current password (`{current_password}`: VALIDATION without
   * it, WRONG_PASSWORD when wrong), so a stolen access token alone cannot bind a stranger's
   * Telegram. An account without a password (Telegram-only: its Telegram is its only way in) has
   * nothing to confirm with and cannot create codes.
   */
  async function createLinkCode(actor: Actor, input: unknown): Promise<{ code: string; expiresAt: string }> {
    const userId = requirePerson(actor).userId;
    const user = await db.selectFrom('users').select(['id', 'password_hash']).where('id', '=', userId).executeTakeFirst();
    if (!user) throw notFound('User');
    if (user.password_hash === null) {
      throw validation('This account has no password to confirm a link with: set an email and a password first', [
        { field: 'current_password', message: 'this account has no password' },
      ]);
    }
    const { current_password } = parseInput(LinkCodeInput, input ?? {});
    if (!(await verifyPassword(current_password, user.password_hash))) {
      throw new DomainError('WRONG_PASSWORD', 'current_password is not your current password');
    }
    const code = crypto.randomBytes(24).toString('base64url'); // 32 chars of A-Za-z0-9_-
    const expiresAt = new Date(clock.now().getTime() + LINK_CODE_TTL_MS).toISOString();
    await db
      .insertInto('telegram_link_codes')
      .values({ code, user_id: userId, expires_at: expiresAt, used_at: null, used_by_telegram_user_id: null })
      .execute();
    return { code, expiresAt };
  }

  /**
   * Unlinks this account's Telegram; the chat is told. Nothing linked: nothing to do. Refused
   * (CONFLICT) for an account with no email to log in with: its Telegram is its only way in.
   */
  async function unlinkTelegram(actor: Actor): Promise<void> {
    const userId = requirePerson(actor).userId;
    await immediateTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'users', [userId]);
      const row = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!row) throw notFound('User');
      if (row.telegram_user_id === null) return;
      if (row.email === null || row.password_hash === null) {
        throw new DomainError(
          'CONFLICT',
          'This account has no email and password to log in with: unlinking Telegram would lock you out. Set them first',
        );
      }
      await trx
        .updateTable('users')
        .set({ telegram_user_id: null, telegram_username: null, telegram_first_name: null })
        .where('id', '=', userId)
        .execute();
      await enqueue(trx, letGoNotice(row), clock.now().getTime());
    });
  }

  /** What redeeming the code would do for this Telegram user; nothing changes. */
  async function previewLink(code: string, telegramUserId: number): Promise<LinkPreview> {
    const { target, other, moves } = await plan(db, code, telegramUserId, isoNow(clock));
    return {
      email: target.email === null ? null : maskEmail(target.email),
      moves,
      replaces: other?.email ? maskEmail(other.email) : null,
    };
  }

  /**
   * Links the account to this Telegram user; the code works once. A Telegram-only account of
   * theirs merges into it (loans and payments move, the empty account goes); an account with an
   * email only lets go of the Telegram. The person keeps the language they use in Telegram.
   */
  async function redeemLinkCode(code: string, tg: TelegramIdentity): Promise<User> {
    const now = isoNow(clock);
    return immediateTransaction(db, async (trx) => {
      // PostgreSQL: hold the accounts involved (borrowing locks its reader too), then plan again
      // on what is committed now, so no loan slips in between the limit check and the merge.
      const first = await plan(trx, code, tg.id, now);
      await lockForUpdate(trx, 'users', [first.target.id, ...(first.other ? [first.other.id] : [])]);
      const { target, other, merging } = await plan(trx, code, tg.id, now);
      const used = await trx
        .updateTable('telegram_link_codes')
        .set({ used_at: now, used_by_telegram_user_id: tg.id })
        .where('code', '=', code)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw invalidCode();
      if (other) await trx.updateTable('users').set({ telegram_user_id: null }).where('id', '=', other.id).execute();
      if (merging) {
        // Each wing moves its own records to the account being linked (docs/architecture.md).
        await mergeReaderHolds(trx, merging.id, target.id, { now: clock.now(), pickupHours: holdPickupHours, timeZone });
        await moveLoans(trx, merging.id, target.id);
        await movePayments(trx, merging.id, target.id);
        await trx.deleteFrom('telegram_link_codes').where('user_id', '=', merging.id).execute();
        await trx.deleteFrom('users').where('id', '=', merging.id).execute();
      }
      const row = await trx
        .updateTable('users')
        .set({
          telegram_user_id: tg.id,
          telegram_username: tg.username ?? null,
          telegram_first_name: telegramFirstName(tg),
          language: other?.language ?? target.language,
        })
        .where('id', '=', target.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      // The Telegram this account had until now is told it was replaced (and by which).
      if (target.telegram_user_id !== tg.id) await enqueue(trx, letGoNotice(target, tg), clock.now().getTime());
      return toUser(row);
    });
  }

  return { createLinkCode, unlinkTelegram, previewLink, redeemLinkCode };
}
