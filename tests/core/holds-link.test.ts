// Linking Telegram to a REST account merges the Telegram-only account into it (SPEC §10): its
// holds move too (SPEC §11), keeping one active hold per reader and book (the one with a copy
// set aside, else the earlier place, stays; the other is cancelled and a READY one's copy goes on),
// none on a book the account now has on loan, and at most MAX_HOLDS — else the link is refused
// (LINK_HOLD_LIMIT), as it is for MAX_ACTIVE_LOANS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../core/accounts/users.js';
import type { UserActor } from '../../core/index.js';
import { addDays } from '../../core/kernel/clock.js';
import { createWorld, makeBook, type World } from '../helpers/world.js';

let w: World;
let tg = 4_400_000;
beforeAll(async () => {
  w = await createWorld({ env: { MAX_HOLDS: '3' } });
});
afterAll(async () => {
  await w?.close();
});

const telegramOnly = async () => {
  const user = await w.core.users.ensureTelegramReader({ id: ++tg, first_name: 'Tg' });
  return { actor: { userId: user.id, isStaff: false } as UserActor, tgId: tg };
};
const REST_PASSWORD = 'rest account pw';
let restHash: Promise<string> | undefined;
const restAccount = async () => {
  restHash ??= hashPassword(REST_PASSWORD);
  const row = await w.db
    .insertInto('users')
    .values({
      email: `rest${++tg}@example.test`,
      password_hash: await restHash,
      first_name: 'Rest',
      last_name: 'Reader',
      created_at: '2026-03-10T10:00:00Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, isStaff: false } as UserActor;
};
/** A book whose one copy is out, lent to a stranger: the loan to return later. */
const bookOut = async () => {
  const book = await makeBook(w.core, { inventory: 1 });
  const lender = await restAccount();
  const { borrowing } = await w.core.borrowings.borrow(lender, {
    book_id: book.id,
    expected_return_date: addDays(w.core.borrowings.today(), 5),
  });
  return { book, lender, loanId: borrowing.id };
};
const link = async (rest: UserActor, tgId: number) => {
  const { code } = await w.core.users.createLinkCode(rest, { current_password: REST_PASSWORD });
  const preview = await w.core.users.previewLink(code, tgId);
  return { preview, redeem: () => w.core.users.redeemLinkCode(code, { id: tgId, first_name: 'Tg' }) };
};
const holdsOf = (userId: number) =>
  w.db.selectFrom('holds').select(['id', 'book_id', 'status']).where('user_id', '=', userId).orderBy('id').execute();

describe('a merge moves holds', () => {
  it('moves them, keeps the READY one of two on one book (the other cancelled), and cancels a hold on a book now on loan to the account', async () => {
    const { actor: phone, tgId } = await telegramOnly();
    const rest = await restAccount();
    const shared = await bookOut();
    const only = await bookOut();
    // Both queue for `shared`: rest first, then phone; the copy comes back to rest's (READY).
    const restShared = await w.core.holds.place(rest, { book_id: shared.book.id });
    const phoneShared = await w.core.holds.place(phone, { book_id: shared.book.id });
    await w.core.borrowings.returnBook(shared.lender, shared.loanId);
    const phoneOnly = await w.core.holds.place(phone, { book_id: only.book.id });
    // The phone account holds `lent` on loan while rest queues for it.
    const lent = await makeBook(w.core, { inventory: 1 });
    await w.core.borrowings.borrow(phone, { book_id: lent.id, expected_return_date: addDays(w.core.borrowings.today(), 5) });
    const restLent = await w.core.holds.place(rest, { book_id: lent.id });

    const { preview, redeem } = await link(rest, tgId);
    expect(preview.moves).toMatchObject({ loans: 1, holds: 2 });
    await redeem();
    const after = await holdsOf(rest.userId);
    expect(after.map((h) => [h.id, h.status])).toEqual([
      [restShared.id, 'READY'],
      [phoneShared.id, 'CANCELLED'],
      [phoneOnly.id, 'WAITING'],
      [restLent.id, 'CANCELLED'],
    ]);
    expect(
      await w.db.selectFrom('books').select(['held', 'waiting']).where('id', '=', shared.book.id).executeTakeFirstOrThrow(),
    ).toEqual({ held: 1, waiting: 0 });
    expect(
      await w.db.selectFrom('books').select(['held', 'waiting']).where('id', '=', lent.id).executeTakeFirstOrThrow(),
    ).toEqual({ held: 0, waiting: 0 });
  });

  it('a READY hold given up in the merge passes its copy to the next reader waiting', async () => {
    const { actor: phone, tgId } = await telegramOnly();
    const rest = await restAccount();
    const other = await restAccount();
    const { book, lender, loanId } = await bookOut();
    await w.core.holds.place(phone, { book_id: book.id });
    await w.core.holds.place(rest, { book_id: book.id });
    const next = await w.core.holds.place(other, { book_id: book.id });
    await w.core.borrowings.returnBook(lender, loanId); // phone's READY; rest, other WAITING
    // Both the merged holds are one reader's: phone's READY one stays; rest's WAITING is cancelled.
    await (await link(rest, tgId)).redeem();
    expect((await holdsOf(rest.userId)).map((h) => h.status)).toEqual(['READY', 'CANCELLED']);
    expect((await w.core.holds.get(other, next.id)).position).toBe(1);
  });

  it('is refused when the account would be left with more than MAX_HOLDS (LINK_HOLD_LIMIT), and nothing moves', async () => {
    const { actor: phone, tgId } = await telegramOnly();
    const rest = await restAccount();
    for (let i = 0; i < 2; i++) await w.core.holds.place(phone, { book_id: (await bookOut()).book.id });
    for (let i = 0; i < 2; i++) await w.core.holds.place(rest, { book_id: (await bookOut()).book.id });
    const { code } = await w.core.users.createLinkCode(rest, { current_password: REST_PASSWORD });
    await expect(w.core.users.previewLink(code, tgId)).rejects.toMatchObject({ code: 'LINK_HOLD_LIMIT' });
    await expect(w.core.users.redeemLinkCode(code, { id: tgId, first_name: 'Tg' })).rejects.toMatchObject({
      code: 'LINK_HOLD_LIMIT',
    });
    expect(await holdsOf(phone.userId)).toHaveLength(2);
  });
});
