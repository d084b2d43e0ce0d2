// Several instances of the service on one database (SPEC §12), as far as one machine shows it on
// every engine: one long-polling instance at most — a second one serves the API and waits for its
// turn, never refusing to start — and in webhook mode each update once. Two instances on a
// PostgreSQL server under load: tests/multi/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { captureLogger, type LogEntry } from '../helpers/bot.js';
import { TEST_ENGINE } from '../helpers/engine.js';
import { startTestService } from '../helpers/service.js';

const TOKEN = '557000:instances-test-token';
const SECRET = 'instances-secret';
let tg: FakeTelegram;
let dir: string;
const running: RunningService[] = [];

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-instances-'));
});
afterAll(async () => {
  for (const s of running.splice(0)) await s.stop();
  await tg?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const config = (file: string, env: Record<string, string> = {}) =>
  loadConfig({
    DATABASE_PATH: path.join(dir, file),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    SANDBOX: 'off',
    ...env,
  });
const start = async (file: string, env: Record<string, string> = {}, logs?: LogEntry[]) => {
  const s = await startTestService(config(file, env), { logger: logs ? captureLogger(logs) : silentLogger(), startJobs: false });
  running.push(s);
  return s;
};
const stop = async (s: RunningService) => {
  running.splice(running.indexOf(s), 1);
  await s.stop();
};

describe(`A second long-polling instance (${TEST_ENGINE})`, () => {
  // Until issue 20 a second poller refused to start (exit 1): a restart after a crash found its
  // own dead claim and a supervisor ended up with a dead service. Now it waits, and never polls
  // beside the first.
  it('starts and serves the API, says once that it waits (naming webhook mode), polls only once the first has stopped', async () => {
    // A Bot API each, so that what reaches each instance can be told apart: a reader's message
    // is answered only by an instance that polls.
    const own = await startFakeTelegram({ token: TOKEN, firstUpdateId: 5000 });
    const reader = (id: number) => ({ id, first_name: `Reader${id}` });
    try {
      const first = await start('polling.db');
      tg.api.userSends({ from: reader(7101), text: '/start' });
      await tg.api.waitFor((api) => api.lastBotMessage(7101), 5000);
      const logs: LogEntry[] = [];
      const second = await start('polling.db', { TELEGRAM_API_ROOT: own.apiRoot }, logs);
      expect((await fetch(`${second.localUrl}/health`)).status).toBe(200);
      await second.telegramStarted;
      own.api.userSends({ from: reader(7102), text: '/start' });
      // It reached Telegram (getMe), yet does not take updates while the first one polls.
      await new Promise((r) => setTimeout(r, 2500));
      expect(own.api.calls.map((c) => c.method)).toContain('getMe');
      expect(own.api.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
      expect(own.api.lastBotMessage(7102)).toBeUndefined();
      const waits = logs.filter((l) => String(l.msg).includes('receiving Telegram updates by long polling'));
      expect(waits).toHaveLength(1);
      expect(waits[0]!.level).toBe(40);
      expect(waits[0]!.msg).toContain(
        'Another instance on this machine is receiving Telegram updates by long polling (npm start (pid',
      );
      expect(waits[0]!.msg).toContain('this one serves the API and the jobs');
      expect(waits[0]!.msg).toContain('webhook mode (set TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL on every instance)');

      await stop(first);
      const freed = Date.now();
      await own.api.waitFor((api) => api.lastBotMessage(7102), 5000);
      expect(Date.now() - freed).toBeLessThan(3000);
      expect(logs.some((l) => l.msg === 'long-polling claim taken: this instance now receives Telegram updates')).toBe(true);
      await stop(second);
    } finally {
      await own.close();
    }
  });

  it('does not stop instances in webhook mode: any number of them start', async () => {
    const env = { TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://library.example.test' };
    const a = await start('webhook.db', env);
    const b = await start('webhook.db', env);
    expect([a.url, b.url]).toEqual(['https://library.example.test', 'https://library.example.test']);
  });
});

describe(`An update posted to the webhook twice (${TEST_ENGINE})`, () => {
  it('is handled once, whether the copies come at once, to two instances, or later', async () => {
    const env = { TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://library.example.test' };
    const a = running.find((s) => s.config.databasePath.endsWith('webhook.db')) ?? (await start('webhook.db', env));
    const b = running.filter((s) => s.config.databasePath.endsWith('webhook.db'))[1] ?? (await start('webhook.db', env));
    const chat = { id: 7001, type: 'private' as const, first_name: 'Twice' };
    tg.api.registerChat(chat);
    const update = JSON.stringify({
      update_id: 900,
      message: { message_id: 900, date: 0, chat, from: { id: chat.id, is_bot: false, first_name: 'Twice' }, text: '/start' },
    });
    const post = (s: RunningService) =>
      fetch(`${s.localUrl}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: update,
      });
    const answers = await Promise.all([post(a), post(b), post(a)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await post(b)).status).toBe(200);
    // A text the bot does not know is answered once, and its sender becomes a reader once.
    const greetings = tg.api.calls.filter(
      (c) =>
        c.method === 'sendMessage' &&
        Number(c.params.chat_id) === chat.id &&
        String(c.params.text).startsWith("I don't know that command"),
    );
    expect(greetings).toHaveLength(1);
    expect(await a.core.users.findByTelegramId(chat.id)).toBeDefined();
  });
});
