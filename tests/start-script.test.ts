// Issue 16 (memory): `npm start` runs the compiled service — dist/main.js under plain node, built
// by `tsc -b` first when a source changed — not TypeScript through the tsx loader. The other
// entry-point tests (startup, env-file) run main.ts through tsx: they test the sources' behaviour;
// this one tests the start script itself.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO } from './helpers/entry-point.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The processes below `root` (Linux /proc), with their command lines. */
function descendants(root: number): Array<{ pid: number; cmdline: string[] }> {
  const all = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
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
    for (const p of all) if (parents.has(p.ppid) && !parents.has(p.pid)) (parents.add(p.pid), found.push(p), (grew = true));
  }
  return found;
}

describe.runIf(process.platform === 'linux')('npm start', () => {
  it('builds if needed, then serves from dist/main.js under plain node (no TypeScript loader)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-start-'));
    dirs.push(dir);
    const port = await freePort();
    const env: Record<string, string> = { DATABASE_PATH: path.join(dir, 'library.db'), PORT: String(port), HOST: '127.0.0.1', SANDBOX: 'off', LOG_LEVEL: 'info' };
    for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    const child = spawn('npm', ['start'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let text = '';
    child.stderr!.on('data', (d) => (text += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${text}`)), 120_000);
        child.stdout!.on('data', (d) => {
          text += d;
          if (text.includes('Library is up')) (clearTimeout(timer), resolve());
        });
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`npm start exited (${code}):\n${text}`))));
      });
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const nodes = descendants(child.pid!).filter((p) => path.basename(p.cmdline[0] ?? '') === 'node' && p.cmdline.some((a) => /main\.(js|ts)$/.test(a)));
      expect(nodes).toHaveLength(1);
      const [service] = nodes;
      expect(service.cmdline).toContain('dist/main.js');
      expect(service.cmdline.join(' ')).not.toMatch(/tsx/);
      expect(service.cmdline).toContain('--max-semi-space-size=2');
      // Built from the sources as they are: tsc -b has nothing left to build.
      const dry = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json', '--dry', '--verbose'], { cwd: REPO }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
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
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
  }, 150_000);
});
