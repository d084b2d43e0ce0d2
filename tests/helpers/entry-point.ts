// Runs an entry point (npm start's main.ts, a CLI script) the way an operator does: `tsx <file>`
// in a working directory of the test's choosing, with only the environment the test gives it.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

/** A fresh working directory, optionally holding a `.env` with these lines. */
export function workDir(envLines?: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-entry-'));
  if (envLines) fs.writeFileSync(path.join(dir, '.env'), `${envLines.join('\n')}\n`);
  return dir;
}

/** Nothing from the test runner's own environment leaks in: only what the child needs to run. */
function baseEnv(extra: Record<string, string>): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) keep[k] = process.env[k]!;
  return { ...keep, ...extra };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx <script> ...args` in cwd to the end. */
export function runToEnd(
  script: string,
  opts: { cwd: string; env?: Record<string, string>; args?: string[]; timeoutMs?: number; input?: string },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(REPO, script), ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: baseEnv(opts.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(opts.input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `tsx main.ts` in cwd and resolves once it logs that the library is up. */
export function startMain(opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(REPO, 'main.ts')], {
      cwd: opts.cwd,
      env: baseEnv(opts.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Record<string, unknown>[] = [];
    let text = '';
    let pending = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const started: Started = {
      child,
      logs,
      output: () => text,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not start in time. Output:\n${text}`));
    }, opts.timeoutMs ?? 25_000);
    child.stderr.on('data', (d) => (text += d));
    child.stdout.on('data', (d: Buffer) => {
      text += d;
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.msg === 'string' && entry.msg.startsWith('Library is up')) {
            clearTimeout(timer);
            resolve(started);
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts exited (${code}) before it was up. Output:\n${text}`));
    });
  });
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs `fn` while no other test file builds dist/ (`tsc -b` from two files at once would write
 * the same files together, and a process started meanwhile could read half of one). A lock
 * directory beside the system's temp files; one left by a killed run is taken after 5 minutes.
 */
export async function withDistBuild<T>(fn: () => Promise<T> | T): Promise<T> {
  const lock = path.join(os.tmpdir(), `library-dist-build-${Buffer.from(REPO).toString('hex').slice(-24)}.lock`);
  const end = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000 || Date.now() > end) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
