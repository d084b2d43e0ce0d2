// Who is calling: the bearer token's claims, checked against the account on every request (the
// row is read anyway for is_staff), so a demotion or a password change takes effect at once.
import type { MiddlewareHandler } from 'hono';
import type { Session } from '../core/accounts/index.js';
import type { UserActor } from '../core/index.js';
import { DomainError } from '../core/kernel/index.js';
import type { AppEnv } from './env.js';
import { createTokens, type TokenClaims, type TokenOptions, type TokenType, unauthorized } from './tokens.js';

export type { TokenType } from './tokens.js';

/** What core decides about sessions (core.users satisfies it). */
export interface Sessions {
  /** The actor of a token issued at `epoch`; UNAUTHORIZED once the account is gone or the session ended. */
  sessionActor(userId: number, epoch: number): Promise<UserActor>;
  /** A new session (refresh token family) for an account, in its current epoch. */
  startSession(userId: number): Promise<Session>;
  /** A refresh: the family's next token, or UNAUTHORIZED (ended, or a reused token: then it ends). */
  rotateSession(claims: TokenClaims): Promise<Session>;
  /** Logout: ends the family of this refresh token. */
  endSession(claims: TokenClaims): Promise<void>;
}

export type AuthOptions = TokenOptions;

export interface Auth {
  /** The access and refresh token of a session core started (a login, a refresh). */
  tokensFor(session: Session): Promise<{ access: string; refresh: string }>;
  /** Tokens of a new session for the account (tests, the sandbox). */
  issueTokens(userId: number): Promise<{ access: string; refresh: string }>;
  /** One token of the given epoch, outside any session (a refresh token so made cannot be used). */
  issue(userId: number, typ: TokenType, epoch: number): Promise<string>;
  /** The claims of a valid token of this type; otherwise UNAUTHORIZED (the account is not consulted). */
  verify(token: string, typ: TokenType): Promise<TokenClaims>;
  /** A refresh token → the next access and refresh token of its session (rotation, core/accounts/sessions.ts). */
  refresh(refreshToken: string): Promise<{ access: string; refresh: string }>;
  /** Ends the session of a refresh token (UNAUTHORIZED only when it is not a valid refresh token). */
  logout(refreshToken: string): Promise<void>;
  /** Resolves the caller (401 without a valid access token of a live session) and sets c.var.actor. */
  requireUser: MiddlewareHandler<AppEnv>;
  /** After requireUser: 403 unless the caller is staff — an early answer; core refuses on its own too. */
  requireStaff: MiddlewareHandler<AppEnv>;
}

export function createAuth(opts: AuthOptions, sessions: Sessions): Auth {
  const tokens = createTokens(opts);

  async function tokensFor(session: Session) {
    const [access, refresh] = await Promise.all([
      tokens.issue(session.userId, 'access', session.epoch),
      tokens.issue(session.userId, 'refresh', session.epoch, session),
    ]);
    return { access, refresh };
  }

  const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header('authorization') ?? c.req.header('authorize');
    if (!header) throw unauthorized('Authentication required: send "Authorization: Bearer <access token>"');
    const space = header.indexOf(' ');
    const token = space > 0 && header.slice(0, space).toLowerCase() === 'bearer' ? header.slice(space + 1).trim() : '';
    if (!token) throw unauthorized('The Authorization header must be "Bearer <access token>"');
    const { userId, epoch } = await tokens.verify(token, 'access');
    c.set('actor', await sessions.sessionActor(userId, epoch));
    await next();
  };

  const requireStaff: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!c.get('actor')?.isStaff) throw new DomainError('FORBIDDEN', 'Only library staff can do this');
    await next();
  };

  return {
    tokensFor,
    issueTokens: async (userId) => tokensFor(await sessions.startSession(userId)),
    issue: (userId, typ, epoch) => tokens.issue(userId, typ, epoch),
    verify: tokens.verify,
    refresh: async (token) => tokensFor(await sessions.rotateSession(await tokens.verify(token, 'refresh'))),
    logout: async (token) => sessions.endSession(await tokens.verify(token, 'refresh')),
    requireUser,
    requireStaff,
  };
}
