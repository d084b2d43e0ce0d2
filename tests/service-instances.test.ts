// Several instances of the service on one database (SPEC §12), as far as one machine shows it on
// every engine: one long-polling instance at most, and in webhook mode each update once. Two
// instances on a PostgreSQL server under load: tests/multi/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { PollingRefusedError, type RunningService } from '../service.js';
import { startTestService } from './helpers/service.js';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram.js';
import { TEST_ENGINE } from './helpers/engine.js';

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
    DATABASE_PATH: path.join(dir, file), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent',
    TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, SANDBOX: 'off', ...env,
  });
const start = async (file: string, env: Record<string, string> = {}) => {
  const s = await startTestService(config(file, env), { logger: silentLogger(), startJobs: false });
  running.push(s);
  return s;
};
const stop = async (s: RunningService) => {
  running.splice(running.indexOf(s), 1);
  await s.stop();
};

describe(`A second long-polling instance (${TEST_ENGINE})`, () => {
  it('refuses to start, saying to use webhook mode, while the first polls; starts once the first has stopped', async () => {
    const first = await start('polling.db');
    const refused = await start('polling.db').then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(PollingRefusedError);
    const message = (refused as Error).message;
    expect(message).toContain('Another instance is already receiving Telegram updates by long polling');
    expect(message).toContain('webhook mode');
    expect(message).toContain('TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL');
    await stop(first);
    const next = await start('polling.db');
    expect(next.url).toBeTruthy();
    await stop(next);
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
    const update = JSON.stringify({ update_id: 900, message: { message_id: 900, date: 0, chat, from: { id: chat.id, is_bot: false, first_name: 'Twice' }, text: '/start' } });
    const post = (s: RunningService) => fetch(`${s.localUrl}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: update });
    const answers = await Promise.all([post(a), post(b), post(a)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await post(b)).status).toBe(200);
    // A text the bot does not know is answered once, and its sender becomes a reader once.
    const greetings = tg.api.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chat.id && String(c.params.text).startsWith("I don't know that command"));
    expect(greetings).toHaveLength(1);
    expect(await a.core.users.findByTelegramId(chat.id)).toBeDefined();
  });
});
