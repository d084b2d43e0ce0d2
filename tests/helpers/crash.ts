// A crash under load, as a supervisor sees it: the compiled service (`node dist/main.js`, what
// `npm start` runs) long-polls the fake Bot API over real HTTP with a token set, while readers
// write to it and registrations come in over the API; it is killed with SIGKILL and started
// again at once on the same database and port. Used by tests/service/restart-crash.sqlite.test.ts (SQLite) and
// tests/multi/restart-crash.test.ts (a PostgreSQL server).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { freePort, REPO, withDistBuild } from './entry-point.js';

const TOKEN = '559000:crash-restart-token';
const READERS = Array.from({ length: 6 }, (_, i) => 7_400_001 + i);

export interface CrashRun {
  /** From the restart's spawn to the first /health 200. */
  healthyMs: number;
  /** From the restart's spawn to the first answer to a message sent after the restart. */
  pollingMs: number;
  /** Each reader message's marker with the number of times the bot answered it. */
  answers: Map<string, number>;
  /** Markers sent before the kill, and after it. */
  sentBefore: string[];
  sentAfter: string[];
  /** Registrations the API confirmed (201) before the kill. */
  registeredBeforeKill: string[];
  /** Everything both processes printed. */
  firstOutput: string;
  secondOutput: string;
  /** The restarted process's exit code after SIGTERM. */
  secondExit: number | null;
}

interface Service {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Once per run: dist/ as the sources are now (what `npm start` does first). */
export function buildDist(): Promise<void> {
  return withDistBuild(() => {
    execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO,
      stdio: 'ignore',
    });
  });
}

function spawnService(cwd: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--max-semi-space-size=2', path.join(REPO, 'dist/main.js')], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms. Output:\n${output()}`);
    await sleep(25);
  }
}

const healthy = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) }).then(
    (r) => (r.status === 200 ? true : undefined),
    () => undefined,
  );

/**
 * Runs the crash: `database` is the environment that names the database (DATABASE_PATH or
 * DATABASE_URL). Resolves with what happened; every process it started has ended.
 */
