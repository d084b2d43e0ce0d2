// Issue 11.2 through the whole service: one database file started three ways, as an operator
// would — offline first (the sandbox), then with a real Telegram token only, then with a real
// Stripe key only. A real credential with SANDBOX=auto leaves no stand-in and no sandbox staff.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { foreignSessionTest } from '../../core/payments/checkout.js';
import { type Logger, silentLogger } from '../../logger.js';
import { sandboxPersonas } from '../../sandbox/index.js';
import type { RunningService } from '../../service.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { startTestService } from '../helpers/service.js';

const TOKEN = '555111:REAL-looking-token';
const LIBRARIAN_TELEGRAM_ID = sandboxPersonas(-100).find((p) => p.id === 'librarian')!.user.id;
const SANDBOX_PATHS = [
  '/sandbox/',
  '/sandbox/checkout/cs_test_1',
  '/sandbox/stripe/v1/checkout/sessions',
  '/sandbox/telegram/bot7000000001:SANDBOX-not-a-real-token/getMe',
];

let dir: string;
let file: string;
let tg: FakeTelegram;
let stripe: StartedFakeStripe;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-switch-'));
  file = path.join(dir, 'library.db');
  tg = await startFakeTelegram({ token: TOKEN });
  stripe = await startFakeStripe({ webhookSecret: 'whsec_switch_test' });
});

