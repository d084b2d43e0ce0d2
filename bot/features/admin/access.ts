import type { Actor } from '../../../core/kernel/index.js';
import type { BotContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';

/**
 * Staff commands work only in the staff chat and only for a Telegram user linked to a staff
 * account. Everyone else gets the same short refusal, so nothing about the staff leaks.
 */
export function isStaffHere(deps: BotDeps, ctx: BotContext): boolean {
  return deps.staffChatId !== undefined && ctx.chat?.id === deps.staffChatId && ctx.reader?.is_staff === true;
}

/** The staff member's own account as the actor: core checks its rights again on every call. */
export const staffActor = (ctx: BotContext): Actor => ({ userId: ctx.reader!.id, isStaff: ctx.reader!.is_staff });
