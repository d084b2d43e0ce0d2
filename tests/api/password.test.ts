// SPEC §10: changing one's email or password needs current_password in the same request, and a
// password change ends every earlier session (access and refresh tokens alike).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type ApiWorld, createApiWorld, PASSWORD, type TestUser } from '../helpers/api.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

const NEW_PASSWORD = 'a brand new password';
const me = (token: string) => w.req('GET', '/api/users/me/', { token });
const loginAs = (email: string, password: string) => w.req('POST', '/api/users/token/', { body: { email, password } });
const refresh = (token: string) => w.req('POST', '/api/users/token/refresh/', { body: { refresh: token } });

describe('Changing the email or the password needs current_password in the same request', () => {
  it('answers 400 naming current_password when it is missing, and changes nothing', async () => {
    const u = await w.user();
    for (const [method, body] of [
      ['PATCH', { email: 'taken-over@example.test' }],
      ['PATCH', { password: NEW_PASSWORD }],
      ['PUT', { email: u.email, first_name: 'A', last_name: 'B', password: NEW_PASSWORD }],
    ] as const) {
      const r = await w.req(method, '/api/users/me/', { token: u.access, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'current_password' })]);
    }
    expect((await me(u.access)).body.email).toBe(u.email);
    expect((await loginAs(u.email, PASSWORD)).status).toBe(200);
  });

  it('answers 403 WRONG_PASSWORD when it is wrong, and changes nothing', async () => {
    const u = await w.user();
    const r = await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { email: 'thief@example.test', password: NEW_PASSWORD, current_password: 'a guess!' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('WRONG_PASSWORD');
    expect((await me(u.access)).body.email).toBe(u.email);
    expect((await loginAs(u.email, PASSWORD)).status).toBe(200);
    expect((await loginAs('thief@example.test', NEW_PASSWORD)).status).toBe(401);
  });

  it('changes the email with the right current_password', async () => {
    const u = await w.user();
    const r = await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { email: 'Moved@Example.test', current_password: PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(r.body.email).toBe('moved@example.test');
    expect((await loginAs('moved@example.test', PASSWORD)).status).toBe(200);
  });

  it('does not count the email sent unchanged (in any case) as a change', async () => {
    const u = await w.user();
    const patch = await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { email: u.email.toUpperCase(), first_name: 'Same' },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ email: u.email, first_name: 'Same' });
    const put = await w.req('PUT', '/api/users/me/', {
      token: u.access,
      body: { email: u.email, first_name: 'Put', last_name: 'Same' },
    });
    expect(put.status).toBe(200);
  });

  it('lets a Telegram-only reader set email and password for the first time without one; after that it is needed', async () => {
    const { user } = await w.core.users.ensureTelegramUser({ id: 777_001, first_name: 'Tg', language_code: 'en' });
    const tokens = await w.auth.issueTokens(user.id);
    const set = await w.req('PATCH', '/api/users/me/', {
      token: tokens.access,
      body: { email: 'tg-reader@example.test', password: PASSWORD },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: 'tg-reader@example.test', telegram_linked: true });
    const login = await loginAs('tg-reader@example.test', PASSWORD);
    expect(login.status).toBe(200);
    const again = await w.req('PATCH', '/api/users/me/', { token: login.body.access, body: { password: NEW_PASSWORD } });
    expect(again.status).toBe(400);
  });

  it('refuses a password for an account that has no email to log in with (400), instead of failing', async () => {
    const { user } = await w.core.users.ensureTelegramUser({ id: 777_002, first_name: 'Tg' });
    const tokens = await w.auth.issueTokens(user.id);
    const r = await w.req('PATCH', '/api/users/me/', { token: tokens.access, body: { password: NEW_PASSWORD } });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('documents current_password in the OpenAPI schemas of PUT and PATCH', async () => {
    const doc = (await w.req('GET', '/api/openapi.json')).body;
    for (const name of ['ProfileReplace', 'ProfilePatch']) {
      expect(doc.components.schemas[name].properties.current_password).toMatchObject({ type: 'string' });
    }
  });
});