export async function crashUnderLoad(database: Record<string, string>): Promise<CrashRun> {
  const tg: FakeTelegram = await startFakeTelegram({ token: TOKEN });
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'library-crash-cwd-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...database,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SANDBOX: 'off',
    AUTH_RATE_LIMIT: 'off',
    JWT_SECRET: 'crash-restart-jwt-secret-0123456789abcdef',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
  };
  for (const id of READERS) tg.api.registerChat({ id, type: 'private', first_name: `R${id}` });
  const services: Service[] = [];
  try {
    const first = spawnService(cwd, env);
    services.push(first);
    await until('first start healthy', () => healthy(port), 60_000, first.output);
    // Polling: a reader is answered.
    tg.api.userSends({ from: { id: READERS[0]!, first_name: 'Warm' }, text: 'zqwarm' });
    await until('first start polling', () => tg.api.lastBotMessage(READERS[0]!) ?? undefined, 20_000, first.output);

    // Load: readers searching (each message a marker the answer repeats), registrations over the API.
    let seq = 0;
    let killed = false;
    let restartedAt = 0;
    const sentBefore: string[] = [];
    const sentAfter: string[] = [];
    const sentAt = new Map<string, number>();
    const chatOf = new Map<string, number>();
    const registeredBeforeKill: string[] = [];
    let loading = true;
    const readersLoad = (async () => {
      while (loading) {
        const marker = `zq${String(++seq).padStart(5, '0')}`;
        const id = READERS[seq % READERS.length]!;
        (killed ? sentAfter : sentBefore).push(marker);
        sentAt.set(marker, Date.now());
        chatOf.set(marker, id);
        tg.api.userSends({ from: { id, first_name: `R${id}` }, text: marker });
        await sleep(10);
      }
    })();
    const registrations = Array.from({ length: 3 }, (_, worker) =>
      (async () => {
        for (let n = 0; loading; n++) {
          const email = `crash${worker}-${n}@example.test`;
          const wasKilled = killed;
          const r = await fetch(`http://127.0.0.1:${port}/api/users/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: 'crash-test-password', first_name: 'Crash', last_name: `W${worker}` }),
            signal: AbortSignal.timeout(5000),
          }).catch(() => undefined);
          if (r?.status === 201 && !wasKilled && !killed) registeredBeforeKill.push(email);
          if (!r) await sleep(20);
        }
      })(),
    );

    await sleep(1500);
    // The kill comes when the service has just taken a burst from Telegram, and Telegram has
    // forgotten it (the next poll confirmed it): most of it is then fetched and not yet answered.
    const burst = () => {
      for (let k = 0; k < 25; k++) {
        for (const id of READERS) {
          const marker = `zq${String(++seq).padStart(5, '0')}`;
          sentBefore.push(marker);
          sentAt.set(marker, Date.now());
          chatOf.set(marker, id);
          tg.api.userSends({ from: { id, first_name: `R${id}` }, text: marker });
        }
      }
    };
    burst();
    const confirmedBy = Date.now() + 5000;
    while (tg.api.pendingUpdates() > 0 && Date.now() < confirmedBy) await new Promise((r) => setImmediate(r));
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    const spawnedAt = Date.now();
    const second = spawnService(cwd, env);
    services.push(second);
    restartedAt = spawnedAt;
    await until(
      'restart healthy',
      () => {
        if (second.child.exitCode !== null) throw new Error(`the restart exited (${second.child.exitCode}):\n${second.output()}`);
        return healthy(port);
      },
      30_000,
      second.output,
    );
    const healthyMs = Date.now() - spawnedAt;
    const answered = (marker: string) =>
      tg.api.transcript(chatOf.get(marker)!).some((m) => m.from === 'bot' && m.text.includes(`“${marker}”`));
    const pollingMs = await until(
      'restart polling',
      () => (sentAfter.some((m) => (sentAt.get(m) ?? 0) >= restartedAt && answered(m)) ? Date.now() - spawnedAt : undefined),
      30_000,
      second.output,
    );
    await sleep(1500);
    loading = false;
    await Promise.all([readersLoad, ...registrations]);

    // Settle: every reader answered, or nothing new for two seconds.
    const count = () => {
      const answers = new Map<string, number>();
      for (const id of READERS) {
        for (const m of tg.api.transcript(id)) {
          const marker = m.from === 'bot' ? /“(zq\d{5})”/.exec(m.text)?.[1] : undefined;
          if (marker) answers.set(marker, (answers.get(marker) ?? 0) + 1);
        }
      }
      return answers;
    };
    let last = -1;
    let quietSince = Date.now();
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(100)) {
      const total = [...count().values()].reduce((a, b) => a + b, 0);
      if (total !== last) (last = total), (quietSince = Date.now());
      if ([...sentBefore, ...sentAfter].every((m) => count().has(m)) && Date.now() - quietSince > 500) break;
      if (Date.now() - quietSince > 2000) break;
    }

    second.child.kill('SIGTERM');
    const secondExit = await second.exited;
    return {
      healthyMs,
      pollingMs,
      answers: count(),
      sentBefore,
      sentAfter,
      registeredBeforeKill,
      firstOutput: first.output(),
      secondOutput: second.output(),
      secondExit,
    };
  } finally {
    for (const s of services) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    await tg.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** The log entries (JSON lines) a process printed. */
const entries = (output: string) =>
  output.split('\n').flatMap((line) => {
    try {
      return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });

/**
 * What a restart after a crash owes: healthy within 2 s; polling again soon (at once here: the
 * dead process was of this machine, so its claim is taken over, not waited out); no message
 * answered twice; every message answered but those the dead process had begun to handle (at
 * most one a chat, given up and logged by the restart); a clean stop afterwards.
 */
export function expectBackAtOnce(run: CrashRun): void {
  expect(run.healthyMs).toBeLessThan(2000);
  expect(run.pollingMs).toBeLessThan(20_000);
  const logs = entries(run.secondOutput);
  expect(
    logs.some((l) => l.lease === 'telegram-polling' && l.msg === 'lease taken over from a process of this machine that is gone'),
    run.secondOutput,
  ).toBe(true);
  expect(logs.some((l) => String(l.msg).includes('receiving Telegram updates by long polling'))).toBe(false);
  expect([...run.answers].filter(([, n]) => n > 1)).toEqual([]);
  const givenUp = logs
    .filter((l) => String(l.msg).includes('were being handled when the previous poller stopped'))
    .flatMap((l) => l.updates as number[]);
  expect(givenUp.length).toBeLessThanOrEqual(READERS.length);
  const unanswered = [...run.sentBefore, ...run.sentAfter].filter((m) => !run.answers.has(m));
  expect(unanswered.length, `unanswered ${unanswered.join(' ')}; given up ${givenUp.join(' ')}`).toBeLessThanOrEqual(
    givenUp.length,
  );
  expect(run.sentBefore.length).toBeGreaterThan(10);
  expect(run.sentAfter.length).toBeGreaterThan(10);
  expect(run.secondExit).toBe(0);
}
