// Memory as an operator measures it: `npm start` (the real entry point, in its own process tree),
// ten seconds of load over loopback (autocannon), then the resident set of the service's
// processes — every process under `npm` (the npm wrapper itself aside). Beside it, a bare
// Node + Hono hello-world process measured in the same run under the same load.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { openDatabase } from '../db/connection.js';
import { bulkSeed } from '../db/seed.js';
import { args, BENCH_DIR, DATA_DIR, foldWord, type Row, TODAY, table } from './lib.js';

const REPO = path.dirname(BENCH_DIR);
const LOAD_SECONDS = 10;

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  rssKb: number;
}

/** Every process on the machine (Linux /proc): pid, parent, name and resident set. */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
      out.push({
        pid: Number(entry),
        ppid: Number(field('PPid')),
        name: field('Name'),
        rssKb: Number.parseInt(field('VmRSS'), 10) || 0,
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The processes below `root` (not root itself), with their resident sets. */
export function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

function rssOf(pid: number): Proc | undefined {
  return processes().find((p) => p.pid === pid);
}

const mb = (kb: number) => Math.round(kb / 1024);

interface Started {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** `npm start` in the repository with this environment; resolves once the service says it is up. */
async function npmStart(env: Record<string, string>): Promise<Started> {
  const child = spawn('npm', ['start'], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d) => (text += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${text}`)), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      text += `${line}\n`;
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; listening?: string };
      if (entry.msg?.startsWith('Library is up') && entry.listening) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${entry.listening.split(':').pop()}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${text}`));
    });
  });
  return { child, url, stop: () => stopTree(child) };
}

/** A bare Node + Hono hello-world (plain JavaScript, no loader): the floor any Hono service starts from. */
async function bareHono(): Promise<Started> {
  const child = spawn(process.execPath, [path.join(BENCH_DIR, 'bare-hono.mjs')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stopTree(child) };
}

/** SIGTERM to the service (the processes below npm first, as Ctrl-C reaches them all), then npm. */
async function stopTree(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  for (const p of descendants(child.pid!)) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  child.kill('SIGTERM');
  await exited;
}

const json = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/** A reader of the service's own (registered and logged in over the API), for the authenticated requests. */
async function readerToken(base: string): Promise<string> {
  const email = `memory-${Date.now()}@example.test`;
  const password = 'memory bench password';
  const made = await json(`${base}/api/users/`, { email, password, first_name: 'Memory', last_name: 'Bench' });
  if (made.status !== 201) throw new Error(`register: ${made.status} ${await made.text()}`);
  const login = await json(`${base}/api/users/token/`, { email, password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  return ((await login.json()) as { access: string }).access;
}

/** What a client mix looks like: catalogue pages, a search, a book, the reader's own lists, health. */
async function serviceLoad(base: string): Promise<autocannon.Result> {
  const token = await readerToken(base);
  const auth = { authorization: `Bearer ${token}` };
  const page = (await (await fetch(`${base}/api/books/?limit=100`)).json()) as { results: Array<{ id: number }> };
  const bookId = page.results[0]?.id ?? 1;
  // Once, as a developer opening the docs would: the OpenAPI document is built on first request.
  await fetch(`${base}/api/openapi.json`).then((r) => r.arrayBuffer());
  return autocannon({
    url: base,
    connections: Number(args.connections),
    duration: LOAD_SECONDS,
    requests: [
      { method: 'GET', path: '/api/books/' },
      { method: 'GET', path: '/api/books/?limit=100' },
      { method: 'GET', path: '/api/books/?search=the%20war' },
      { method: 'GET', path: `/api/books/${bookId}/` },
      { method: 'GET', path: '/api/borrowings/?limit=100', headers: auth },
      { method: 'GET', path: '/api/users/me/', headers: auth },
      { method: 'GET', path: '/api/payments/', headers: auth },
      { method: 'GET', path: '/health' },
    ],
  });
}

async function measure(
  name: string,
  start: () => Promise<Started>,
  load: (base: string) => Promise<autocannon.Result>,
): Promise<Row> {
  const s = await start();
  try {
    const tree = () => [...(s.child.spawnfile === 'npm' ? descendants(s.child.pid!) : [rssOf(s.child.pid!)!])];
    await new Promise((r) => setTimeout(r, 1000));
    const rest = tree();
    const r = await load(s.url);
    const after = tree();
    const sum = (ps: Proc[]) => ps.reduce((n, p) => n + p.rssKb, 0);
    return {
      scenario: name,
      'at rest MB': mb(sum(rest)),
      'after load MB': mb(sum(after)),
      processes: after.map((p) => `${p.name} ${mb(p.rssKb)}`).join(' + '),
      'load req/s': Math.round(r.requests.average),
      'errors/non-2xx': `${r.errors + r.timeouts}/${r.non2xx}`,
    };
  } finally {
    await s.stop();
  }
}

/** A small library for the sandbox-off run (the sandbox loads its demo books itself): 1,000 books, some loans. */
async function smallLibrary(file: string): Promise<void> {
  const { db, sqlite } = await openDatabase(file);
  await bulkSeed({ db, sqlite }, { books: 1000, users: 20, borrowings: 200, today: TODAY, fold: foldWord });
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await db.destroy();
}

export async function runMemoryBench(): Promise<string> {
  if (process.platform !== 'linux') return '### Memory\n\n(measured from /proc: Linux only)';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-memory-'));
  const rows: Row[] = [];
  const env = (file: string, sandbox: 'on' | 'off') => ({
    DATABASE_PATH: file,
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: sandbox,
    LOG_LEVEL: 'info',
  });
  try {
    rows.push(
      await measure('bare Node + Hono hello-world (baseline)', bareHono, (base) =>
        autocannon({ url: `${base}/`, connections: Number(args.connections), duration: LOAD_SECONDS }),
      ),
    );
    const off = path.join(dir, 'sandbox-off.db');
    await smallLibrary(off);
    rows.push(await measure('npm start, sandbox off (1,000 books)', () => npmStart(env(off, 'off')), serviceLoad));
    rows.push(
      await measure(
        'npm start, sandbox on (new library, demo books)',
        () => npmStart(env(path.join(dir, 'sandbox-on.db'), 'on')),
        serviceLoad,
      ),
    );
    // The api bench's seeded file, copied (the run registers a reader in it): a large library's
    // pages in SQLite's cache and memory map count towards the resident set too.
    const big = path.join(DATA_DIR, 'api.db');
    if (fs.existsSync(`${big}.seeded.json`)) {
      const copy = path.join(dir, 'big.db');
      fs.copyFileSync(big, copy);
      if (fs.existsSync(`${big}-wal`)) fs.copyFileSync(`${big}-wal`, `${copy}-wal`);
      rows.push(
        await measure(
          `npm start, sandbox off, the api bench's library (${JSON.parse(fs.readFileSync(`${big}.seeded.json`, 'utf8')).books.toLocaleString('en')} books)`,
          () => npmStart(env(copy, 'off')),
          serviceLoad,
        ),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return table(
    `Memory: resident set of the service's processes (npm aside), at rest and after ${LOAD_SECONDS} s of load (autocannon, ${args.connections} connections)`,
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runMemoryBench());
