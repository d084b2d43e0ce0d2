// Issue 16 (memory): `npm start` runs the compiled service — dist/main.js under plain node, built
// by `tsc -b` first when a source changed — not TypeScript through the tsx loader. The other
// entry-point tests (startup, env-file) run main.ts through tsx: they test the sources' behaviour;
// this one tests the start script itself. Issue 20: a supervisor's SIGTERM to npm, and Ctrl-C
// (SIGINT to the whole foreground group, which npm passes on again), stop the service gracefully
// — its claims given back, its port closed, no node process left behind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { freePort, REPO, withDistBuild } from '../helpers/entry-point.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The processes below `root` (Linux /proc), with their command lines. */
function descendants(root: number): Array<{ pid: number; cmdline: string[] }> {
  const all = fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const ppid = Number(/^PPid:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${e}/status`, 'utf8'))?.[1]);
        return [{ pid: Number(e), ppid, cmdline: fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').filter(Boolean) }];
      } catch {
        return [];
      }
    });
  const found: Array<{ pid: number; cmdline: string[] }> = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (parents.has(p.ppid) && !parents.has(p.pid)) parents.add(p.pid), found.push(p), (grew = true);
  }
  return found;
}

interface NpmStart {
  child: ChildProcess;
  port: number;
  file: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a supervisor or a terminal runs it: in a process group of its own. */
async function npmStart(): Promise<NpmStart> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-start-'));
  dirs.push(dir);
  const port = await freePort();
  const file = path.join(dir, 'library.db');
  // The sandbox on: its claim and the dispatcher's are what a graceful stop must give back.
  const env: Record<string, string> = { DATABASE_PATH: file, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  // Its build (tsc -b) alone, not beside another test file's.
  return withDistBuild(async () => {
    const child = spawn('npm', ['start'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let text = '';
    child.stdout!.on('data', (d) => (text += d));
    child.stderr!.on('data', (d) => (text += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    started.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${text}`)), 120_000);
      const check = () => {
        if (text.includes('Library is up') && text.includes('dispatcher lease taken')) clearTimeout(timer), resolve();
      };
      child.stdout!.on('data', check);
      void exited.then((code) => (clearTimeout(timer), reject(new Error(`npm start exited (${code}):\n${text}`))));
    });
    return { child, port, file, output: () => text, exited };
  });
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const serviceNodes = (npm: ChildProcess) =>
  descendants(npm.pid!).filter(
    (p) => path.basename(p.cmdline[0] ?? '') === 'node' && p.cmdline.some((a) => /main\.(js|ts)$/.test(a)),
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** After a graceful stop: the port is closed, the node process gone, and no lease left behind. */
async function expectStoppedGracefully(run: NpmStart, nodePid: number, signalledAt: number): Promise<void> {
  const code = await run.exited;
  // The README's promise: stopped within 15 s.
  expect(Date.now() - signalledAt).toBeLessThan(15_000);
  expect(code).toBe(0);
  expect(alive(nodePid)).toBe(false);
  await expect(fetch(`http://127.0.0.1:${run.port}/health`)).rejects.toThrow();
  expect(run.output()).toContain('shutting down: finishing in-flight work');
  const { db } = await openDatabase(run.file);
  try {
    expect(await db.selectFrom('leases').select('name').execute()).toEqual([]);
  } finally {
    await db.destroy();
  }
}

describe.runIf(process.platform === 'linux')('npm start', () => {
  it('builds if needed, then serves from dist/main.js under plain node (no TypeScript loader)', async () => {
    const run = await npmStart();
    const { child, port } = run;
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const nodes = serviceNodes(child);
      expect(nodes).toHaveLength(1);
      const [service] = nodes;
      expect(service.cmdline).toContain('dist/main.js');
      expect(service.cmdline.join(' ')).not.toMatch(/tsx/);
      expect(service.cmdline).toContain('--max-semi-space-size=2');
      // Built from the sources as they are: tsc -b has nothing left to build.
      const dry = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json', '--dry', '--verbose'],
          { cwd: REPO },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      );
      expect(dry).toMatch(/is up to date/);
      expect(dry).not.toMatch(/would build/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await run.exited;
    }
  }, 150_000);

  it('SIGTERM to npm alone, as a supervisor sends it, stops the service gracefully: no node left serving the port', async () => {
    const run = await npmStart();
    const [node] = serviceNodes(run.child);
    expect(node).toBeDefined();
    const at = Date.now();
    process.kill(run.child.pid!, 'SIGTERM');
    await expectStoppedGracefully(run, node!.pid, at);
  }, 150_000);

  it('Ctrl-C (SIGINT to the whole group, then npm passes it on again) stops it gracefully, giving its claims back', async () => {
    const run = await npmStart();
    const [node] = serviceNodes(run.child);
    expect(node).toBeDefined();
    const at = Date.now();
    process.kill(-run.child.pid!, 'SIGINT');
    await expectStoppedGracefully(run, node!.pid, at);
  }, 150_000);
});
