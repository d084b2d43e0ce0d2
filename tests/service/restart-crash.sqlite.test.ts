// Back at once after a crash (issue 20): the service, long-polling with a token set, is killed
// with SIGKILL under load and started again at once on the same SQLite file, as a supervisor
// (systemd's Restart=always, a container's restart policy) does. It must not refuse: its dead
// predecessor's long-polling claim is taken over (same machine, process gone), it answers
// /health within 2 s and reader messages soon after, no message is answered twice, and nothing
// the API confirmed is lost. The same on a PostgreSQL server: tests/multi/restart-crash.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { buildDist, crashUnderLoad, expectBackAtOnce } from '../helpers/crash.js';

let dir: string;
beforeAll(async () => {
  await buildDist();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-restart-'));
}, 300_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 under load with a token set, then an immediate restart (SQLite)', () => {
  it('is healthy within 2 s, polls again at once, answers no message twice and loses nothing the API confirmed', async () => {
    const file = path.join(dir, 'library.db');
    const run = await crashUnderLoad({ DATABASE_PATH: file });
    expectBackAtOnce(run);
    const { db } = await openDatabase(file);
    try {
      const emails = new Set((await db.selectFrom('users').select('email').execute()).map((u) => u.email));
      expect(run.registeredBeforeKill.length).toBeGreaterThan(0);
      expect(run.registeredBeforeKill.filter((e) => !emails.has(e))).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 180_000);
});
