// JWT access/refresh tokens (jose, HS256). Each carries `typ` ('access' | 'refresh') and
// `sub` (the user id); one is never accepted in place of the other.
import { SignJWT, jwtVerify } from 'jose';
import type { MiddlewareHandler } from 'hono';
import type { DB } from '../db/connection.js';
import type { Actor } from '../core/index.js';
import { DomainError } from '../core/errors.js';
import type { AppEnv } from './types.js';

export type TokenType = 'access' | 'refresh';

/** A list's `user_id` filter: staff may filter by any user, anyone else gets 403 for trying. */
export function staffUserFilter(actor: Actor, userId: number | undefined): number | undefined {
  if (userId !== undefined && !actor.isStaff) throw new DomainError('FORBIDDEN', 'Only staff can filter by user_id');
  return userId;
}

export interface AuthOptions {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Milliseconds since the epoch; tokens live in real time, not the library clock. */
  now?: () => number;
}

export interface Auth {
  issueTokens(userId: number): Promise<{ access: string; refresh: string }>;
  issue(userId: number, typ: TokenType): Promise<string>;
  /** The user id in a valid token of this type; otherwise UNAUTHORIZED. */
  verify(token: string, typ: TokenType): Promise<number>;
  /** Resolves the caller (401 without a valid access token) and sets c.var.actor. */
  requireUser: MiddlewareHandler<AppEnv>;
  /** After requireUser: 403 unless the caller is staff. */
  requireStaff: MiddlewareHandler<AppEnv>;
}

const ISSUER = 'library';
const MAX_TOKEN_LENGTH = 4096;
const CACHE_LIMIT = 20_000;

const unauthorized = (message = 'Invalid or expired token; log in again') => new DomainError('UNAUTHORIZED', message);

export function createAuth(opts: AuthOptions, db: DB): Auth {
  if (typeof opts.secret !== 'string' || opts.secret.length < 32) {
    throw new Error('createApi: jwtSecret must be at least 32 characters');
  }
  for (const [name, v] of [['accessTtlSeconds', opts.accessTtlSeconds], ['refreshTtlSeconds', opts.refreshTtlSeconds]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`createApi: ${name} must be a positive integer`);
  }
  const now = opts.now ?? Date.now;
  // Imported once: jose would import a raw secret again on every call.
  const keyPromise = crypto.subtle.importKey('raw', new TextEncoder().encode(opts.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  // Tokens already verified (until they expire), so a busy client costs one HMAC, not one per request.
  const verified = new Map<string, { userId: number; typ: TokenType; expMs: number }>();

  async function issue(userId: number, typ: TokenType): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const ttl = typ === 'access' ? opts.accessTtlSeconds : opts.refreshTtlSeconds;
    return new SignJWT({ typ })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(crypto.randomUUID())
      .sign(await keyPromise);
  }

  async function verify(token: string, typ: TokenType): Promise<number> {
    const t = now();
    const hit = verified.get(token);
    if (hit) {
      if (hit.expMs > t && hit.typ === typ) return hit.userId;
      if (hit.expMs <= t) verified.delete(token);
      throw unauthorized(hit.expMs <= t ? undefined : wrongType(typ));
    }
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthorized();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await keyPromise, { algorithms: ['HS256'], issuer: ISSUER, currentDate: new Date(t), requiredClaims: ['exp', 'sub'] }));
    } catch {
      throw unauthorized();
    }
    const sub = payload.sub;
    const userId = typeof sub === 'string' && /^[1-9]\d{0,15}$/.test(sub) ? Number(sub) : NaN;
    if (!Number.isSafeInteger(userId) || (payload.typ !== 'access' && payload.typ !== 'refresh') || typeof payload.exp !== 'number') {
      throw unauthorized();
    }
    if (verified.size >= CACHE_LIMIT) verified.clear();
    verified.set(token, { userId, typ: payload.typ, expMs: payload.exp * 1000 });
    if (payload.typ !== typ) throw unauthorized(wrongType(typ));
    return userId;
  }

  const wrongType = (typ: TokenType) =>
    typ === 'access' ? 'This is a refresh token; send an access token (POST /api/users/token/refresh/ gives one)' : 'This is not a refresh token';

  async function actorFor(userId: number): Promise<Actor> {
    const row = await db.selectFrom('users').select(['id', 'is_staff']).where('id', '=', userId).executeTakeFirst();
    if (!row) throw unauthorized('The account for this token no longer exists');
    return { userId: row.id, isStaff: row.is_staff === 1 };
  }

  const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header('authorization') ?? c.req.header('authorize');
    if (!header) throw unauthorized('Authentication required: send "Authorization: Bearer <access token>"');
    const space = header.indexOf(' ');
    const token = space > 0 && header.slice(0, space).toLowerCase() === 'bearer' ? header.slice(space + 1).trim() : '';
    if (!token) throw unauthorized('The Authorization header must be "Bearer <access token>"');
    const userId = await verify(token, 'access');
    // Staff status is read each time, so a demotion takes effect at once, not when the token expires.
    c.set('actor', await actorFor(userId));
    await next();
  };

  const requireStaff: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!c.get('actor')?.isStaff) throw new DomainError('FORBIDDEN', 'Only library staff can do this');
    await next();
  };

  return {
    issue,
    async issueTokens(userId) {
      const [access, refresh] = await Promise.all([issue(userId, 'access'), issue(userId, 'refresh')]);
      return { access, refresh };
    },
    verify,
    requireUser,
    requireStaff,
  };
}
