// Issue 11.3: a busy port is a sentence for the operator (which port, how to choose another),
// exit 1, no stack. Below: a second sandbox on the same database, a malformed PORT.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/connection.js';
import { silentLogger } from '../../logger.js';
import { ListenError, startService } from '../../service.js';
import { freePort, REPO, runToEnd, startMain, workDir } from '../helpers/entry-point.js';

let taken: net.Server;
let port: number;
const dirs: string[] = [];

beforeAll(async () => {
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('a port already in use', () => {
  it('startService rejects with a ListenError naming the port and how to choose another', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-port-'));
    dirs.push(dir);
    const config = loadConfig({
      DATABASE_PATH: path.join(dir, 'library.db'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SANDBOX: 'off',
    });
    const error = await startService(config, { logger: silentLogger(), startJobs: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('EADDRINUSE');
    expect((error as Error).message).toContain(`Port ${port} is already in use`);
    expect((error as Error).message).toContain(`PORT=${port + 1} npm start`);
  });

  it('npm start prints that sentence and exits 1, without a stack trace', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const run = await runToEnd('main.ts', {
      cwd,
      env: { PORT: String(port), HOST: '127.0.0.1', SANDBOX: 'off', LOG_LEVEL: 'silent' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Port ${port} is already in use on 127.0.0.1`);
    expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('EADDRINUSE');
  });
});

// Issue 20, item 4: following the busy-port advice in the same folder (PORT=3301 npm start)
// started a second sandbox on the same ./data, whose readers' notices then showed in the first
// one's web chat.
describe('a second `npm start` with the sandbox on, in the same folder', () => {
  it('exits 1 with one sentence naming the running one’s address, whatever port it was given', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const firstPort = await freePort();
    const first = await startMain({ cwd, env: { PORT: String(firstPort), LOG_LEVEL: 'info' } });
    try {
      for (const port of [String(await freePort()), String(firstPort)]) {
        const run = await runToEnd('main.ts', { cwd, env: { PORT: port, LOG_LEVEL: 'info' } });
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          `The library is already running on this database with the sandbox on, at http://localhost:${firstPort}/sandbox/ (pid `,
        );
        expect(run.stderr).not.toMatch(/\n\s+at /);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect((await fetch(`http://127.0.0.1:${firstPort}/health`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});

describe('a malformed PORT', () => {
  it('says "PORT must be a whole number from 1 to 65535" and exits 1', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    for (const port of ['eighty', '3000.5', '70000']) {
      const run = await runToEnd('main.ts', { cwd, env: { PORT: port } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('PORT must be a whole number from 1 to 65535');
      expect(run.stderr).not.toContain('PORT: ');
    }
  });
});

// Issue 20, item 27: on a terminal the sandbox's address was buried in JSON log lines.
describe.runIf(process.platform === 'linux')('npm start on a terminal', () => {
  it('prints lines for people, the sandbox address among them, and no JSON', async () => {
    // util-linux's `script` gives the service a pseudo-terminal, as a person's shell does.
    const cwd = workDir();
    dirs.push(cwd);
    const port = await freePort();
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const child = spawn('script', ['-qefc', `${tsx} ${path.join(REPO, 'main.ts')}`, '/dev/null'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), TERM: 'dumb' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in time:\n${out}`)), 60_000);
        const check = () => {
          if (/Library is up/.test(out) && /API docs:/.test(out)) clearTimeout(timer), resolve();
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited (${code}):\n${out}`))));
      });
      expect(out).not.toContain('{"level"');
      expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}database migrated /m);
      expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}Library is up\. Try it offline: http:\/\/localhost:\d+\/sandbox\//m);
      expect(out).toContain(`Try it offline:  http://localhost:${port}/sandbox/`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve),
      );
    }
  }, 90_000);
});

// Issue 20, item 1: Ctrl-C while the service still waited for Telegram killed it outright (the
// signal handlers came only after start-up), leaving its long-polling claim behind. npm passes a
// terminal's Ctrl-C on to the service too, so the service sees it twice.
describe('Ctrl-C while Telegram does not answer', () => {
  it('stops gracefully (exit 0), twice-sent or not, and leaves no claim behind', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const port = await freePort();
    // Accepts connections and never answers.
    const sockets = new Set<net.Socket>();
    const blackhole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const apiRoot = `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: '555333:REAL-looking-token-abcdefghijklmnop',
      TELEGRAM_API_ROOT: apiRoot,
    };
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, path.join(REPO, 'main.ts')],
      { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`never healthy:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Telegram has not answered (its first wait is 10 s): the service is still waiting for it.
      expect(out).not.toContain('Telegram could not be reached');
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      const end = await Promise.race([
        exited,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`still running:\n${out}`)), 20_000)),
      ]);
      expect(end, out).toEqual({ code: 0, signal: null });
      expect(out).toContain('shutting down: finishing in-flight work');
      const { db } = await openDatabase(path.join(cwd, 'data', 'library.db'));
      try {
        expect(await db.selectFrom('leases').selectAll().execute()).toEqual([]);
      } finally {
        await db.destroy();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  }, 60_000);
});
