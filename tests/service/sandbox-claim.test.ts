// Two sandboxes on one database (issue 20, item 4): the stand-ins keep their chats in the
// process, so a reader's notices sent by one instance would reach the other one's web chat. With
// the sandbox on, a second instance on the same database refuses to start and names the first
// one's address; a sandbox that crashed (its process gone from this machine) does not stand in
// the way of its restart. `npm start` beside a running sandbox: tests/service/startup.sqlite.test.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { liveLease } from '../../db/leases.js';
import { leaseHolderId } from '../../jobs/lease.js';
import { silentLogger } from '../../logger.js';
import { type RunningService, SANDBOX_LEASE, SandboxInUseError } from '../../service.js';
import { TEST_ENGINE } from '../helpers/engine.js';
import { openServiceDatabase, startTestService } from '../helpers/service.js';

let dir: string;
const running: RunningService[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-sandbox-claim-'));
});
afterAll(async () => {
  for (const s of running.splice(0)) await s.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const config = (file: string) => loadConfig({ DATABASE_PATH: path.join(dir, file), PORT: '0', LOG_LEVEL: 'silent' });
const start = async (file: string) => {
  const s = await startTestService(config(file), { logger: silentLogger(), startJobs: false });
  running.push(s);
  return s;
};
const stop = async (s: RunningService) => {
  running.splice(running.indexOf(s), 1);
  await s.stop();
};
const refusal = (file: string) =>
  start(file).then(
    () => undefined,
    (e: unknown) => e,
  );

/** The pid of a process that has just ended. */
function deadPid(): number {
  const pid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  return pid;
}

/** What a process of this machine that has ended leaves as a lease holder (as leaseHolderId writes it). */
function deadHolder(role: string): string {
  return leaseHolderId(role).replace(
    /\(pid \d+ on ([^,)]+)(, started )?\d*/,
    (_m: string, host: string, started?: string) => `(pid ${deadPid()} on ${host}${started ? `${started}1` : ''}`,
  );
}

describe(`A second instance with the sandbox on, on the same database (${TEST_ENGINE})`, () => {
  it('refuses to start, naming the first one’s sandbox address, and starts once the first has stopped', async () => {
    const first = await start('two.db');
    const refused = await refusal('two.db');
    expect(refused).toBeInstanceOf(SandboxInUseError);
    const message = (refused as Error).message;
    expect(message).toContain(`The library is already running on this database with the sandbox on, at ${first.url}/sandbox/`);
    expect(message).toContain(
      `/sandbox/ (pid ${process.pid} on ${os.hostname()}): open that one, or stop it before starting another`,
    );
    expect(message).toContain('its own DATABASE_PATH');
    expect(message).not.toContain('\n');
    // The first one goes on serving.
    expect((await fetch(`${first.localUrl}/health`)).status).toBe(200);
    await stop(first);
    const next = await start('two.db');
    expect((await fetch(`${next.localUrl}/sandbox/`)).status).toBe(200);
    await stop(next);
  });

  it('a sandbox whose process is gone from this machine does not hold up its restart; one on another machine does', async () => {
    // What a kill -9 leaves: the claim of a process that no longer runs, live for seconds yet.
    const plant = async (holder: string) => {
      const db = await openServiceDatabase(config('crashed.db'));
      await db.deleteFrom('leases').where('name', '=', SANDBOX_LEASE).execute();
      await db
        .insertInto('leases')
        .values({ name: SANDBOX_LEASE, holder, expires_at: Date.now() + 60_000 })
        .execute();
      await db.destroy();
    };
    await plant(deadHolder('npm start at http://localhost:3999'));
    const started = Date.now();
    const restarted = await start('crashed.db');
    expect(Date.now() - started).toBeLessThan(5000);
    const held = await liveLease(restarted.db, SANDBOX_LEASE, Date.now());
    expect(held?.holder).toContain(`npm start at ${restarted.url} (pid ${process.pid} on ${os.hostname()}`);
    await stop(restarted);

    // Another machine's process cannot be looked at: its claim stands until it lapses.
    await plant('npm start at http://library-2:3000 (pid 4242 on library-2.example) #0badc0');
    const refused = await refusal('crashed.db');
    expect(refused).toBeInstanceOf(SandboxInUseError);
    expect((refused as Error).message).toContain('at http://library-2:3000/sandbox/ (pid 4242 on library-2.example)');
  });
});
