// `npm run db:copy -- --to postgres://…` end to end: a SQLite library made by the service's own
// code, copied by the CLI into a server database, and the service started on the copy.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { addDays, systemClock, todayIn } from '../../core/kernel/clock.js';
import { openDatabase } from '../../db/connection.js';
import { type PaymentGateway, PaymentGatewayError } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';
import { type RunningService, startService } from '../../service.js';
import { runToEnd, workDir } from '../helpers/entry-point.js';
import { serverDatabaseUrl } from '../helpers/service.js';

const dirs: string[] = [];
let service: RunningService | undefined;
afterAll(async () => {
  await service?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// Stripe out of reach: borrowings stand with a renewable payment (SPEC §10).
const offline = new Proxy({} as PaymentGateway, {
  get: () => async () => Promise.reject(new PaymentGatewayError('UNAVAILABLE', 'offline')),
});

describe('npm run db:copy', () => {
  it('copies a SQLite library into PostgreSQL, refuses to copy over it again; the service starts on the copy and goes on', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const file = path.join(cwd, 'library.db');
    const source = await openDatabase(file);
    const config = loadConfig({ DATABASE_PATH: file, LOG_LEVEL: 'silent' });
    const core = createCore({ db: source.db, clock: systemClock, config, gateway: offline, logger: silentLogger() });
    await core.demo.loadCatalogue(SYSTEM_ACTOR);
    const reader = await core.users.register({
      email: 'copied@example.test',
      password: 'correct horse battery',
      first_name: 'Copied',
      last_name: 'Reader',
    });
    const kobzar = (await core.books.list({ search: 'kobzar' })).results[0]!;
    const loan = await core.borrowings.borrow(
      { userId: reader.id, isStaff: false },
      { book_id: kobzar.id, expected_return_date: addDays(todayIn(systemClock, config.rules.timeZone), 3) },
    );
    await source.db.destroy();

    const url = await serverDatabaseUrl('db-copy-cli');
    const run = await runToEnd('scripts/db-copy.ts', {
      cwd,
      env: { DATABASE_PATH: file, LOG_LEVEL: 'silent' },
      args: ['--to', url],
      timeoutMs: 60_000,
    });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('books                  24');
    expect(run.stdout).toContain('Start the service with DATABASE_URL=');

    const again = await runToEnd('scripts/db-copy.ts', {
      cwd,
      env: { DATABASE_PATH: file, LOG_LEVEL: 'silent' },
      args: ['--to', url],
      timeoutMs: 60_000,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a library');
    expect(again.stderr).toContain('--force');

    service = await startService(
      { ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SANDBOX: 'off' }), databaseUrl: url },
      { logger: silentLogger(), startJobs: false },
    );
    const search = await (await fetch(`${service.localUrl}/api/books/?search=${encodeURIComponent('кобзар')}`)).json();
    expect(search.results.map((b: { title: string }) => b.title)).toEqual(['Kobzar']);
    // The copied account signs in with its password; its loan is there.
    const login = await fetch(`${service.localUrl}/api/users/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'copied@example.test', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const { access } = await login.json();
    const mine = await (
      await fetch(`${service.localUrl}/api/borrowings/`, { headers: { authorization: `Bearer ${access}` } })
    ).json();
    expect(mine.results.map((b: { id: number }) => b.id)).toEqual([loan.borrowing.id]);
    // A new account continues the ids.
    const next = await service.core.users.register({
      email: 'after-copy@example.test',
      password: 'correct horse battery',
      first_name: 'A',
      last_name: 'B',
    });
    expect(next.id).toBe(reader.id + 1);
  });
});