describe('Guessing current_password with a stolen token is throttled like failed logins', () => {
  it('answers 429 after 10 wrong guesses within 15 minutes, even to the right one; other accounts are unaffected', async () => {
    const limited = await createApiWorld({ api: { rateLimit: {} } });
    try {
      const victim = await limited.user();
      const other = await limited.user();
      const guess = (u: TestUser, current: string) =>
        limited.req('PATCH', '/api/users/me/', { token: u.access, body: { password: NEW_PASSWORD, current_password: current } });
      for (let i = 0; i < 10; i++) expect((await guess(victim, `guess ${i}`)).status).toBe(403);
      const refused = await guess(victim, PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.body.error.details.retry_after).toBeGreaterThan(0);
      expect((await guess(other, PASSWORD)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('A password change ends every earlier session', () => {
  it('refuses every access and refresh token issued before it (401), on both the API and the refresh endpoint', async () => {
    const u = await w.user();
    const second = (await loginAs(u.email, PASSWORD)).body; // another device
    const refreshed = (await refresh(u.refresh)).body.access; // an access token the refresh endpoint made
    expect((await me(refreshed)).status).toBe(200);

    const change = await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { password: NEW_PASSWORD, current_password: PASSWORD },
    });
    expect(change.status).toBe(200);

    for (const token of [u.access, second.access, refreshed]) {
      const r = await me(token);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
    for (const token of [u.refresh, second.refresh]) expect((await refresh(token)).status).toBe(401);

    const fresh = await loginAs(u.email, NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    expect((await me(fresh.body.access)).status).toBe(200);
    const renewed = await refresh(fresh.body.refresh);
    expect(renewed.status).toBe(200);
    expect((await me(renewed.body.access)).status).toBe(200);
  });

  it('tells apart tokens issued in the same second as the change', async () => {
    // Every token of this API carries the same iat: only the session epoch can tell them apart.
    const frozen = await createApiWorld({ api: { now: () => Date.parse('2030-01-01T00:00:00Z') } });
    try {
      const u = await frozen.user();
      const before = (await frozen.req('POST', '/api/users/token/', { body: { email: u.email, password: PASSWORD } })).body;
      expect(
        (
          await frozen.req('PATCH', '/api/users/me/', {
            token: before.access,
            body: { password: NEW_PASSWORD, current_password: PASSWORD },
          })
        ).status,
      ).toBe(200);
      const after = (await frozen.req('POST', '/api/users/token/', { body: { email: u.email, password: NEW_PASSWORD } })).body;
      expect((await frozen.req('GET', '/api/users/me/', { token: before.access })).status).toBe(401);
      expect((await frozen.req('POST', '/api/users/token/refresh/', { body: { refresh: before.refresh } })).status).toBe(401);
      expect((await frozen.req('GET', '/api/users/me/', { token: after.access })).status).toBe(200);
      expect((await frozen.req('POST', '/api/users/token/refresh/', { body: { refresh: after.refresh } })).status).toBe(200);
    } finally {
      await frozen.close();
    }
  });

  it('also when staff set a new password with `npm run staff -- --promote`', async () => {
    const u = await w.user();
    await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, u.email, NEW_PASSWORD, { promote: true });
    expect((await me(u.access)).status).toBe(401);
    expect((await refresh(u.refresh)).status).toBe(401);
  });

  it('is not caused by an email change or other profile edits: those sessions stay', async () => {
    const u = await w.user();
    expect(
      (
        await w.req('PATCH', '/api/users/me/', {
          token: u.access,
          body: { email: `kept-${u.id}@example.test`, current_password: PASSWORD, first_name: 'Kept' },
        })
      ).status,
    ).toBe(200);
    expect((await me(u.access)).status).toBe(200);
    expect((await refresh(u.refresh)).status).toBe(200);
  });
});
