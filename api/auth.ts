// Who is calling: the bearer token's claims, checked against the account on every request (the
// row is read anyway for is_staff), so a demotion or a password change takes effect at once.
import type { MiddlewareHandler } from 'hono';
import type { UserActor } from '../core/index.js';
import { DomainError } from '../core/errors.js';
import { createTokens, unauthorized, type TokenClaims, type TokenOptions, type TokenType } from './tokens.js';
import type { AppEnv } from './types.js';

export type { TokenType } from './tokens.js';

/** What core decides about sessions (core.users satisfies it). */
export interface Sessions {
  /** The actor of a token issued at `epoch`; UNAUTHORIZED once the account is gone or the session ended. */
  sessionActor(userId: number, epoch: number): Promise<UserActor>;
  /** The epoch new tokens of this account are issued in. */
  sessionEpoch(userId: number): Promise<number>;
}

export type AuthOptions = TokenOptions;

export interface Auth {
  /** Tokens for the account's current session epoch. */
  issueTokens(userId: number): Promise<{ access: string; refresh: string }>;
  /** One token; the epoch is the account's current one unless given. */
  issue(userId: number, typ: TokenType, epoch?: number): Promise<string>;
  /** The claims of a valid token of this type; otherwise UNAUTHORIZED (the account is not consulted). */
  verify(token: string, typ: TokenType): Promise<TokenClaims>;
  /** Resolves the caller (401 without a valid access token of a live session) and sets c.var.actor. */
  requireUser: MiddlewareHandler<AppEnv>;
  /** After requireUser: 403 unless the caller is staff — an early answer; core refuses on its own too. */
  requireStaff: MiddlewareHandler<AppEnv>;
}

export function createAuth(opts: AuthOptions, sessions: Sessions): Auth {
  const tokens = createTokens(opts);

  async function issue(userId: number, typ: TokenType, epoch?: number): Promise<string> {
    return tokens.issue(userId, typ, epoch ?? (await sessions.sessionEpoch(userId)));
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
    issue,
    async issueTokens(userId) {
      const epoch = await sessions.sessionEpoch(userId);
      const [access, refresh] = await Promise.all([tokens.issue(userId, 'access', epoch), tokens.issue(userId, 'refresh', epoch)]);
      return { access, refresh };
    },
    verify: tokens.verify,
    requireUser,
    requireStaff,
  };
}
