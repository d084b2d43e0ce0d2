// The README's curl session is run as written, with bash, against the real service (sandbox on,
// a fresh data directory, a free port) on a library that already has borrowings and payments:
// every id the session uses must come from the answer before it, and an HTTP error must stop it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { REPO } from '../helpers/entry-point.js';
import { startTestService } from '../helpers/service.js';

const MARKER = '<!-- curl-session:';

/** The fenced sh block right after the README's marker. */
function curlSession(readme: string): string {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER} … --> marker before its curl session`);
  const open = readme.indexOf('```sh\n', at);
  const close = readme.indexOf('\n```', open + 6);
  if (open < 0 || close < 0 || readme.slice(at, open).split('\n').length > 3)
    throw new Error('no ```sh block right after the curl-session marker');
  return readme.slice(open + 6, close + 1);
}

/** Where a tool is, or null: the session needs curl and jq, and a missing one must fail, not skip. */
const which = (tool: string) => {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

function runBash(
  file: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the curl session did not finish in 60 s.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let service: RunningService | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-readme-curl-'));
  service = await startTestService(
    loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: '0', SANDBOX: 'on', LOG_LEVEL: 'silent' }),
    {
      logger: silentLogger(),
      startJobs: false,
    },
  );
});

afterAll(async () => {
  await service?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the README's curl session", () => {
  it('finds the block the README marks', () => {
    const block = curlSession(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'));
    expect(block).toMatch(/^set -e/);
    expect(block).toContain('${BASE:-http://localhost:3000}');
    // No id written into a path: each one is a variable from an earlier answer.
    expect(block).not.toMatch(/\/api\/(?:payments|borrowings|books)\/\d+/);
  });

  it('runs as written with bash on a library the sandbox already used, and every step answers', async () => {
    for (const tool of ['bash', 'curl', 'jq']) {
      expect(
        which(tool),
        `${tool} is not installed: the README's curl session needs it (CI installs jq in .ci/run)`,
      ).not.toBeNull();
    }
    const s = service!;
    // What trying the sandbox first leaves: other readers, their loans of the same book, payments.
    const { users, borrowings, books } = s.core;
    const dune = (await books.list({ search: 'dune' })).results.find((b) => b.title === 'Dune')!;
    expect(dune).toBeDefined();
    for (const n of [1, 2]) {
      const u = await users.register({
        email: `olena${n}@example.test`,
        password: 'a fine password',
        first_name: 'Olena',
        last_name: String(n),
      });
      await borrowings.borrow(
        { userId: u.id, isStaff: false },
        { book_id: dune.id, expected_return_date: addDays(borrowings.today(), 3) },
      );
    }
    const shelf = (await books.get(dune.id)).inventory;

    const file = path.join(dir, 'session.sh');
    fs.writeFileSync(file, curlSession(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')));
    const env: Record<string, string> = { BASE: s.url };
    for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    const run = await runBash(file, env, dir);
    expect(run.code, `the session stopped.\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toBe('');

    const [user, book, loan, receipt, payment, returned, back, link, ...rest] = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rest).toEqual([]);
    expect(user).toMatchObject({ email: expect.stringMatching(/^ann\.\d+@example\.com$/), first_name: 'Ann', is_staff: false });
    expect(book).toMatchObject({ id: dune.id, title: 'Dune', inventory: shelf, available: shelf });
    // The ids differ from the ones the README shows as an example: they were read, not assumed.
    expect(loan.id).toBeGreaterThan(2);
    expect(loan.payments).toEqual([
      { id: expect.any(Number), status: 'PENDING', money_to_pay: expect.stringMatching(/^\d+\.\d\d$/) },
    ]);
    expect(loan.payments[0].id).toBeGreaterThan(2);
    expect(loan.session_url).toMatch(new RegExp(`^${s.url}/sandbox/checkout/cs_`));
    expect(receipt).toMatchObject({
      id: loan.payments[0].id,
      type: 'PAYMENT',
      status: 'PAID',
      money_to_pay: loan.payments[0].money_to_pay,
    });
    expect(payment).toMatchObject({ id: loan.payments[0].id, status: 'PAID', paid_at: expect.any(String) });
    expect(returned).toMatchObject({ id: loan.id, is_active: false, fine: null });
    expect(back).toEqual({ title: 'Dune', inventory: shelf });
    expect(link.url).toMatch(new RegExp(`^${s.url}/sandbox/\\?start=[\\w-]+$`));
  });
});

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
