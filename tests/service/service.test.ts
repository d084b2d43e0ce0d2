// The composition root with real credentials: the real grammY and stripe clients pointed at the
// local fakes, Telegram in webhook mode, and no sandbox anywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { startTestService } from '../helpers/service.js';

const TOKEN = '555000:REAL-looking-token';
let tg: FakeTelegram;
let stripe: StartedFakeStripe;
let service: RunningService;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  stripe = await startFakeStripe({ webhookSecret: 'whsec_service_test' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-service-'));
  service = await startTestService(
    loadConfig({
      DATABASE_PATH: path.join(dir, 'library.db'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'https://library.example.test',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret_123',
      TELEGRAM_STAFF_CHAT_ID: '-100777',
      STRIPE_SECRET_KEY: 'sk_test_service',
      STRIPE_WEBHOOK_SECRET: 'whsec_service_test',
      STRIPE_API_BASE: stripe.apiBase,
    }),
    { logger: silentLogger(), startJobs: false },
  );
});

afterAll(async () => {
  await service?.stop();
  await tg?.close();
  await stripe?.close();
});

// startService binds PORT 0; the real address is its local one.
const local = () => service.localUrl;

describe('with real credentials', () => {
  it('sets the Telegram webhook at PUBLIC_URL with the secret token', () => {
    const call = tg.api.calls.find((c) => c.method === 'setWebhook');
    expect(call?.params.url).toBe('https://library.example.test/telegram/webhook');
    expect(call?.params.secret_token).toBe('hook-secret_123');
  });

  it('answers 401 to a webhook call without the right secret and ignores the update', async () => {
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 42, type: 'private', first_name: 'X' },
        from: { id: 42, is_bot: false, first_name: 'X' },
        text: '/start',
      },
    };
    const none = await fetch(`${local()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(update),
    });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${local()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' },
      body: JSON.stringify(update),
    });
    expect(wrong.status).toBe(401);
    expect(await service.core.users.findByTelegramId(42)).toBeUndefined();
  });

  it('handles a webhook update carrying the secret', async () => {
    tg.api.registerChat({ id: 43, type: 'private', first_name: 'Ada' });
    const update = {
      update_id: 2,
      message: {
        message_id: 2,
        date: 0,
        chat: { id: 43, type: 'private', first_name: 'Ada' },
        from: { id: 43, is_bot: false, first_name: 'Ada' },
        text: '/start',
      },
    };
    const res = await fetch(`${local()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'hook-secret_123' },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    expect(await service.core.users.findByTelegramId(43)).toBeDefined();
    expect(tg.api.transcript(43).some((m) => m.from === 'bot')).toBe(true);
  });

  it('never mounts the sandbox', async () => {
    for (const p of [
      '/sandbox/',
      '/sandbox/telegram/bot1:x/getMe',
      '/sandbox/checkout/cs_test_1',
      '/sandbox/stripe/v1/checkout/sessions',
    ]) {
      expect((await fetch(`${local()}${p}`)).status).toBe(404);
    }
  });

  it('creates Checkout Sessions on the configured Stripe with success URLs under PUBLIC_URL', async () => {
    const book = await service.core.books.create(SYSTEM_ACTOR, {
      title: 'Service Book',
      author: 'A',
      cover: 'SOFT',
      inventory: 1,
      daily_fee: '1.00',
    });
    const reader = await service.core.users.register({
      email: 'svc@example.test',
      password: 'a fine password',
      first_name: 'S',
      last_name: 'V',
    });
    const { borrowing, session_url } = await service.core.borrowings.borrow(
      { userId: reader.id, isStaff: false },
      { book_id: book.id, expected_return_date: addOne(service.core.borrowings.today()) },
    );
    expect(session_url).toMatch(/^http/);
    const session = stripe.api.session(borrowing.payments[0]!.session_id!);
    expect(session?.success_url).toBe('https://library.example.test/api/payments/success/?session_id={CHECKOUT_SESSION_ID}');
  });
});

function addOne(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
