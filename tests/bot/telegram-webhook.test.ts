// POST /telegram/webhook as the running service serves it: a body that is not a Telegram update
// answers 400 and is ignored, never a 500 (SPEC §10).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { startTestService } from '../helpers/service.js';

const TOKEN = '556000:webhook-test-token';
const SECRET = 'hook-secret_400';
let tg: FakeTelegram;
let stripe: StartedFakeStripe;
let service: RunningService;
let dir: string;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  stripe = await startFakeStripe({ webhookSecret: 'whsec_webhook_test' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-webhook-'));
  service = await startTestService(
    loadConfig({
      DATABASE_PATH: path.join(dir, 'library.db'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'https://library.example.test',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      STRIPE_SECRET_KEY: 'sk_test_webhook',
      STRIPE_WEBHOOK_SECRET: 'whsec_webhook_test',
      STRIPE_API_BASE: stripe.apiBase,
    }),
    { logger: silentLogger(), startJobs: false },
  );
});

afterAll(async () => {
  await service?.stop();
  await tg?.close();
  await stripe?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const post = (body: string, secret?: string) =>
  fetch(`${service.localUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body,
  });

const start = (chatId: number, updateId: number) =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 0,
      chat: { id: chatId, type: 'private', first_name: 'W' },
      from: { id: chatId, is_bot: false, first_name: 'W' },
      text: '/start',
    },
  });

describe('POST /telegram/webhook with the right secret and a body that is not an update', () => {
  const bodies: [string, string][] = [
    ['malformed JSON', '{"update_id": 1, "message": '],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
    ['an object without update_id', '{"message": {"text": "/start"}}'],
    ['an update_id that is a string', start(61, 1).replace('"update_id":1', '"update_id":"1"')],
    ['a negative update_id', start(62, 1).replace('"update_id":1', '"update_id":-5')],
  ];
  for (const [name, body] of bodies) {
    it(`${name}: 400 with an error body, and nothing happens`, async () => {
      const before = tg.api.calls.length;
      const r = await post(body, SECRET);
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ error: { code: 'VALIDATION' } });
      expect(tg.api.calls.length).toBe(before);
    });
  }

  it('the update behind an answered 400 is ignored: no reader is created', async () => {
    expect((await post(start(63, 7).replace('"update_id":7', '"update_id":"7"'), SECRET)).status).toBe(400);
    expect(await service.core.users.findByTelegramId(63)).toBeUndefined();
  });

  it('a wrong or missing secret still answers 401 first, whatever the body', async () => {
    expect((await post('{not json', 'wrong')).status).toBe(401);
    expect((await post('{not json')).status).toBe(401);
  });

  it('a real update with the secret is still handled (200)', async () => {
    tg.api.registerChat({ id: 64, type: 'private', first_name: 'W' });
    const r = await post(start(64, 9), SECRET);
    expect(r.status).toBe(200);
    expect(await service.core.users.findByTelegramId(64)).toBeDefined();
  });
});
