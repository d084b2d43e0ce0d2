import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { DB } from '../../db/connection.js';
import type { Clock } from './clock.js';

/** What every core service is built from. */
export interface CoreDeps {
  db: DB;
  clock: Clock;
  config: Config;
  logger: Logger;
  /**
   * Catalogue reads (book lists and details) are kept in memory for at most this long, in ms;
   * unset or 0 = no cache. Freshness does not depend on it: every read checks the database's
   * change token, so any commit anywhere is seen by the next read.
   */
  catalogueCacheMs?: number;
  /** Memory budget of that cache (estimated bytes); default CATALOGUE_CACHE_BYTES (8 MiB). */
  catalogueCacheBytes?: number;
}

/** A person, as a door resolved them (an API token's account, the Telegram user behind an update). */
export interface UserActor {
  userId: number;
  isStaff: boolean;
  system?: false;
}

/**
 * The service acting on its own behalf — CLI commands, scheduled jobs, the sandbox's set-up.
 * It has staff rights and no account: `userId` is null, so a use case done for one's own
 * account (borrowing, one's profile) refuses it rather than act for some user id.
 */
export interface SystemActor {
  readonly system: true;
  readonly userId: null;
  readonly isStaff: true;
}

/** Who is acting. Every core use case that writes, or reads beyond the caller's own records, takes one and checks it. */
export type Actor = UserActor | SystemActor;

/** The one system actor: trusted callers inside the service name it explicitly, never a made-up user id. */
export const SYSTEM_ACTOR: SystemActor = Object.freeze({ system: true, userId: null, isStaff: true });
