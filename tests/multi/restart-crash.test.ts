// Back at once after a crash, on a PostgreSQL server (issue 20): the service, long-polling with a
// token set, is killed with SIGKILL under load and started again at once on the same database.
// What it owes: tests/helpers/crash.ts (expectBackAtOnce). On SQLite: tests/service/restart-crash.sqlite.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { buildDist, crashUnderLoad, expectBackAtOnce } from '../helpers/crash.js';
import { serverDatabaseUrl } from '../helpers/service.js';

beforeAll(() => buildDist(), 300_000);

describe('kill -9 under load with a token set, then an immediate restart (PostgreSQL)', () => {
  it('is healthy within 2 s, polls again at once, answers no message twice and loses nothing the API confirmed', async () => {
    const url = await serverDatabaseUrl('restart-crash');
    const run = await crashUnderLoad({ DATABASE_URL: url });
    expectBackAtOnce(run);
    const { db } = await openDatabase({ databasePath: '', databaseUrl: url });
    try {
      const emails = new Set((await db.selectFrom('users').select('email').execute()).map((u) => u.email));
      expect(run.registeredBeforeKill.length).toBeGreaterThan(0);
      expect(run.registeredBeforeKill.filter((e) => !emails.has(e))).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 180_000);
});
