// Issue 11.2, the staff rights of the sandbox librarian: only the account the sandbox made for the
// persona is promoted, never one linked to it; starting without the sandbox takes the rights back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { SANDBOX_LIBRARIAN_TELEGRAM_ID, sandboxPersonas } from '../../sandbox/index.js';
import { createWorld, makeReader, type World } from '../helpers/world.js';

const librarian = sandboxPersonas(-100).find((p) => p.id === 'librarian')!.user;
let w: World;

beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  await w.close();
});

const staffIds = async () =>
  (await w.db.selectFrom('users').select('id').where('is_staff', '=', 1).orderBy('id').execute()).map((r) => r.id);

describe('the sandbox librarian is a dedicated Telegram-only account', () => {
  it('is created on first start with staff rights, and found again on the next', async () => {
    const first = await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian);
    expect(first).toMatchObject({ created: true });
    const id = (first as { userId: number }).userId;
    const row = await w.core.users.findByTelegramId(SANDBOX_LIBRARIAN_TELEGRAM_ID);
    expect(row).toMatchObject({ id, email: null, is_staff: 1 });
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ userId: id, created: false });
    expect(await staffIds()).toEqual([id]);
  });

  it('a REST account linked to the persona never becomes staff, on this start or the next', async () => {
    await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian);
    const { user } = await makeReader(w.core);
    const { code } = await w.core.users.createLinkCode(
      { userId: user.id, isStaff: false },
      { current_password: 'correct horse' },
    );
    const linked = await w.core.users.redeemLinkCode(code, librarian);
    expect(linked.is_staff).toBe(false);
    // The sandbox starts again: the persona now answers to the REST account, which stays a reader.
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ heldBy: user.id });
    expect((await w.core.users.get(SYSTEM_ACTOR, user.id)).is_staff).toBe(false);
    expect(await staffIds()).toEqual([]);
  });

  it("an account that merely has the persona's Telegram id (a real user, a reader) is never promoted", async () => {
    const { user } = await makeReader(w.core, { telegramId: SANDBOX_LIBRARIAN_TELEGRAM_ID });
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ heldBy: user.id });
    // A Telegram-only reader who talked to the bot before the sandbox ever ran.
    await w.db.updateTable('users').set({ telegram_user_id: null }).where('id', '=', user.id).execute();
    const { user: tgOnly } = await w.core.users.ensureTelegramUser(librarian);
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ heldBy: tgOnly.id });
    expect(await staffIds()).toEqual([]);
  });
});

describe('starting without the sandbox takes the rights back', () => {
  it('demotes the marked account; the sandbox promotes it again when it returns', async () => {
    const { userId } = (await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)) as { userId: number };
    expect(await w.core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID)).toEqual([userId]);
    expect(await staffIds()).toEqual([]);
    expect(await w.core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID)).toEqual([]);
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ userId, created: false });
    expect(await staffIds()).toEqual([userId]);
  });

  it('also demotes the staff account an older version made for the persona (no mark), and adopts it in sandbox mode', async () => {
    const { user } = await w.core.users.ensureTelegramUser(librarian);
    await w.db.updateTable('users').set({ is_staff: 1 }).where('id', '=', user.id).execute();
    expect(await w.core.users.promoteSandboxLibrarian(SYSTEM_ACTOR, librarian)).toEqual({ userId: user.id, created: false });
    expect(await w.core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID)).toEqual([user.id]);

    // Without the mark at all (a database from before it existed):
    await w.db.deleteFrom('settings').where('key', '=', 'sandbox_librarian_user_id').execute();
    await w.db.updateTable('users').set({ is_staff: 1 }).where('id', '=', user.id).execute();
    expect(await w.core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID)).toEqual([user.id]);
    expect(await staffIds()).toEqual([]);
  });

  it('never demotes real staff', async () => {
    const { user } = await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'boss@example.test', 'staff password');
    await w.db.updateTable('users').set({ telegram_user_id: SANDBOX_LIBRARIAN_TELEGRAM_ID }).where('id', '=', user.id).execute();
    expect(await w.core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID)).toEqual([]);
    expect(await staffIds()).toEqual([user.id]);
  });
});
