// `npm run staff -- <email> [password] [--promote]` as an operator runs it (tsx, a SQLite file):
// staff rights are given, never taken by squatting an email. A reader who registered the email
// first is refused unless --promote is given; then the account gets a new password and every
// earlier session ends, so the squatter's password and tokens are worth nothing.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiWorld, createApiWorld, tempDbFile } from '../helpers/api.js';
import { runToEnd, workDir } from '../helpers/entry-point.js';

let w: ApiWorld;
let db: { file: string; cleanup(): void };
let cwd: string;
beforeAll(async () => {
  db = tempDbFile();
  cwd = workDir();
  w = await createApiWorld({ file: db.file });
});
afterAll(async () => {
  await w?.close();
  db?.cleanup();
  fs.rmSync(cwd, { recursive: true, force: true });
});

const staff = (args: string[], input?: string) =>
  runToEnd('scripts/staff.ts', { cwd, args, input, env: { DATABASE_PATH: db.file, LOG_LEVEL: 'silent' } });
const login = (email: string, password: string) => w.req('POST', '/api/users/token/', { body: { email, password } });
const me = (token: string) => w.req('GET', '/api/users/me/', { token });

/** A reader who registered the email with their own password, and is logged in. */
async function squatter(email: string) {
  const made = await w.req('POST', '/api/users/', {
    body: { email, password: 'squatters own pw', first_name: 'Sam', last_name: 'Squatter' },
  });
  expect(made.status).toBe(201);
  const tokens = await login(email, 'squatters own pw');
  expect(tokens.status).toBe(200);
  return tokens.body as { access: string; refresh: string };
}

describe('A new email', () => {
  it('becomes a staff account with the password given', async () => {
    const run = await staff(['new.boss@example.test', 'a staff password']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Created staff account new.boss@example.test');
    const tokens = await login('new.boss@example.test', 'a staff password');
    expect(tokens.status).toBe(200);
    expect((await me(tokens.body.access)).body.is_staff).toBe(true);
  });

  it('reads the password from standard input when it is "-"', async () => {
    const run = await staff(['stdin.boss@example.test', '-'], 'piped staff password\n');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('piped staff password');
    expect((await login('stdin.boss@example.test', 'piped staff password')).status).toBe(200);
  });

  it('gets a generated password, printed once, when none is given', async () => {
    const run = await staff(['gen.boss@example.test']);
    expect(run.code).toBe(0);
    const pw = /Password \(shown once\): (\S+)/.exec(run.stdout)?.[1];
    expect(pw).toBeDefined();
    expect((await login('gen.boss@example.test', pw!)).status).toBe(200);
  });

  it('refuses a weak password (exit 1) and creates nothing', async () => {
    const run = await staff(['weak.boss@example.test', 'password']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/too common/);
    expect(
      await w.db.selectFrom('users').select('id').where('email', '=', 'weak.boss@example.test').executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('An email that already has a reader account', () => {
  it('is refused without --promote: exit 1, saying why and naming --promote; the account stays a reader with its password and sessions', async () => {
    const tokens = await squatter('new.librarian@example.test');
    const run = await staff(['new.librarian@example.test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('new.librarian@example.test already has a reader account');
    expect(run.stderr).toContain('Sam Squatter');
    expect(run.stderr).toContain('--promote');
    const after = await me(tokens.access);
    expect(after.status).toBe(200);
    expect(after.body.is_staff).toBe(false);
    expect((await login('new.librarian@example.test', 'squatters own pw')).status).toBe(200);
  });

  it('is refused with a password given too, and that password is not set', async () => {
    await squatter('second.librarian@example.test');
    const run = await staff(['second.librarian@example.test', 'the real staff pw']);
    expect(run.code).toBe(1);
    expect((await login('second.librarian@example.test', 'the real staff pw')).status).toBe(401);
  });

  it("with --promote: prints the account's name and creation date, sets a new password, and ends every earlier session", async () => {
    const tokens = await squatter('promoted.librarian@example.test');
    const created = (
      await w.db
        .selectFrom('users')
        .select('created_at')
        .where('email', '=', 'promoted.librarian@example.test')
        .executeTakeFirstOrThrow()
    ).created_at;
    const run = await staff(['promoted.librarian@example.test', '--promote']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sam Squatter');
    expect(run.stdout).toContain(created.slice(0, 10));
    const pw = /Password \(shown once\): (\S+)/.exec(run.stdout)?.[1];
    expect(pw).toBeDefined();
    // The squatter's tokens and password are worth nothing now.
    expect((await me(tokens.access)).status).toBe(401);
    expect((await w.req('POST', '/api/users/token/refresh/', { body: { refresh: tokens.refresh } })).status).toBe(401);
    expect((await login('promoted.librarian@example.test', 'squatters own pw')).status).toBe(401);
    const fresh = await login('promoted.librarian@example.test', pw!);
    expect(fresh.status).toBe(200);
    expect((await me(fresh.body.access)).body.is_staff).toBe(true);
  });

  it('with --promote and a password (before or after the flag): that password is set', async () => {
    await squatter('given.librarian@example.test');
    const run = await staff(['--promote', 'given.librarian@example.test', 'the real staff pw']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('shown once');
    expect((await login('given.librarian@example.test', 'the real staff pw')).status).toBe(200);
  });
});

describe('Usage', () => {
  it('without an email, or with an unknown flag, prints the usage naming --promote and exits 1', async () => {
    for (const args of [[], ['x@example.test', '--promot']]) {
      const run = await staff(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('npm run staff -- <email> [password] [--promote]');
    }
  });
});
