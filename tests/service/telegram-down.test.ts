// An operator's first start with a real token on a machine that cannot reach Telegram: the
// service comes up at once anyway — it listens and serves before Telegram has answered — says
// plainly that Telegram could not be reached (and will be tried again), and stops cleanly, even
// while it still waits for Telegram. A token Telegram refuses is said to be wrong.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { openServiceDatabase, startTestService, warmTestDatabase } from '../helpers/service.js';

const TOKEN = '555222:REAL-looking-token-abcdefghijklmnop';
let dir: string;
let blackhole: net.Server;
let blackholeRoot: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  // PGlite boots once per test file (seconds on a busy machine): not the start-up measured here.
  await warmTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-tgdown-'));
  // Accepts connections and never answers: a firewall that drops, or a very slow network.
  blackhole = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  blackholeRoot = `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => blackhole.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const lines: { level: number; msg: string; err?: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const config = (name: string, env: Record<string, string>) =>
  loadConfig({
    DATABASE_PATH: path.join(dir, `${name}.db`),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TELEGRAM_BOT_TOKEN: TOKEN,
    ...env,
  });

describe('Telegram unreachable at start', () => {
  it('the service starts, logs a plain error saying it will retry, answers the API and stops promptly', async () => {
    const { logger, lines } = capture();
    const started = Date.now();
    const service = await startTestService(config('down', { TELEGRAM_API_ROOT: blackholeRoot }), {
      logger,
      startJobs: false,
      telegramTimeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    try {
      const error = lines.find((l) => l.level === 50 && l.msg.startsWith('Telegram could not be reached'));
      expect(error?.msg).toMatch(/no answer within [\d.]+ s\); the bot will try again in 5 s\. The API keeps running/);
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
      expect(lines.some((l) => l.msg.startsWith('Library is up'))).toBe(true);
      expect((await fetch(`${service.localUrl}/health`)).status).toBe(200);
    } finally {
      const stopping = Date.now();
      await service.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
  });
});

describe('Telegram that never answers, with the default 10 s wait', () => {
  it('the port answers and the service is up within 2 s; stopping during the wait is prompt', async () => {
    const { logger, lines } = capture();
    const hang = config('hang', { TELEGRAM_API_ROOT: blackholeRoot });
    // Its database made ahead (a new PGlite schema takes seconds): the service's start is timed.
    await (await openServiceDatabase(hang)).destroy();
    const started = Date.now();
    const service = await startTestService(hang, { logger, startJobs: false }, { awaitTelegram: false });
    try {
      expect((await fetch(`${service.localUrl}/health`)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(lines.some((l) => l.msg.startsWith('Library is up'))).toBe(true);
      // Telegram has not answered yet, and has not yet been given up on.
      expect(sockets.size).toBeGreaterThan(0);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    } finally {
      const stopping = Date.now();
      await service.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
  });
});

describe('a token Telegram refuses', () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await startFakeTelegram({ token: '999:some-other-token' });
  });
  afterAll(async () => {
    await tg?.close();
  });

  it('is said to be wrong, once, and the API keeps running', async () => {
    const { logger, lines } = capture();
    const service = await startTestService(config('refused', { TELEGRAM_API_ROOT: tg.apiRoot }), {
      logger,
      startJobs: false,
      telegramTimeoutMs: 2000,
    });
    try {
      const errors = lines.filter((l) => l.level === 50);
      expect(errors.map((l) => l.msg)).toEqual([
        'Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather. The bot is not started; the API keeps running',
      ]);
      expect((await fetch(`${service.localUrl}/health`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
