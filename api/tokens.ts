// JWT access/refresh tokens (jose, HS256). Each carries `typ` ('access' | 'refresh'; one is never
// accepted in place of the other), `sub` (the user id) and `ep`, the account's token epoch when it
// was issued (a password change moves the epoch on; see core/accounts/users.ts sessionActor). A refresh
// token also names its login's family (`fam`) and is known by its `jti` (core/accounts/sessions.ts).
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '../core/kernel/index.js';

export type TokenType = 'access' | 'refresh';

export interface TokenOptions {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Milliseconds since the epoch; tokens live in real time, not the library clock. */
  now?: () => number;
}

export interface TokenClaims {
  userId: number;
  /** The account's token epoch at issue; tokens from before this feature carry none and count as 0. */
  epoch: number;
  /** Refresh tokens: the login (family) they belong to and their own id; older ones carry none. */
  family?: string;
  jti?: string;
}

export interface Tokens {
  /** With `session`, a refresh token of that family whose id is session.jti. */
  issue(userId: number, typ: TokenType, epoch: number, session?: { family: string; jti: string }): Promise<string>;
  /** The claims of a valid token of this type; otherwise UNAUTHORIZED. */
  verify(token: string, typ: TokenType): Promise<TokenClaims>;
}

const ISSUER = 'library';
const MAX_TOKEN_LENGTH = 4096;
const CACHE_LIMIT = 20_000;

export const unauthorized = (message = 'Invalid or expired token; log in again') => new DomainError('UNAUTHORIZED', message);

export function createTokens(opts: TokenOptions): Tokens {
  if (typeof opts.secret !== 'string' || opts.secret.length < 32) {
    throw new Error('createApi: jwtSecret must be at least 32 characters');
  }
  for (const [name, v] of [
    ['accessTtlSeconds', opts.accessTtlSeconds],
    ['refreshTtlSeconds', opts.refreshTtlSeconds],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`createApi: ${name} must be a positive integer`);
  }
  const now = opts.now ?? Date.now;
  // Imported once: jose would import a raw secret again on every call.
  const keyPromise = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(opts.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  // Tokens already verified (until they expire), so a busy client costs one HMAC, not one per request.
  const verified = new Map<string, TokenClaims & { typ: TokenType; expMs: number }>();

  async function issue(
    userId: number,
    typ: TokenType,
    epoch: number,
    session?: { family: string; jti: string },
  ): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const ttl = typ === 'access' ? opts.accessTtlSeconds : opts.refreshTtlSeconds;
    return new SignJWT(session && typ === 'refresh' ? { typ, ep: epoch, fam: session.family } : { typ, ep: epoch })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(session && typ === 'refresh' ? session.jti : crypto.randomUUID())
      .sign(await keyPromise);
  }

  const wrongType = (typ: TokenType) =>
    typ === 'access'
      ? 'This is a refresh token; send an access token (POST /api/users/token/refresh/ gives one)'
      : 'This is not a refresh token';

  async function verify(token: string, typ: TokenType): Promise<TokenClaims> {
    const t = now();
    const hit = verified.get(token);
    if (hit) {
      if (hit.expMs > t && hit.typ === typ) return claimsOf(hit);
      if (hit.expMs <= t) verified.delete(token);
      throw unauthorized(hit.expMs <= t ? undefined : wrongType(typ));
    }
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthorized();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keyPromise, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(t),
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      throw unauthorized();
    }
    const sub = payload.sub;
    const userId = typeof sub === 'string' && /^[1-9]\d{0,15}$/.test(sub) ? Number(sub) : NaN;
    const epoch = payload.ep ?? 0;
    if (
      !Number.isSafeInteger(userId) ||
      (payload.typ !== 'access' && payload.typ !== 'refresh') ||
      typeof payload.exp !== 'number' ||
      typeof epoch !== 'number' ||
      !Number.isSafeInteger(epoch)
    ) {
      throw unauthorized();
    }
    const family = typeof payload.fam === 'string' ? payload.fam : undefined;
    const jti = typeof payload.jti === 'string' ? payload.jti : undefined;
    const entry = { userId, epoch, family, jti, typ: payload.typ as TokenType, expMs: payload.exp * 1000 };
    if (verified.size >= CACHE_LIMIT) verified.clear();
    verified.set(token, entry);
    if (payload.typ !== typ) throw unauthorized(wrongType(typ));
    return claimsOf(entry);
  }

  const claimsOf = (c: TokenClaims): TokenClaims =>
    c.family === undefined
      ? { userId: c.userId, epoch: c.epoch }
      : { userId: c.userId, epoch: c.epoch, family: c.family, jti: c.jti };

  return { issue, verify };
}
