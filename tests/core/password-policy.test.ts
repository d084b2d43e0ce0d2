// Passwords: at least 8 characters, not blank, not the email nor its local part (ignoring case),
// not one of the 10,000 most common passwords — one rule in core, for registration, password
// changes and staff accounts alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type ApiWorld, createApiWorld, PASSWORD } from '../helpers/api.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

let n = 0;
const register = (email: string, password: string) =>
  w.req('POST', '/api/users/', { body: { email, password, first_name: 'Pat', last_name: 'Policy' } });

const REFUSED: Array<[string, (email: string) => string]> = [
  ['password', () => 'password'],
  ['12345678', () => '12345678'],
  ['a common password in other case (PassWord1)', () => 'PassWord1'],
  ['eight spaces', () => '        '],
  ['a tab and spaces', () => '\t       '],
  ['the email itself', (email) => email],
  ['the email in other case', (email) => email.toUpperCase()],
  ['the local part of the email', (email) => email.slice(0, email.indexOf('@'))],
  ['seven characters', () => 'abcdefg'],
];

describe('Registration refuses weak passwords with 400 naming password, and creates nothing', () => {
  for (const [what, pick] of REFUSED) {
    it(`refuses ${what}`, async () => {
      const email = `pat.longname${++n}@example.test`;
      const r = await register(email, pick(email));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
      const row = await w.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      expect(row).toBeUndefined();
    });
  }

  it('says why: common, blank, or the email', async () => {
    const email = `why${++n}@example.test`;
    expect((await register(email, 'qwertyuiop')).body.error.message).toMatch(/too common/);
    expect((await register(email, '         ')).body.error.message).toMatch(/blank|spaces/);
    expect((await register(email, email)).body.error.message).toMatch(/email/);
  });

  it("accepts a password that is none of these (the tests' own passwords among them)", async () => {
    for (const pw of [PASSWORD, 'long enough pw', 'staff password', 'correct horse', '  spaced out pass  ']) {
      const r = await register(`fine${++n}@example.test`, pw);
      expect(r.status).toBe(201);
    }
  });
});

describe('A password change follows the same rule', () => {
  it("refuses a common password and the account's own email (400), and the old password still works", async () => {
    const u = await w.user();
    for (const pw of ['iloveyou', u.email, u.email.split('@')[0]!.toUpperCase(), '          ']) {
      const r = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { password: pw, current_password: PASSWORD } });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    }
    expect((await w.req('POST', '/api/users/token/', { body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });

  it('checks against the new email when both change at once', async () => {
    const u = await w.user();
    const r = await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { email: 'fresh.address@example.test', password: 'fresh.address', current_password: PASSWORD },
    });
    expect(r.status).toBe(400);
  });
});

describe('Staff accounts follow the same rule', () => {
  it('refuses a common password for a new staff account and creates nothing', async () => {
    await expect(w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'weak.staff@example.test', 'letmein1')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(w.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'weak.staff@example.test', 'weak.staff')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const row = await w.db.selectFrom('users').select('id').where('email', '=', 'weak.staff@example.test').executeTakeFirst();
    expect(row).toBeUndefined();
  });
});
