// The rule behind `npm run staff` (core.users.createOrPromoteStaff), on both engines: staff
// rights are given, never taken by squatting an email (the script: tests/scripts/staff.sqlite.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type ApiWorld, createApiWorld } from '../helpers/api.js';
import { codeOf } from '../helpers/world.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

const row = (email: string) =>
  w.db
    .selectFrom('users')
    .select(['id', 'is_staff', 'password_hash', 'token_epoch'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();

async function reader(email: string) {
  const u = await w.core.users.register({ email, password: 'squatters own pw', first_name: 'Sam', last_name: 'Squatter' });
  const tokens = await w.auth.issueTokens(u.id);
  return { ...u, ...tokens };
}

describe('An email that already has an account is never promoted silently', () => {
  it('refuses with ACCOUNT_EXISTS naming the account, and changes nothing', async () => {
    const u = await reader('squat1@example.test');
    const before = await row(u.email!);
    const refused = await w.core.users
      .createOrPromoteStaff(SYSTEM_ACTOR, 'Squat1@Example.test', 'the real staff pw')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ACCOUNT_EXISTS', details: { name: 'Sam Squatter', is_staff: false } });
    expect((refused as { details: { created_at: string } }).details.created_at).toBe(w.clock.now().toISOString());
    expect(await row(u.email!)).toEqual(before);
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).body.is_staff).toBe(false);
  });

  it('refuses an existing staff account too: a new password for it is asked for explicitly', async () => {
    await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'boss1@example.test', 'a staff password');
    expect(await codeOf(w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'boss1@example.test', 'another staff pw'))).toBe(
      'ACCOUNT_EXISTS',
    );
  });
});

describe('promote: true', () => {
  it('makes the reader staff with a generated password, returns the name and creation date, and ends every earlier session', async () => {
    const u = await reader('squat2@example.test');
    const result = await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, u.email!, undefined, { promote: true });
    expect(result).toMatchObject({
      created: false,
      promoted: { name: 'Sam Squatter', created_at: w.clock.now().toISOString() },
      user: { id: u.id, is_staff: true },
    });
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).status).toBe(401);
    expect((await w.req('POST', '/api/users/token/refresh/', { body: { refresh: u.refresh } })).status).toBe(401);
    expect((await w.req('POST', '/api/users/token/', { body: { email: u.email, password: 'squatters own pw' } })).status).toBe(
      401,
    );
    const fresh = await w.req('POST', '/api/users/token/', { body: { email: u.email, password: result.generatedPassword } });
    expect(fresh.status).toBe(200);
    expect((await w.req('GET', '/api/users/me/', { token: fresh.body.access })).body.is_staff).toBe(true);
  });

  it('sets the password given instead, and creates a new account as before', async () => {
    const u = await reader('squat3@example.test');
    const result = await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, u.email!, 'the real staff pw', { promote: true });
    expect(result.generatedPassword).toBeUndefined();
    expect((await w.req('POST', '/api/users/token/', { body: { email: u.email, password: 'the real staff pw' } })).status).toBe(
      200,
    );
    const made = await w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'brand.new.boss@example.test', 'a staff password', {
      promote: true,
    });
    expect(made).toMatchObject({ created: true, user: { is_staff: true } });
  });

  it('is staff-only, as before', async () => {
    const u = await reader('squat4@example.test');
    expect(
      await codeOf(w.core.users.createOrPromoteStaff({ userId: u.id, isStaff: false }, u.email!, undefined, { promote: true })),
    ).toBe('FORBIDDEN');
  });
});
