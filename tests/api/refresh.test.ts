// Refresh tokens rotate: a refresh answers a new access and a new refresh token; presenting a
// refresh token that was already rotated ends its whole family (every refresh token descended
// from the same login answers 401). POST /api/users/token/logout/ {refresh} → 204 ends that
// family. Other logins (other devices) are not touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../api/tokens.js';
import { type ApiWorld, createApiWorld, JWT_SECRET, PASSWORD, type TestUser } from '../helpers/api.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

interface Pair {
  access: string;
  refresh: string;
}
const login = async (u: TestUser): Promise<Pair> => {
  const r = await w.req('POST', '/api/users/token/', { body: { email: u.email, password: PASSWORD } });
  expect(r.status).toBe(200);
  return r.body;
};
const refresh = (token: string) => w.req('POST', '/api/users/token/refresh/', { body: { refresh: token } });
const logout = (token: string) => w.req('POST', '/api/users/token/logout/', { body: { refresh: token } });
const me = (token: string) => w.req('GET', '/api/users/me/', { token });

describe('A refresh answers a new access token and a new refresh token', () => {
  it('both work, and the new refresh token is not the old one', async () => {
    const u = await w.user();
    const first = await login(u);
    const r = await refresh(first.refresh);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['access', 'refresh']);
    expect(r.body.refresh).not.toBe(first.refresh);
    expect((await me(r.body.access)).status).toBe(200);
    const again = await refresh(r.body.refresh);
    expect(again.status).toBe(200);
    expect((await me(again.body.access)).status).toBe(200);
  });
});

describe('Presenting a refresh token that was already rotated ends its whole family', () => {
  it('answers 401, and the newest refresh token of that login answers 401 from then on; another login goes on', async () => {
    const u = await w.user();
    const stolen = await login(u);
    const otherDevice = await login(u);
    const next = (await refresh(stolen.refresh)).body as Pair; // the owner refreshes…
    const newest = (await refresh(next.refresh)).body as Pair;

    const reuse = await refresh(stolen.refresh); // …then the thief replays the old token
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('UNAUTHORIZED');
    expect(reuse.body.error.message).toMatch(/already used/);
    expect((await refresh(newest.refresh)).status).toBe(401);
    expect((await refresh(next.refresh)).status).toBe(401);

    const other = await refresh(otherDevice.refresh);
    expect(other.status).toBe(200);
    expect((await me(other.body.access)).status).toBe(200);
  });

  it('two refreshes racing with the same token: one is answered, the other is a reuse, and the family ends', async () => {
    const u = await w.user();
    const t = await login(u);
    const answers = await Promise.all([refresh(t.refresh), refresh(t.refresh)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    const winner = answers.find((a) => a.status === 200)!.body as Pair;
    expect((await refresh(winner.refresh)).status).toBe(401);
  });

  it('refuses a refresh token from before rotation (no family in it): log in again', async () => {
    const u = await w.user();
    const old = createTokens({ secret: JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 });
    const r = await refresh(await old.issue(u.id, 'refresh', 0));
    expect(r.status).toBe(401);
  });
});

describe('POST /api/users/token/logout/ ends the family of the refresh token given', () => {
  it('answers 204; that refresh token and every one rotated from it answer 401; other logins go on', async () => {
    const u = await w.user();
    const a = await login(u);
    const b = await login(u);
    const rotated = (await refresh(a.refresh)).body as Pair;
    const out = await logout(rotated.refresh);
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect((await refresh(rotated.refresh)).status).toBe(401);
    expect((await refresh(a.refresh)).status).toBe(401);
    expect((await refresh(b.refresh)).status).toBe(200);
  });

  it('works with a token already rotated too, and again after the family ended (204)', async () => {
    const u = await w.user();
    const a = await login(u);
    const rotated = (await refresh(a.refresh)).body as Pair;
    expect((await logout(a.refresh)).status).toBe(204);
    expect((await refresh(rotated.refresh)).status).toBe(401);
    expect((await logout(rotated.refresh)).status).toBe(204);
  });

  it('answers 401 for an access token or a forged one, 400 without a token', async () => {
    const u = await w.user();
    const a = await login(u);
    expect((await logout(a.access)).status).toBe(401);
    expect((await logout('not.a.jwt')).status).toBe(401);
    expect((await w.req('POST', '/api/users/token/logout/', { body: {} })).status).toBe(400);
    expect((await refresh(a.refresh)).status).toBe(200);
  });
});

describe('The table of refresh families stays bounded', () => {
  it('keeps one row per login, and drops the rows of families whose refresh tokens have expired', async () => {
    const u = await w.user();
    const t = await login(u);
    await refresh((await refresh(t.refresh)).body.refresh);
    const rows = () => w.db.selectFrom('refresh_sessions').select('id').where('user_id', '=', u.id).execute();
    expect(await rows()).toHaveLength(2); // w.user()'s own session, and this login (rotation adds no row)
    w.clock.advance(8 * 24 * 3600 * 1000); // past the refresh lifetime (7 days)
    await w.core.users.sweepSessions();
    expect(await rows()).toHaveLength(0);
  });

  it("a logout removes the family's row", async () => {
    const u = await w.user();
    const t = await login(u);
    const count = async () =>
      (await w.db.selectFrom('refresh_sessions').select('id').where('user_id', '=', u.id).execute()).length;
    const before = await count();
    expect((await logout(t.refresh)).status).toBe(204);
    expect(await count()).toBe(before - 1);
  });
});
