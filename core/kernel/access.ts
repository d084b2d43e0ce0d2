// Who may do what. Each use case asks here itself, so a door that forgets a check (a new CLI,
// a web page, the sandbox) is refused all the same; a door's own check only answers earlier.
import type { Actor, UserActor } from './context.js';
import { DomainError, notFound } from './errors.js';

/** Staff-only use cases: FORBIDDEN for a reader, as the API's 403 and the bot's refusal say. */
export function requireStaff(actor: Actor, message = 'Only library staff can do this'): void {
  if (!actor.isStaff) throw new DomainError('FORBIDDEN', message);
}

/** A use case done for one's own account (borrowing, one's profile): a person, not the system. */
export function requirePerson(actor: Actor): UserActor {
  if (actor.userId === null) throw new DomainError('FORBIDDEN', 'This is done by a reader for their own account');
  return actor;
}

/** Whether the actor may see a record owned by `ownerId`: its own, or anyone's for staff. */
export const mayAccess = (actor: Actor, ownerId: number): boolean => actor.isStaff || actor.userId === ownerId;

/** A record the actor may not see answers 404, never 403, so ids reveal nothing (SPEC §10). */
export function requireAccess<T extends { user_id: number }>(actor: Actor, row: T | undefined, what: string): T {
  if (!row || !mayAccess(actor, row.user_id)) throw notFound(what);
  return row;
}

/**
 * Whose records a read is about: a staff filter by `userId` (FORBIDDEN for anyone else, as
 * `user_id` on the lists answers), or else the actor's own.
 */
export function ownerOf(actor: Actor, userId: number | undefined): number {
  if (userId !== undefined) {
    requireStaff(actor, 'Only staff can filter by user_id');
    return userId;
  }
  return requirePerson(actor).userId;
}

/** A list's `user_id` filter: only staff may give one; without it a reader sees their own, staff everyone's. */
export function listOwner(actor: Actor, userId: number | undefined): number | undefined {
  if (userId !== undefined) requireStaff(actor, 'Only staff can filter by user_id');
  return actor.isStaff ? userId : actor.userId;
}
