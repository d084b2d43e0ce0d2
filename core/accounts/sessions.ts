// Sessions: what a login starts and a refresh token carries on (README, "Security settings").
// The tokens themselves are the API's (JWTs, api/tokens.ts); the rules are here.
//
// - A login reads the account once: the password is checked against that row and the session
//   takes its token epoch from it, so a password change committing meanwhile ends it too.
// - Each login is a refresh token family (a row of refresh_sessions) whose one usable refresh
//   token is named by `jti`. A refresh swaps it for a new one. A refresh token of the family
//   that is not the current one was already used: someone holds a copy, so the whole family
//   ends (its row goes) and every refresh token of it answers UNAUTHORIZED; its access tokens
//   run out by themselves within their lifetime. Of two refreshes racing with one token, one
//   wins the swap and the other is that reuse: the family ends (the strict reading).
// - A logout ends the family of the refresh token given, current or already rotated.
// - Addresses that logged in are remembered (hashed) for 30 days: throttling spares them.
import crypto from 'node:crypto';
import { type CoreDeps, DomainError } from '../kernel/index.js';
import { checkCredentials, toUser, type User } from './users.js';

/** A live session: whose, its token epoch, and its refresh token family and current token id. */
export interface Session {
  userId: number;
  epoch: number;
  family: string;
  jti: string;
}

/** What a refresh token says of itself (tokens from before families carry none). */
export interface RefreshClaims {
  userId: number;
  epoch: number;
  family?: string;
  jti?: string;
}

/** An address that logged in to an account within this long is not slowed down by throttling. */
export const KNOWN_ADDRESS_DAYS = 30;
const DAY_MS = 86_400_000;
/** Expired families and forgotten addresses are swept at most this often per process. */
const SWEEP_EVERY_MS = 3_600_000;

const newId = () => crypto.randomBytes(18).toString('base64url'); // 24 characters
/** Addresses are kept only as a hash: enough to recognise one, not to list who logged in from where. */
export const addressHash = (address: string) =>
  crypto.createHash('sha256').update(`login-address:${address}`).digest('base64url').slice(0, 32);

const ended = (message: string) => new DomainError('UNAUTHORIZED', message);

export function createSessions({ db, clock, config }: CoreDeps) {
  const ttlMs = config.refreshTokenTtlSeconds * 1000;
  let nextSweep = 0;

  async function begin(userId: number, epoch: number): Promise<Session> {
    const now = clock.now();
    await sweepIfDue(now.getTime());
    const session = { userId, epoch, family: newId(), jti: newId() };
    await db
      .insertInto('refresh_sessions')
      .values({
        id: session.family,
        user_id: userId,
        jti: session.jti,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      })
      .execute();
    return session;
  }

  /**
   * Email + password → the account and a new session with the epoch of the very row the
   * password was checked against. `address` (the client's, as throttling sees it) is
   * remembered as one this account logged in from.
   */
  async function login(email: unknown, password: unknown, address?: string): Promise<{ user: User; session: Session }> {
    const row = await checkCredentials(db, email, password);
    const session = await begin(row.id, row.token_epoch);
    if (address !== undefined) {
      const at = clock.now().toISOString();
      await db
        .insertInto('login_addresses')
        .values({ user_id: row.id, address_hash: addressHash(address), last_login_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'address_hash']).doUpdateSet({ last_login_at: at }))
        .execute();
    }
    return { user: toUser(row), session };
  }

  /** A new session for an account already identified (tests, the sandbox): its current epoch. */
  async function startSession(userId: number): Promise<Session> {
    const row = await db.selectFrom('users').select('token_epoch').where('id', '=', userId).executeTakeFirst();
    if (!row) throw ended('The account for this token no longer exists');
    return begin(userId, row.token_epoch);
  }

  /** The next session state for a refresh token: a new current token id, or the family ended. */
  async function rotateSession(claims: RefreshClaims): Promise<Session> {
    const { userId, epoch, family, jti } = claims;
    if (!family || !jti) throw ended('This refresh token is from before sessions rotated; log in again');
    const user = await db.selectFrom('users').select('token_epoch').where('id', '=', userId).executeTakeFirst();
    if (!user) throw ended('The account for this token no longer exists');
    if (user.token_epoch !== epoch) throw ended('This session ended when the password was changed; log in again');
    const now = clock.now();
    const next = newId();
    // The swap itself decides: only the current token matches, so of two racing refreshes one wins.
    const swapped = await db
      .updateTable('refresh_sessions')
      .set({ jti: next, expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .where('id', '=', family)
      .where('user_id', '=', userId)
      .where('jti', '=', jti)
      .executeTakeFirst();
    if (Number(swapped.numUpdatedRows) === 1) return { userId, epoch, family, jti: next };
    const gone = await db
      .deleteFrom('refresh_sessions')
      .where('id', '=', family)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    throw ended(
      Number(gone.numDeletedRows) > 0
        ? 'This refresh token was already used, so its session has ended (every refresh token of this login). Log in again'
        : 'This session has ended (logged out, or a refresh token of it was used twice). Log in again',
    );
  }

  /** Logout: the family of this refresh token ends, whichever of its tokens is given. */
  async function endSession(claims: RefreshClaims): Promise<void> {
    if (!claims.family) return;
    await db.deleteFrom('refresh_sessions').where('id', '=', claims.family).where('user_id', '=', claims.userId).execute();
  }

  /** Whether this address logged in to the account of this email within KNOWN_ADDRESS_DAYS. */
  async function loggedInFrom(email: string, address: string): Promise<boolean> {
    const since = new Date(clock.now().getTime() - KNOWN_ADDRESS_DAYS * DAY_MS).toISOString();
    const row = await db
      .selectFrom('login_addresses as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select('a.id')
      .where('u.email', '=', email.trim().toLowerCase())
      .where('a.address_hash', '=', addressHash(address))
      .where('a.last_login_at', '>=', since)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Removes families whose last refresh token has expired and addresses not seen for 30 days. */
  async function sweepSessions(): Promise<{ sessions: number; addresses: number }> {
    const now = clock.now().getTime();
    const sessions = await db
      .deleteFrom('refresh_sessions')
      .where('expires_at', '<', new Date(now).toISOString())
      .executeTakeFirst();
    const addresses = await db
      .deleteFrom('login_addresses')
      .where('last_login_at', '<', new Date(now - KNOWN_ADDRESS_DAYS * DAY_MS).toISOString())
      .executeTakeFirst();
    return { sessions: Number(sessions.numDeletedRows), addresses: Number(addresses.numDeletedRows) };
  }

  async function sweepIfDue(now: number): Promise<void> {
    if (now < nextSweep) return;
    nextSweep = now + SWEEP_EVERY_MS;
    await sweepSessions();
  }

  return { login, startSession, rotateSession, endSession, loggedInFrom, sweepSessions };
}
