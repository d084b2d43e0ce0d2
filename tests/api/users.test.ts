// REST API: accounts, tokens, profile, "my books", Telegram deep links (throttling: api-throttling.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../api/app.js';
import { createTokens } from '../../api/tokens.js';
import { counterStoreFor } from '../../db/rate-limit-store.js';
import { silentLogger } from '../../logger.js';
import { type ApiWorld, createApiWorld, JWT_SECRET, PASSWORD } from '../helpers/api.js';

let w: ApiWorld;
let n = 0;
const uniqueEmail = () => `person${++n}-${Date.now()}@Example.test`;

beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('Registration creates a reader account', () => {
  it('answers 201 with the new account and never the password', async () => {
    const email = uniqueEmail();
    const r = await w.req('POST', '/api/users/', {
      body: { email, password: 'long enough pw', first_name: ' Ada ', last_name: 'Lovelace' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      email: email.toLowerCase(),
      first_name: 'Ada',
      last_name: 'Lovelace',
      is_staff: false,
      telegram_linked: false,
    });
    expect(Number.isInteger(r.body.id)).toBe(true);
    expect(r.text).not.toContain('long enough pw');
    expect(r.text).not.toMatch(/password/);
  });

  it('works without the trailing slash and without a redirect', async () => {
    const r = await w.req('POST', '/api/users', {
      body: { email: uniqueEmail(), password: 'long enough pw', first_name: 'A', last_name: 'B' },
    });
    expect(r.status).toBe(201);
  });

  it('refuses an email already taken, whatever its case, with 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    expect(
      (await w.req('POST', '/api/users/', { body: { email, password: 'long enough pw', first_name: 'A', last_name: 'B' } }))
        .status,
    ).toBe(201);
    const r = await w.req('POST', '/api/users/', {
      body: { email: email.toUpperCase(), password: 'long enough pw', first_name: 'A', last_name: 'B' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('answers 400 VALIDATION naming each bad field', async () => {
    const r = await w.req('POST', '/api/users/', {
      body: { email: 'not-an-email', password: 'short', first_name: '', last_name: 'B' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'first_name']));
  });

  it('cannot make its new account staff: is_staff in the body is refused and nothing is created', async () => {
    const email = uniqueEmail();
    const r = await w.req('POST', '/api/users/', {
      body: { email, password: 'long enough pw', first_name: 'A', last_name: 'B', is_staff: true },
    });
    expect(r.status).toBe(400);
    const row = await w.db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe('Logging in gives access and refresh tokens', () => {
  let email: string;
  beforeAll(async () => {
    email = uniqueEmail();
    await w.req('POST', '/api/users/', { body: { email, password: PASSWORD, first_name: 'Tok', last_name: 'En' } });
  });

  it('answers access and refresh tokens for the right password, and the access token opens /me', async () => {
    const r = await w.req('POST', '/api/users/token/', { body: { email, password: PASSWORD } });
    expect(r.status).toBe(200);
    expect(typeof r.body.access).toBe('string');
    expect(typeof r.body.refresh).toBe('string');
    const me = await w.req('GET', '/api/users/me/', { token: r.body.access });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email.toLowerCase());
  });

  it('answers the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
    const wrong = await w.req('POST', '/api/users/token/', { body: { email, password: 'not the password' } });
    const unknown = await w.req('POST', '/api/users/token/', { body: { email: 'nobody@example.test', password: 'whatever1' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers 400 when email or password is missing', async () => {
    const r = await w.req('POST', '/api/users/token/', { body: { email } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe('password');
  });

  it('trades a refresh token for a new, working access token and the next refresh token (rotation: tests/api/refresh.test.ts)', async () => {
    const u = await w.user();
    const r = await w.req('POST', '/api/users/token/refresh/', { body: { refresh: u.refresh } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['access', 'refresh']);
    expect((await w.req('GET', '/api/users/me/', { token: r.body.access })).status).toBe(200);
  });
});

describe('Access and refresh tokens are never accepted for each other', () => {
  it('refuses a refresh token as an access token with 401', async () => {
    const u = await w.user();
    const r = await w.req('GET', '/api/users/me/', { token: u.refresh });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses an access token at the refresh endpoint with 401', async () => {
    const u = await w.user();
    const r = await w.req('POST', '/api/users/token/refresh/', { body: { refresh: u.access } });
    expect(r.status).toBe(401);
  });

  it('still refuses the refresh token after its access twin was accepted (no cache mix-up)', async () => {
    const u = await w.user();
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).status).toBe(200);
    expect((await w.req('POST', '/api/users/token/refresh/', { body: { refresh: u.refresh } })).status).toBe(200);
    expect((await w.req('GET', '/api/users/me/', { token: u.refresh })).status).toBe(401);
    expect((await w.req('POST', '/api/users/token/refresh/', { body: { refresh: u.access } })).status).toBe(401);
  });
});

describe('The token travels in Authorization or Authorize', () => {
  it('accepts "Authorize: Bearer <token>"', async () => {
    const u = await w.user();
    const r = await w.req('GET', '/api/users/me/', { headers: { authorize: `Bearer ${u.access}` } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(u.id);
  });

  it('answers 401 with WWW-Authenticate when no token is sent', async () => {
    const r = await w.req('GET', '/api/users/me/');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.body.error.code).toBe('UNAUTHORIZED');
  });

  it('answers 401 for a scheme other than Bearer', async () => {
    const u = await w.user();
    const r = await w.req('GET', '/api/users/me/', { headers: { authorization: `Basic ${u.access}` } });
    expect(r.status).toBe(401);
  });
});

describe('Malformed, forged and expired tokens answer 401, never 500', () => {
  const forged = [
    ['garbage', 'not-a-jwt'],
    ['three dots of nothing', 'a.b.c'],
    [
      'alg none',
      `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: '1', typ: 'access', iss: 'library', exp: 4102444800 })}.`,
    ],
    ['a huge header', 'x'.repeat(5000)],
    ['broken base64', '!!!.???.***'],
  ] as const;
  for (const [name, token] of forged) {
    it(`refuses ${name}`, async () => {
      const r = await w.req('GET', '/api/users/me/', { token });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    });
  }

  it('refuses a token signed with another secret', async () => {
    const u = await w.user();
    const other = createTokens({
      secret: 'another-secret-that-is-long-enough-000000',
      accessTtlSeconds: 900,
      refreshTtlSeconds: 3600,
    });
    const r = await w.req('GET', '/api/users/me/', { token: await other.issue(u.id, 'access', 0) });
    expect(r.status).toBe(401);
  });

  it('refuses an expired access token', async () => {
    const u = await w.user();
    const past = createTokens({
      secret: JWT_SECRET,
      accessTtlSeconds: 60,
      refreshTtlSeconds: 3600,
      now: () => Date.now() - 3600_000,
    });
    const r = await w.req('GET', '/api/users/me/', { token: await past.issue(u.id, 'access', 0) });
    expect(r.status).toBe(401);
  });

  it('refuses a valid token whose account does not exist', async () => {
    const r = await w.req('GET', '/api/users/me/', { token: await w.auth.issue(987_654, 'access', 0) });
    expect(r.status).toBe(401);
  });
});

describe('Your profile: read and change it, never is_staff', () => {
  it('shows your own profile', async () => {
    const u = await w.user();
    const r = await w.req('GET', '/api/users/me', { token: u.access });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: u.id, email: u.email, is_staff: false });
  });

  it('PATCH changes only the fields given', async () => {
    const u = await w.user();
    const r = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { first_name: 'Grace', language: 'uk' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ first_name: 'Grace', language: 'uk', email: u.email });
  });

  it('language is one the bot speaks — en, uk or ru — and anything else is a 400 naming them', async () => {
    const u = await w.user();
    const ru = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { language: 'ru' } });
    expect(ru.status).toBe(200);
    expect(ru.body.language).toBe('ru');
    const bad = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { language: 'de' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('language must be one of en, uk, ru');
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).body.language).toBe('ru');
    const { schemas } = (await w.req('GET', '/api/openapi.json')).body.components;
    for (const name of ['ProfilePatch', 'ProfileReplace', 'User']) {
      expect(schemas[name].properties.language.enum, name).toEqual(['en', 'uk', 'ru']);
    }
  });

  it('PUT needs email, first_name and last_name (400 without them)', async () => {
    const u = await w.user();
    const bad = await w.req('PUT', '/api/users/me/', { token: u.access, body: { first_name: 'Only' } });
    expect(bad.status).toBe(400);
    const ok = await w.req('PUT', '/api/users/me/', {
      token: u.access,
      body: { email: u.email, first_name: 'Put', last_name: 'Me' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ first_name: 'Put', last_name: 'Me' });
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    it(`${method} with is_staff answers 403 and the account stays a reader`, async () => {
      const u = await w.user();
      const r = await w.req(method, '/api/users/me/', {
        token: u.access,
        body: { email: u.email, first_name: 'Sneaky', last_name: 'Reader', is_staff: true },
      });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
      const row = await w.db
        .selectFrom('users')
        .select(['is_staff', 'first_name'])
        .where('id', '=', u.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ is_staff: 0, first_name: 'Reader' });
      const me = await w.req('GET', '/api/users/me/', { token: u.access });
      expect(me.body.is_staff).toBe(false);
    });
  }

  it("refuses to take another account's email with 409", async () => {
    const a = await w.user();
    const b = await w.user();
    const r = await w.req('PATCH', '/api/users/me/', { token: b.access, body: { email: a.email, current_password: PASSWORD } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('a new password works for logging in', async () => {
    const u = await w.user();
    expect(
      (
        await w.req('PATCH', '/api/users/me/', {
          token: u.access,
          body: { password: 'brand new password', current_password: PASSWORD },
        })
      ).status,
    ).toBe(200);
    const r = await w.req('POST', '/api/users/token/', { body: { email: u.email, password: 'brand new password' } });
    expect(r.status).toBe(200);
  });
});

describe('My books lists the books you hold now', () => {
  it('answers {results: [{borrowing_id, expected_return_date, book}]} without returned loans', async () => {
    const u = await w.user();
    const kept = await w.book({ title: 'Kept' });
    const back = await w.book({ title: 'Given back' });
    const b1 = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: kept.id, expected_return_date: w.day(5) },
    });
    expect(b1.status).toBe(201);
    // Paying is not needed to return, but the unpaid rent would block the second loan.
    await w.db
      .updateTable('payments')
      .set({ status: 'PAID', paid_at: new Date().toISOString() })
      .where('user_id', '=', u.id)
      .execute();
    const b2 = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: back.id, expected_return_date: w.day(3) },
    });
    expect(b2.status).toBe(201);
    expect((await w.req('POST', `/api/borrowings/${b2.body.id}/return/`, { token: u.access })).status).toBe(200);

    const r = await w.req('GET', '/api/users/me/books/', { token: u.access });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      results: [
        {
          borrowing_id: b1.body.id,
          expected_return_date: w.day(5),
          book: { ...kept, inventory: kept.inventory - 1, available: kept.available - 1 },
        },
      ],
    });
  });

  it('needs a login (401)', async () => {
    expect((await w.req('GET', '/api/users/me/books/')).status).toBe(401);
  });
});

describe('The Telegram link is a one-time t.me deep link', () => {
  it('answers 201 with https://t.me/<bot>?start=<code> and a code that links the account once', async () => {
    const u = await w.user();
    const r = await w.req('POST', '/api/users/me/telegram-link/', { token: u.access, body: { current_password: PASSWORD } });
    expect(r.status).toBe(201);
    const m = /^https:\/\/t\.me\/library_test_bot\?start=([A-Za-z0-9_-]{1,64})$/.exec(r.body.url);
    expect(m).not.toBeNull();
    expect(Date.parse(r.body.expires_at) - w.clock.now().getTime()).toBe(10 * 60 * 1000);
    const linked = await w.core.users.redeemLinkCode(m![1]!, { id: 555_001, first_name: 'Tg' });
    expect(linked.id).toBe(u.id);
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).body.telegram_linked).toBe(true);
    await expect(w.core.users.redeemLinkCode(m![1]!, { id: 555_002, first_name: 'Other' })).rejects.toMatchObject({
      code: 'INVALID_LINK_CODE',
    });
  });

  it('works for staff too', async () => {
    const s = await w.user({ staff: true });
    const r = await w.req('POST', '/api/users/me/telegram-link/', { token: s.access, body: { current_password: PASSWORD } });
    expect(r.status).toBe(201);
  });

  it('answers 503 with a clear message while the bot username is unknown', async () => {
    const app = createApi({
      core: w.core,
      config: w.config,
      counters: counterStoreFor(w.db),
      jwtSecret: JWT_SECRET,
      logger: silentLogger(),
      rateLimit: false,
    });
    const u = await w.user();
    const res = await app.request('/api/users/me/telegram-link/', {
      method: 'POST',
      headers: { authorization: `Bearer ${u.access}`, 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: PASSWORD }),
    });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.code).toBe('TELEGRAM_UNAVAILABLE');
    expect(body.error.message).toMatch(/Telegram bot/);
  });

  it('needs a login (401)', async () => {
    expect((await w.req('POST', '/api/users/me/telegram-link/')).status).toBe(401);
  });
});