afterAll(async () => {
  await tg?.close();
  await stripe?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

async function start(env: Record<string, string>, logger: Logger = silentLogger()): Promise<RunningService> {
  return startTestService(loadConfig({ DATABASE_PATH: file, PORT: '0', LOG_LEVEL: 'silent', ...env }), {
    logger,
    startJobs: false,
  });
}

async function json(service: RunningService, method: string, route: string, opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${service.localUrl}${route}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

let readers = 0;
/** A new REST reader borrows a book for three days; answers the borrowing as POST returned it. */
async function borrowOverRest(service: RunningService) {
  readers++;
  const email = `switch${readers}@example.test`;
  expect(
    (
      await json(service, 'POST', '/api/users/', {
        body: { email, password: 'a fine password', first_name: 'S', last_name: 'W' },
      })
    ).status,
  ).toBe(201);
  const token = (await json(service, 'POST', '/api/users/token/', { body: { email, password: 'a fine password' } })).body
    .access as string;
  const books = (await json(service, 'GET', '/api/books/?limit=100')).body.results as { id: number; inventory: number }[];
  const book = books.find((b) => b.inventory > 0)!;
  const due = new Date(Date.parse(`${service.core.borrowings.today()}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
  const res = await json(service, 'POST', '/api/borrowings/', { token, body: { book_id: book.id, expected_return_date: due } });
  expect(res.status).toBe(201);
  return { token, borrowing: res.body };
}

async function sandboxStaff(service: RunningService) {
  return service.db
    .selectFrom('users')
    .select('id')
    .where('telegram_user_id', '=', LIBRARIAN_TELEGRAM_ID)
    .where('is_staff', '=', 1)
    .execute();
}

function externalIPv4(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('with nothing set, the sandbox is on and listens on 127.0.0.1 only', () => {
  it('binds the loopback address when HOST is unset, serves /sandbox/ and makes its librarian staff', async () => {
    const service = await start({});
    try {
      expect(service.config.sandbox).toEqual({ telegram: true, stripe: true });
      expect(service.host).toBe('127.0.0.1');
      const port = Number(new URL(service.localUrl).port);
      expect(await canConnect('127.0.0.1', port)).toBe(true);
      const external = externalIPv4();
      if (external) expect(await canConnect(external, port), `not reachable at ${external}`).toBe(false);
      expect((await fetch(`${service.localUrl}/sandbox/`)).status).toBe(200);
      expect(await (await fetch(`${service.localUrl}/`)).text()).toContain('href="/sandbox/"');
      expect(await sandboxStaff(service)).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });
});

describe('linking a REST account to the sandbox librarian persona', () => {
  it('never makes that account staff, not even when the sandbox starts again', async () => {
    const own = path.join(dir, 'linked.db');
    let service = await startTestService(loadConfig({ DATABASE_PATH: own, PORT: '0', LOG_LEVEL: 'silent' }), {
      logger: silentLogger(),
      startJobs: false,
    });
    try {
      const { users } = service.core;
      const account = await users.register({
        email: 'linker@example.test',
        password: 'a fine password',
        first_name: 'L',
        last_name: 'K',
      });
      const librarian = sandboxPersonas(-100).find((p) => p.id === 'librarian')!.user;
      await users.redeemLinkCode(
        (await users.createLinkCode({ userId: account.id, isStaff: false }, { current_password: 'a fine password' })).code,
        librarian,
      );
      expect((await users.get(SYSTEM_ACTOR, account.id)).is_staff).toBe(false);
      await service.stop();
      service = await startTestService(loadConfig({ DATABASE_PATH: own, PORT: '0', LOG_LEVEL: 'silent' }), {
        logger: silentLogger(),
        startJobs: false,
      });
      expect((await service.core.users.findByTelegramId(LIBRARIAN_TELEGRAM_ID))?.id).toBe(account.id);
      expect((await service.core.users.get(SYSTEM_ACTOR, account.id)).is_staff).toBe(false);
    } finally {
      await service.stop();
    }
  });
});

describe('a real Telegram token and no Stripe key (SANDBOX=auto)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await start({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('has nothing under /sandbox/, and / does not link there', async () => {
    expect(service.config.sandbox).toEqual({ telegram: false, stripe: false });
    for (const p of SANDBOX_PATHS) expect((await fetch(`${service.localUrl}${p}`)).status, p).toBe(404);
    expect(await (await fetch(`${service.localUrl}/`)).text()).not.toContain('/sandbox');
  });

  it('starts the real bot', () => {
    expect(tg.api.calls.some((c) => c.method === 'getMe')).toBe(true);
  });

  it('takes staff rights from the sandbox librarian of the earlier offline start', async () => {
    expect(await sandboxStaff(service)).toEqual([]);
  });

  it('borrowing leaves the payment PENDING without a session, and renewing it is refused for now', async () => {
    const { token, borrowing } = await borrowOverRest(service);
    expect(borrowing.session_url).toBeNull();
    expect(borrowing.session_error).toEqual({
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/^Payments are not set up on this library \(no Stripe key\)/),
    });
    expect(borrowing.payments).toHaveLength(1);
    expect(borrowing.payments[0]).toMatchObject({ status: 'PENDING', session_id: null });
    const renew = await json(service, 'POST', `/api/payments/${borrowing.payments[0].id}/renew/`, { token });
    expect(renew.status).toBe(503);
    expect(renew.body.error).toEqual(borrowing.session_error);
    expect((await json(service, 'GET', `/api/payments/${borrowing.payments[0].id}/`, { token })).body).toMatchObject({
      status: 'PENDING',
      session_id: null,
    });
  });
});

describe('a real Stripe key and no Telegram token (SANDBOX=auto)', () => {
  let service: RunningService;
  const log = capturingLogger();
  beforeAll(async () => {
    service = await start(
      {
        STRIPE_SECRET_KEY: 'sk_test_switch',
        STRIPE_WEBHOOK_SECRET: 'whsec_switch_test',
        STRIPE_API_BASE: stripe.apiBase,
        HOST: '127.0.0.1',
      },
      log.logger,
    );
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('has nothing under /sandbox/ (no web chat whose librarian could refund real payments)', async () => {
    expect(service.config.sandbox).toEqual({ telegram: false, stripe: false });
    for (const p of SANDBOX_PATHS) expect((await fetch(`${service.localUrl}${p}`)).status, p).toBe(404);
    expect(await sandboxStaff(service)).toEqual([]);
  });

  it('does not start a bot, and says so', () => {
    expect(log.lines.some((l) => l.level === 40 && /TELEGRAM_BOT_TOKEN is unset: the bot is not started/.test(l.msg))).toBe(true);
  });

  it('borrowing opens a real Checkout Session', async () => {
    const { borrowing } = await borrowOverRest(service);
    expect(borrowing.session_url).toMatch(/^http/);
    expect(stripe.api.session(borrowing.payments[0].session_id)).toBeDefined();
  });
});

describe('SANDBOX=on beside a real token', () => {
  it('keeps the Stripe stand-in (checkout pages) and still listens on 127.0.0.1 only', async () => {
    const service = await start({ SANDBOX: 'on', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot });
    try {
      expect(service.config.sandbox).toEqual({ telegram: false, stripe: true });
      expect(service.host).toBe('127.0.0.1');
      expect((await fetch(`${service.localUrl}/sandbox/`)).status).toBe(404);
      const { borrowing } = await borrowOverRest(service);
      expect(borrowing.session_url).toMatch(/\/sandbox\/checkout\/cs_/);
      expect(await sandboxStaff(service)).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});

describe('a payment the sandbox left pending, once a Stripe key is set', () => {
  it('counts its stand-in session as dead: not offered, renewed, and the pay link opens a new one at Stripe', async () => {
    const own = path.join(dir, 'switch-pending.db');
    const startOn = (env: Record<string, string>) =>
      startTestService(loadConfig({ DATABASE_PATH: own, PORT: '0', LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env }), {
        logger: silentLogger(),
        startJobs: false,
      });
    let service = await startOn({});
    let first: Awaited<ReturnType<typeof borrowOverRest>>;
    let second: Awaited<ReturnType<typeof borrowOverRest>>;
    try {
      expect(service.config.sandbox.stripe).toBe(true);
      first = await borrowOverRest(service);
      second = await borrowOverRest(service);
      expect(first.borrowing.session_url).toMatch(/\/sandbox\/checkout\/cs_/);
    } finally {
      await service.stop();
    }
    service = await startOn({
      STRIPE_SECRET_KEY: 'sk_test_switch',
      STRIPE_WEBHOOK_SECRET: 'whsec_switch_test',
      STRIPE_API_BASE: stripe.apiBase,
    });
    try {
      expect(service.config.sandbox.stripe).toBe(false);
      const payment = first.borrowing.payments[0];
      // Reading it: PENDING, but the stand-in's page is not offered as a way to pay.
      const read = await json(service, 'GET', `/api/payments/${payment.id}/`, { token: first.token });
      expect(read.body).toMatchObject({ status: 'PENDING', session_id: payment.session_id, session_url: null });
      expect(
        (await json(service, 'GET', `/api/borrowings/${first.borrowing.id}/`, { token: first.token })).body.payments[0]
          .session_url,
      ).toBeNull();

      // Renew: accepted (it was refused as "already has an open checkout session"), a session at Stripe.
      const renewed = await json(service, 'POST', `/api/payments/${payment.id}/renew/`, { token: first.token });
      expect(renewed.status).toBe(200);
      expect(renewed.body.session_id).not.toBe(payment.session_id);
      expect(renewed.body.session_url).toMatch(new RegExp(`^${stripe.apiBase}/checkout/cs_`));
      expect(stripe.api.session(renewed.body.session_id)).toBeDefined();
      // Now live at Stripe: renewing again is refused as before.
      expect((await json(service, 'POST', `/api/payments/${payment.id}/renew/`, { token: first.token })).status).toBe(409);

      // The pay link (every Pay button) makes one too, instead of sending the reader to the stand-in.
      const other = second.borrowing.payments[0];
      const res = await fetch(`${service.localUrl}/api/payments/checkout/${await service.core.payments.links.token(other.id)}/`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${stripe.apiBase}/checkout/cs_`));
      const after = await json(service, 'GET', `/api/payments/${other.id}/`, { token: second.token });
      expect(after.body.session_url).toBe(res.headers.get('location'));
    } finally {
      await service.stop();
    }
  });

  it('tells a stand-in session from a Stripe one, both ways', () => {
    const sandboxOn = foreignSessionTest({ sandbox: { telegram: false, stripe: true } });
    const stripeOn = foreignSessionTest({ sandbox: { telegram: false, stripe: false } });
    const standIn = 'http://localhost:3000/sandbox/checkout/cs_test_a1';
    const real = 'https://checkout.stripe.com/c/pay/cs_test_a1#fid';
    expect([sandboxOn(standIn), sandboxOn(real), stripeOn(standIn), stripeOn(real), stripeOn(null)]).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});

/** A request with a Host header of the test's choosing (fetch sends the URL's own). */
function rawRequest(
  service: RunningService,
  route: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: any }> {
  const u = new URL(service.localUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: route, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('SANDBOX=on beside a real Stripe key', () => {
  let service: RunningService;
  const log = capturingLogger();
  beforeAll(async () => {
    service = await start(
      {
        SANDBOX: 'on',
        STRIPE_SECRET_KEY: 'sk_test_switch',
        STRIPE_WEBHOOK_SECRET: 'whsec_switch_test',
        STRIPE_API_BASE: stripe.apiBase,
      },
      log.logger,
    );
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('keeps the web chat, but its librarian has no staff rights (a real payment could be refunded), and the log warns', async () => {
    expect(service.config.sandbox).toEqual({ telegram: true, stripe: false });
    expect((await fetch(`${service.localUrl}/sandbox/`)).status).toBe(200);
    expect(await sandboxStaff(service)).toEqual([]);
    expect(
      log.lines.some(
        (l) =>
          l.level === 40 && /SANDBOX=on beside a real credential: the sandbox librarian persona has no staff rights/.test(l.msg),
      ),
    ).toBe(true);
  });

  it('answers the librarian typing /admin in the staff chat as it answers any reader', async () => {
    const send = await fetch(`${service.localUrl}/sandbox/api/chats/librarian/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/admin stats' }),
    });
    expect(send.status).toBe(201);
    const deadline = Date.now() + 10_000;
    let reply: { text: string } | undefined;
    while (!reply && Date.now() < deadline) {
      const { messages } = (await (await fetch(`${service.localUrl}/sandbox/api/chats/librarian/messages`)).json()) as {
        messages: { from: string; text: string }[];
      };
      reply = messages.find((m) => m.from === 'bot');
      if (!reply) await new Promise((r) => setTimeout(r, 50));
    }
    expect(reply?.text).toBe('Sorry, this command is only for library staff in the staff chat.');
  });

  it("answers the web chat's API on its own addresses only: localhost, 127.0.0.1 and [::1] on its port", async () => {
    const port = new URL(service.localUrl).port;
    const json = { 'content-type': 'application/json' };
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const res = await rawRequest(service, '/sandbox/api/chats/reader/send', {
        method: 'POST',
        headers: { ...json, host: `${host}:${port}`, origin: `http://${host}:${port}` },
        body: JSON.stringify({ text: 'hello' }),
      });
      expect({ host, status: res.status }).toEqual({ host, status: 201 });
    }
    for (const host of [`library.example:${port}`, `localhost:${Number(port) + 1}`, `192.168.1.5:${port}`]) {
      const res = await rawRequest(service, '/sandbox/api/chats/reader/send', {
        method: 'POST',
        headers: { ...json, host },
        body: JSON.stringify({ text: '/start' }),
      });
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
    }
  });
});

describe('the web chat behind PUBLIC_URL', () => {
  it("answers requests for PUBLIC_URL's host only", async () => {
    const service = await start({ PUBLIC_URL: 'https://library.example' });
    try {
      const post = (host: string, origin?: string) =>
        rawRequest(service, '/sandbox/api/chats/reader/send', {
          method: 'POST',
          headers: { 'content-type': 'application/json', host, ...(origin ? { origin } : {}) },
          body: JSON.stringify({ text: 'hi' }),
        });
      expect((await post('library.example', 'https://library.example')).status).toBe(201);
      expect((await post(new URL(service.localUrl).host)).status).toBe(403);
      expect((await post('library.example', 'http://library.example')).status).toBe(403);
    } finally {
      await service.stop();
    }
  });
});
