// The sandbox's librarian persona is staff only while the sandbox runs, and only through an
// account the sandbox made for it: a Telegram-only account whose id is kept in `settings`. So a
// REST account linked to the persona, or a real Telegram user who happens to have its id, is
// never promoted, and starting with real credentials takes the rights back. Granting and taking
// staff rights is staff's business: the service does it as SYSTEM_ACTOR.
import { immediateTransaction } from '../../db/connection.js';
import { languageOf } from '../../i18n/languages.js';
import { type Actor, type CoreDeps, isoNow, requireStaff, withoutRefusedChars } from '../kernel/index.js';
import type { TelegramIdentity } from './users.js';

const SANDBOX_LIBRARIAN = 'sandbox_librarian_user_id';

export type SandboxLibrarian = { userId: number; created: boolean } | { heldBy: number };

export function createSandboxLibrarian({ db, clock }: Pick<CoreDeps, 'db' | 'clock'>) {
  /**
   * Makes (or finds) the sandbox librarian's own account and gives it staff rights. When another
   * account holds the persona's Telegram id, nobody is promoted and `heldBy` names that account.
   */
  async function promoteSandboxLibrarian(actor: Actor, tg: TelegramIdentity): Promise<SandboxLibrarian> {
    requireStaff(actor);
    return immediateTransaction(db, async (trx) => {
      const marked = await trx.selectFrom('settings').select('value').where('key', '=', SANDBOX_LIBRARIAN).executeTakeFirst();
      const markedId = marked ? Number(marked.value) : undefined;
      const holder = await trx
        .selectFrom('users')
        .select(['id', 'email', 'is_staff'])
        .where('telegram_user_id', '=', tg.id)
        .executeTakeFirst();
      // A marked account that no longer answers to the persona keeps no rights.
      if (markedId !== undefined && holder?.id !== markedId)
        await trx.updateTable('users').set({ is_staff: 0 }).where('id', '=', markedId).execute();
      if (holder) {
        // Before the mark existed the sandbox promoted whoever held the id; a Telegram-only staff
        // account can only have come from there, so it is adopted.
        const legacy = markedId === undefined && holder.email === null && holder.is_staff === 1;
        if (holder.email !== null || (holder.id !== markedId && !legacy)) return { heldBy: holder.id };
        if (legacy)
          await trx
            .insertInto('settings')
            .values({ key: SANDBOX_LIBRARIAN, value: String(holder.id) })
            .execute();
        await trx.updateTable('users').set({ is_staff: 1 }).where('id', '=', holder.id).execute();
        return { userId: holder.id, created: false };
      }
      const created = await trx
        .insertInto('users')
        .values({
          telegram_user_id: tg.id,
          telegram_username: tg.username ?? null,
          first_name: withoutRefusedChars(tg.first_name).slice(0, 255),
          last_name: withoutRefusedChars(tg.last_name ?? '').slice(0, 255),
          is_staff: 1,
          language: languageOf(tg.language_code),
          created_at: isoNow(clock),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('settings')
        .values({ key: SANDBOX_LIBRARIAN, value: String(created.id) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(created.id) }))
        .execute();
      return { userId: created.id, created: true };
    });
  }

  /**
   * Takes staff rights from the sandbox librarian's account (the service started without the
   * Telegram stand-in). Also from a Telegram-only staff account holding the persona's id that an
   * older version promoted before the mark existed. Returns the ids demoted.
   */
  async function revokeSandboxLibrarian(actor: Actor, telegramUserId: number): Promise<number[]> {
    requireStaff(actor);
    return immediateTransaction(db, async (trx) => {
      const marked = await trx.selectFrom('settings').select('value').where('key', '=', SANDBOX_LIBRARIAN).executeTakeFirst();
      const demoted = await trx
        .updateTable('users')
        .set({ is_staff: 0 })
        .where('is_staff', '=', 1)
        .where((eb) =>
          eb.or([
            eb('id', '=', marked ? Number(marked.value) : -1),
            eb.and([eb('telegram_user_id', '=', telegramUserId), eb('email', 'is', null)]),
          ]),
        )
        .returning('id')
        .execute();
      return demoted.map((r) => r.id);
    });
  }

  return { promoteSandboxLibrarian, revokeSandboxLibrarian };
}
