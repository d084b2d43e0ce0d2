// The offline sandbox's browser pages: the web chat (its JSON + server-sent-events API and the
// page) and the Stripe-Checkout stand-in. Real HTTP on a listening server, the real Telegram and
// Stripe fakes mounted as sandbox/index.ts mounts them, the real stripe client (through the
// payment gateway) creating sessions and verifying the webhook that Pay delivers.

import type { Server } from 'node:http';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Update } from 'grammy/types';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeGateway, type PaymentGateway } from '../../gateways/stripe.js';
import { createFakeCheckoutPages, formatAmount } from '../../sandbox/checkout-page.js';
import { SANDBOX_BOT_TOKEN, SANDBOX_STRIPE_KEY, sandboxPersonas } from '../../sandbox/index.js';
import { createFakeStripe, type FakeStripeController } from '../../sandbox/stripe/fake-stripe-api.js';
import { createFakeBotApi, type FakeBotApi } from '../../sandbox/telegram/fake-bot-api.js';
import { createWebChat, MAX_TEXT_LENGTH, type Persona } from '../../sandbox/web-chat.js';

const STAFF_CHAT_ID = -1009876543210;
const WEBHOOK_SECRET = 'whsec_sandbox_pages_test';

let server: Server;
let base: string;
let telegram: FakeBotApi;
let stripe: FakeStripeController;
let gateway: PaymentGateway;
let personas: Persona[];
let activeSubscriptions = 0;
const webhooks: { body: string; signature: string | undefined }[] = [];

/** The real fake, with its event subscriptions counted (so a test can see streams let go). */
function counted(fake: FakeBotApi): FakeBotApi {
  const observed = Object.create(fake) as FakeBotApi;
  observed.subscribe = (listener) => {
    activeSubscriptions++;
    const off = fake.subscribe(listener);
    let done = false;
    return () => {
      if (!done) activeSubscriptions--;
      done = true;
      off();
    };
  };
  return observed;
}

async function eventually<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  let app: Hono | undefined;
  server = serve({
    fetch: (req) => (app ? app.fetch(req) : new Response('starting', { status: 503 })),
    hostname: '127.0.0.1',
    port: 0,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  telegram = createFakeBotApi({
    token: SANDBOX_BOT_TOKEN,
    botUsername: 'library_sandbox_bot',
    botFirstName: 'Library (sandbox)',
  });
  stripe = createFakeStripe({
    secretKey: SANDBOX_STRIPE_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `${base}/api/payments/webhook/`,
    checkoutUrlBase: `${base}/sandbox/checkout`,
    webhookRetryDelaysMs: [20],
  });
  personas = sandboxPersonas(STAFF_CHAT_ID);
  for (const p of personas) telegram.registerChat(p.chat);
  gateway = createStripeGateway({
    secretKey: SANDBOX_STRIPE_KEY,
    webhookSecret: WEBHOOK_SECRET,
    apiBase: `${base}/sandbox/stripe`,
    timeoutMs: 3000,
    maxNetworkRetries: 0,
  });

  // Mounted in the order sandbox/index.ts uses.
  const root = new Hono();
  root.route('/sandbox/telegram', telegram.app);
  root.route('/sandbox', createWebChat({ telegram: counted(telegram), personas, publicUrl: base }));
  root.route('/sandbox/stripe', stripe.app);
  root.route('/sandbox/checkout', createFakeCheckoutPages({ stripe }));
  root.post('/api/payments/webhook/', async (c) => {
    webhooks.push({ body: await c.req.text(), signature: c.req.header('stripe-signature') });
    return c.json({ received: true });
  });
  app = root;
});

afterAll(async () => {
  telegram?.close();
  stripe?.close();
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
});

const persona = (id: string) => personas.find((p) => p.id === id)!;
const url = (path: string) => `${base}${path}`;
const postJson = (path: string, body: unknown) =>
  fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** What the bot would send: a real Bot API call on the fake, HTML parse mode, inline keyboard. */
async function botSends(chatId: number, html: string, keyboard?: unknown[][]): Promise<number> {
  const res = await telegram.invoke('sendMessage', {
    chat_id: chatId,
    text: html,
    parse_mode: 'HTML',
    ...(keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {}),
  });
  if (!res.ok) throw new Error(res.description);
  return (res.result as { message_id: number }).message_id;
}

/** Updates the bot would receive now (and confirms them, as a poller does). */
async function takeUpdates(): Promise<Update[]> {
  const res = await telegram.invoke('getUpdates', { timeout: 0 });
  if (!res.ok) throw new Error(res.description);
  const updates = res.result as Update[];
  if (updates.length) await telegram.invoke('getUpdates', { offset: updates[updates.length - 1]!.update_id + 1, timeout: 0 });
  return updates;
}

describe('the web chat page', () => {
  it('is served at /sandbox/ with the sandbox banner and stable test ids, and /sandbox redirects there', async () => {
    const res = await fetch(url('/sandbox/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('Sandbox — Telegram and Stripe are local stand-ins; nothing is sent to the real services');
    for (const id of ['persona-picker', 'message-list', 'message-input', 'send-button', 'quick-commands']) {
      expect(page).toContain(`data-testid="${id}"`);
    }
    expect(page).toContain('"id":"librarian-dm"');
    expect(page).toContain('"base":"/sandbox/"');

    const redirect = await fetch(url('/sandbox'), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/sandbox/');
  });

  it('is served at /sandbox/ without a redirect loop under a parent app that ignores trailing slashes', async () => {
    // The service's app is an OpenAPIHono with `strict: false`.
    const app = new Hono({ strict: false });
    app.route('/sandbox', createWebChat({ telegram, personas, publicUrl: base }));
    app.route('/sandbox/checkout', createFakeCheckoutPages({ stripe }));
    const page = await app.request('/sandbox/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="message-list"');
    const bare = await app.request('/sandbox');
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/sandbox/');
    expect((await app.request(url('/sandbox/api/personas/'))).status).toBe(200);
    expect((await app.request('/sandbox/checkout/cs_test_unknown')).status).toBe(404);
  });

  it('runs only its own nonce-tagged script under a strict content security policy', async () => {
    const res = await fetch(url('/sandbox/'));
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    const page = await res.text();
    const scripts = [...page.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBe(2);
    expect(scripts.filter((attrs) => attrs.includes(`nonce="${nonce}"`))).toHaveLength(1);
    expect(scripts.filter((attrs) => attrs.includes('type="application/json"'))).toHaveLength(1);
    // A fresh nonce per response.
    const again = (await fetch(url('/sandbox/'))).headers.get('content-security-policy');
    expect(again).not.toBe(csp);
  });

  it('embeds persona data so that it cannot close its script element', async () => {
    const evil: Persona = {
      id: 'evil',
      label: '</script><img src=x onerror=alert(1)> & <!--',
      user: { id: 5, first_name: '</script>' },
      chat: { id: 5, type: 'private' },
    };
    const app = new Hono();
    app.route('/sandbox', createWebChat({ telegram, personas: [evil], publicUrl: base }));
    const page = await (await app.request('/sandbox/')).text();
    const config = /<script type="application\/json" id="sandbox-config">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(config).not.toContain('<');
    expect(JSON.parse(config).personas[0].label).toBe(evil.label);
    expect(page).not.toContain('<img src=x');
  });

  it('serves its stylesheets and script modules beside it, with their types, revalidated by ETag', async () => {
    const page = await (await fetch(url('/sandbox/'))).text();
    const linked = [...page.matchAll(/(?:href|src)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(linked).toEqual(['assets/messages.css', 'assets/web-chat.css', 'assets/main.js']);
    const main = await fetch(url('/sandbox/assets/main.js'));
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(main.headers.get('cache-control')).toBe('no-cache');
    expect(main.headers.get('x-content-type-options')).toBe('nosniff');
    // The entry module's own imports are served too (one level: what main.js names).
    const imports = [...(await main.text()).matchAll(/from '\.\/([\w-]+\.js)'/g)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(3);
    for (const file of imports) expect((await fetch(url(`/sandbox/assets/${file}`))).status, file).toBe(200);
    const css = await fetch(url('/sandbox/assets/web-chat.css'));
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const tag = css.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await fetch(url('/sandbox/assets/web-chat.css'), { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
  });

  it('serves nothing else from disk: not the page template, not a path that climbs out', async () => {
    for (const path of [
      '/sandbox/assets/nope.js',
      '/sandbox/assets/../web-chat.html',
      '/sandbox/assets/%2e%2e/web-chat.html',
      '/sandbox/assets/..%2fweb-chat.html',
      '/sandbox/web-chat.html',
    ]) {
      const res = await fetch(url(path));
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('leaves the sibling mounts alone: the Bot API stand-in still answers under /sandbox/telegram', async () => {
    const res = await fetch(url(`/sandbox/telegram/bot${SANDBOX_BOT_TOKEN}/getMe`));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { username: string } }).result.username).toBe('library_sandbox_bot');
  });
});

describe('GET /sandbox/api/personas', () => {
  it('lists who one can be, with their chats, and the bot', async () => {
    const res = await fetch(url('/sandbox/api/personas'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { personas: Persona[]; bot: { username: string } };
    expect(body.personas.map((p) => p.id)).toEqual(['reader', 'reader2', 'reader3', 'librarian', 'librarian-dm']);
    expect(body.personas.find((p) => p.id === 'librarian')!.chat).toMatchObject({ id: STAFF_CHAT_ID, type: 'supergroup' });
    expect(body.bot.username).toBe('library_sandbox_bot');
  });
});

describe('POST /sandbox/api/chats/:personaId/send', () => {
  it('makes the persona write to the bot: a user message in the transcript and an update queued', async () => {
    const reader = persona('reader');
    const before = telegram.pendingUpdates();
    const res = await postJson('/sandbox/api/chats/reader/send', { text: '/start' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { message: { message_id: number; from: string; text: string } };
    expect(body.message).toMatchObject({ from: 'user', text: '/start' });
    const last = telegram.transcript(reader.chat.id).at(-1)!;
    expect(last).toMatchObject({ message_id: body.message.message_id, from: 'user', text: '/start' });
    expect(last.user?.id).toBe(reader.user.id);
    expect(telegram.pendingUpdates()).toBe(before + 1);
    const updates = await takeUpdates();
    expect(updates.at(-1)?.message?.text).toBe('/start');
    expect(updates.at(-1)?.message?.from?.id).toBe(reader.user.id);
  });

  it('writes in the staff group as the librarian', async () => {
    await takeUpdates();
    const res = await postJson('/sandbox/api/chats/librarian/send', { text: '/admin overdue' });
    expect(res.status).toBe(201);
    const [update] = await takeUpdates();
    expect(update?.message?.chat).toMatchObject({ id: STAFF_CHAT_ID, type: 'supergroup' });
    expect(update?.message?.from?.id).toBe(persona('librarian').user.id);
  });

  it('accepts a text of exactly 4096 characters', async () => {
    const res = await postJson('/sandbox/api/chats/reader2/send', { text: 'x'.repeat(MAX_TEXT_LENGTH) });
    expect(res.status).toBe(201);
    await takeUpdates();
  });

  it.each([
    ['an empty text', { text: '' }],
    ['a blank text', { text: '  \n ' }],
    ['a text over 4096 characters', { text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
    ['a missing text', {}],
    ['a text that is not a string', { text: 42 }],
    ['a body that is not JSON', '{"text": '],
  ])('refuses %s with 400 and sends nothing', async (_name, body) => {
    const before = telegram.pendingUpdates();
    const count = telegram.transcript(persona('reader').chat.id).length;
    const res = await postJson('/sandbox/api/chats/reader/send', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    expect(telegram.pendingUpdates()).toBe(before);
    expect(telegram.transcript(persona('reader').chat.id)).toHaveLength(count);
  });

  it('answers 404 for an unknown persona and sends nothing', async () => {
    const before = telegram.pendingUpdates();
    const res = await postJson('/sandbox/api/chats/nobody/send', { text: 'hi' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(telegram.pendingUpdates()).toBe(before);
  });
});

describe('GET /sandbox/api/chats/:personaId/messages', () => {
  it('returns the chat transcript with the bot formatting and keyboards, without deleted messages', async () => {
    const chatId = persona('reader2').chat.id;
    const kept = await botSends(chatId, '<b>Dune</b> by <i>Frank Herbert</i>', [
      [{ text: 'Borrow', callback_data: 'brw:1' }],
      [{ text: 'Pay $1.50', url: `${base}/sandbox/checkout/cs_test_x` }],
    ]);
    const gone = await botSends(chatId, 'temporary');
    await telegram.invoke('deleteMessage', { chat_id: chatId, message_id: gone });
    const res = await fetch(url('/sandbox/api/chats/reader2/messages'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      chat: { id: number };
      messages: { message_id: number; from: string; text: string; entities?: { type: string }[]; reply_markup?: unknown }[];
    };
    expect(body.chat.id).toBe(chatId);
    const ids = body.messages.map((m) => m.message_id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(gone);
    const msg = body.messages.find((m) => m.message_id === kept)!;
    expect(msg).toMatchObject({ from: 'bot', text: 'Dune by Frank Herbert' });
    expect(msg.entities?.map((e) => e.type)).toEqual(['bold', 'italic']);
    expect(msg.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Borrow', callback_data: 'brw:1' }],
        [{ text: 'Pay $1.50', url: `${base}/sandbox/checkout/cs_test_x` }],
      ],
    });
  });

  it('answers 404 for an unknown persona', async () => {
    expect((await fetch(url('/sandbox/api/chats/ghost/messages'))).status).toBe(404);
  });
});

describe('POST /sandbox/api/chats/:personaId/press', () => {
  it('presses a callback button: a callback_query from the persona is queued for the bot', async () => {
    const reader = persona('reader');
    await takeUpdates();
    const messageId = await botSends(reader.chat.id, 'Pick one', [
      [
        { text: 'Catalogue', callback_data: 'go:c' },
        { text: 'My books', callback_data: 'go:y' },
      ],
    ]);
    const res = await postJson('/sandbox/api/chats/reader/press', { messageId, data: 'go:y' });
    expect(res.status).toBe(202);
    const { callback_query_id } = (await res.json()) as { callback_query_id: string };
    const [update] = await takeUpdates();
    expect(update?.callback_query).toMatchObject({ id: callback_query_id, data: 'go:y', from: { id: reader.user.id } });
    expect(update?.callback_query?.message?.message_id).toBe(messageId);
  });

  it('refuses presses that no real client could make', async () => {
    const reader = persona('reader');
    await takeUpdates();
    const messageId = await botSends(reader.chat.id, 'Buttons', [[{ text: 'A', callback_data: 'a' }]]);
    const own = telegram.userSends({ chat: reader.chat, from: reader.user, text: 'mine' }).message_id;
    await takeUpdates();
    const cases: [unknown, number][] = [
      [{ messageId: 999_999, data: 'a' }, 404],
      [{ messageId: own, data: 'a' }, 404],
      [{ messageId, data: 'not-on-the-keyboard' }, 409],
      [{ messageId, data: 'x'.repeat(65) }, 400],
      [{ messageId, data: '' }, 400],
      [{ messageId: String(messageId), data: 'a' }, 400],
      [{ messageId: -1, data: 'a' }, 400],
      ['not json', 400],
    ];
    for (const [body, status] of cases) {
      const res = await postJson('/sandbox/api/chats/reader/press', body);
      expect({ body, status: res.status }).toEqual({ body, status });
    }
    expect((await postJson('/sandbox/api/chats/ghost/press', { messageId, data: 'a' })).status).toBe(404);
    expect(telegram.pendingUpdates()).toBe(0);
  });

  it('refuses a button that an edit has since removed', async () => {
    const chatId = persona('reader').chat.id;
    const messageId = await botSends(chatId, 'Choose', [[{ text: 'Old', callback_data: 'old' }]]);
    await telegram.invoke('editMessageText', {
      chat_id: chatId,
      message_id: messageId,
      text: 'Chosen',
      reply_markup: { inline_keyboard: [[{ text: 'New', callback_data: 'new' }]] },
    });
    expect((await postJson('/sandbox/api/chats/reader/press', { messageId, data: 'old' })).status).toBe(409);
    expect((await postJson('/sandbox/api/chats/reader/press', { messageId, data: 'new' })).status).toBe(202);
    await takeUpdates();
  });
});

describe('who may write through the web chat: its own page only', () => {
  /** A request as any client can make it, Host header included (fetch would not send a foreign one). */
  function raw(
    path: string,
    opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const u = new URL(url(path));
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname, method: opts.method ?? 'POST', headers: opts.headers },
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
  const ownHost = () => new URL(base).host;
  const admin = JSON.stringify({ text: '/admin refund 3' });

  it('takes JSON only: a form post or a text/plain body (no preflight from another site) answers 415 and sends nothing', async () => {
    await takeUpdates();
    const count = telegram.transcript(STAFF_CHAT_ID).length;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const res = await raw('/sandbox/api/chats/librarian/send', {
        headers: { host: ownHost(), ...(type ? { 'content-type': type } : {}) },
        body: admin,
      });
      expect({ type, status: res.status, code: res.body?.error?.code }).toEqual({
        type,
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    const press = await raw('/sandbox/api/chats/librarian/press', {
      headers: { host: ownHost(), 'content-type': 'text/plain' },
      body: JSON.stringify({ messageId: 1, data: 'a' }),
    });
    expect(press.status).toBe(415);
    expect(telegram.transcript(STAFF_CHAT_ID)).toHaveLength(count);
    expect(telegram.pendingUpdates()).toBe(0);
  });

  it('refuses another Origin (a page elsewhere in the browser) and another Host (DNS rebinding) with 403, sending nothing', async () => {
    await takeUpdates();
    const count = telegram.transcript(STAFF_CHAT_ID).length;
    const json = { 'content-type': 'application/json' };
    const cases: Record<string, string>[] = [
      { host: ownHost(), origin: 'http://evil.example' },
      { host: ownHost(), origin: 'null' },
      { host: ownHost(), origin: `https://${ownHost()}` },
      { host: `evil.example:${new URL(base).port}` },
      { host: `evil.example:${new URL(base).port}`, origin: `http://evil.example:${new URL(base).port}` },
    ];
    for (const headers of cases) {
      const res = await raw('/sandbox/api/chats/librarian/send', { headers: { ...json, ...headers }, body: admin });
      expect({ headers, status: res.status, code: res.body?.error?.code }).toEqual({ headers, status: 403, code: 'FORBIDDEN' });
    }
    // Reading goes by the same rule: a rebinding page cannot read the chats (pay links) either.
    expect(
      (await raw('/sandbox/api/chats/librarian/messages', { method: 'GET', headers: { host: 'evil.example' } })).status,
    ).toBe(403);
    expect(telegram.transcript(STAFF_CHAT_ID)).toHaveLength(count);
    expect(telegram.pendingUpdates()).toBe(0);
  });

  it('accepts its own page: its Host, with or without its Origin, and a JSON type with parameters', async () => {
    await takeUpdates();
    const own = { host: ownHost(), 'content-type': 'application/json; charset=utf-8' };
    expect((await raw('/sandbox/api/chats/reader/send', { headers: own, body: JSON.stringify({ text: 'one' }) })).status).toBe(
      201,
    );
    expect(
      (await raw('/sandbox/api/chats/reader/send', { headers: { ...own, origin: base }, body: JSON.stringify({ text: 'two' }) }))
        .status,
    ).toBe(201);
    expect((await takeUpdates()).map((u) => u.message?.text)).toEqual(['one', 'two']);
  });

  it('with several own origins (localhost, 127.0.0.1, [::1] on one port) takes each and nothing else', async () => {
    const port = new URL(base).port;
    const app = new Hono().route(
      '/sandbox',
      createWebChat({
        telegram,
        personas,
        publicUrl: `http://localhost:${port}`,
        ownOrigins: ['localhost', '127.0.0.1', '[::1]'].map((h) => `http://${h}:${port}`),
      }),
    );
    const send = (host: string, origin?: string) =>
      app.request(`http://${host}/sandbox/api/chats/reader/send`, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ text: 'hi' }),
      });
    for (const h of ['localhost', '127.0.0.1', '[::1]'])
      expect((await send(`${h}:${port}`, `http://${h}:${port}`)).status, h).toBe(201);
    expect((await send(`localhost:${Number(port) + 1}`)).status).toBe(403);
    expect((await send(`localhost:${port}`, `http://localhost:${Number(port) + 1}`)).status).toBe(403);
    expect((await send(`0.0.0.0:${port}`)).status).toBe(403);
    await takeUpdates();
  });
});

describe('GET /sandbox/api/events', () => {
  /** Reads a server-sent-events body until `done(buffer)` holds. */
  function sseReader(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    return {
      reader,
      async until(done: (buffer: string) => boolean, timeoutMs = 3000): Promise<string> {
        const deadline = Date.now() + timeoutMs;
        while (!done(buffer)) {
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`stream did not deliver in time; got: ${buffer.slice(-500)}`);
          let timer: NodeJS.Timeout | undefined;
          const chunk = await Promise.race([
            reader.read(),
            new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left))),
          ]);
          clearTimeout(timer);
          if (chunk === 'timeout') continue;
          if (chunk.done) throw new Error(`stream ended; got: ${buffer}`);
          buffer += decoder.decode(chunk.value, { stream: true });
        }
        return buffer;
      },
    };
  }

  it('numbers its events, and a transcript says up to which event it is current (issue 11 item 23)', async () => {
    const chatId = persona('reader2').chat.id;
    const abort = new AbortController();
    const res = await fetch(url('/sandbox/api/events'), { signal: abort.signal });
    const sse = sseReader(res.body!);
    await sse.until((b) => b.includes('event: ready'));
    type Transcript = { seq: number; messages: { message_id: number; text: string }[] };
    const read = async () => (await (await fetch(url('/sandbox/api/chats/reader2/messages'))).json()) as Transcript;

    const first = await botSends(chatId, 'First version');
    const snapshot = await read();
    await telegram.invoke('editMessageText', { chat_id: chatId, message_id: first, text: 'Second version' });
    const second = await botSends(chatId, 'Sent after the read');
    const text = await sse.until((b) => b.includes('Sent after the read'));
    abort.abort();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map(
        (block) => JSON.parse(block.slice('data: '.length)) as { seq: number; type: string; message?: { message_id: number } },
      );
    const seqs = events.map((e) => e.seq);
    expect(
      seqs.every((s, i) => Number.isInteger(s) && (i === 0 || s === seqs[i - 1]! + 1)),
      `consecutive: ${seqs}`,
    ).toBe(true);

    // What the transcript holds is exactly the events numbered up to its seq.
    const sentFirst = events.find((e) => e.type === 'message' && e.message?.message_id === first)!;
    const edit = events.find((e) => e.type === 'edit' && e.message?.message_id === first)!;
    const sentSecond = events.find((e) => e.type === 'message' && e.message?.message_id === second)!;
    expect(snapshot.seq).toBeGreaterThanOrEqual(sentFirst.seq);
    expect(snapshot.seq).toBeLessThan(edit.seq);
    expect(snapshot.messages.find((m) => m.message_id === first)?.text).toBe('First version');
    expect(snapshot.messages.map((m) => m.message_id)).not.toContain(second);
    expect(sentSecond.seq).toBeGreaterThan(edit.seq);
    const now = await read();
    expect(now.seq).toBe(telegram.eventSeq);
    expect(now.seq).toBeGreaterThanOrEqual(sentSecond.seq);
    expect(now.messages.find((m) => m.message_id === first)?.text).toBe('Second version');
  });

  it('streams what the bot sends, edits and deletes, and lets go of the subscription on disconnect', async () => {
    const chatId = persona('reader').chat.id;
    const abort = new AbortController();
    const before = activeSubscriptions;
    const res = await fetch(url('/sandbox/api/events'), { signal: abort.signal, headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseReader(res.body!);
    await sse.until((b) => b.includes('event: ready'));
    expect(activeSubscriptions).toBe(before + 1);

    const messageId = await botSends(chatId, 'Your book is <b>due tomorrow</b>');
    await telegram.invoke('editMessageText', { chat_id: chatId, message_id: messageId, text: 'Returned, thank you' });
    await telegram.invoke('deleteMessage', { chat_id: chatId, message_id: messageId });
    const text = await sse.until((b) => b.includes('"type":"delete"'));
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map(
        (block) =>
          JSON.parse(block.slice('data: '.length)) as {
            type: string;
            chatId: number;
            message: { message_id: number; text: string; entities?: unknown[] };
          },
      );
    const mine = events.filter((e) => e.message?.message_id === messageId);
    expect(mine.map((e) => e.type)).toEqual(['message', 'edit', 'delete']);
    expect(mine[0]).toMatchObject({
      chatId,
      message: { text: 'Your book is due tomorrow', entities: [{ type: 'bold', offset: 13, length: 12 }] },
    });
    expect(mine[1]!.message.text).toBe('Returned, thank you');

    abort.abort();
    await eventually(() => activeSubscriptions === before);
  });

  it('sends comment pings on idle streams and cleans up when the reader cancels', async () => {
    let subscribed = 0;
    const observed = Object.create(telegram) as FakeBotApi;
    observed.subscribe = (listener) => {
      subscribed++;
      const off = telegram.subscribe(listener);
      return () => {
        subscribed--;
        off();
      };
    };
    const app = new Hono();
    app.route('/sandbox', createWebChat({ telegram: observed, personas, publicUrl: base, pingIntervalMs: 30 }));
    const res = await app.request(url('/sandbox/api/events'));
    const sse = sseReader(res.body!);
    await sse.until((b) => (b.match(/^: ping$/gm) ?? []).length >= 2);
    expect(subscribed).toBe(1);
    await sse.reader.cancel();
    await eventually(() => subscribed === 0);
  });

  it('drops a client that stopped reading once about a megabyte waits for it, rather than buffering for ever', async () => {
    let subscribed = 0;
    const observed = Object.create(telegram) as FakeBotApi;
    observed.subscribe = (listener) => {
      subscribed++;
      const off = telegram.subscribe(listener);
      return () => {
        subscribed--;
        off();
      };
    };
    const app = new Hono();
    app.route('/sandbox', createWebChat({ telegram: observed, personas, publicUrl: base }));
    const res = await app.request(url('/sandbox/api/events'));
    expect(res.status).toBe(200);
    expect(subscribed).toBe(1);
    // Nobody reads res.body. Each event carries a full-length message (~8 kB of JSON).
    const chatId = persona('reader2').chat.id;
    for (let i = 0; i < 100; i++) await botSends(chatId, 'x'.repeat(4096));
    expect(subscribed, 'still subscribed below the limit').toBe(1);
    for (let i = 0; i < 40; i++) await botSends(chatId, 'x'.repeat(4096));
    await eventually(() => subscribed === 0);
  });
});

describe('the checkout page', () => {
  async function openSession(productName: string, amountCents: number, description = 'Borrowing #7, 2026-03-10 → 2026-03-13') {
    const session = await gateway.createCheckoutSession({
      amountCents,
      productName,
      description,
      successUrl: `${base}/api/payments/success/?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${base}/api/payments/cancel/?session_id={CHECKOUT_SESSION_ID}`,
      idempotencyKey: `pages-${Math.random()}`,
      metadata: { payment_id: '7' },
    });
    expect(session.url).toBe(`${base}/sandbox/checkout/${session.id}`);
    return session;
  }

  it('shows the amount, the book, the description, the status, the banner and Pay / Cancel forms', async () => {
    const s = await openSession('Book rent: The Dispossessed', 150);
    const res = await fetch(s.url!);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Test stand-in for Stripe Checkout — no real money');
    expect(page).toMatch(/data-testid="amount">\$1\.50</);
    expect(page).toContain('Book rent: The Dispossessed');
    expect(page).toContain('Borrowing #7, 2026-03-10 → 2026-03-13');
    expect(page).toContain('Awaiting payment');
    expect(page).toContain(`<form method="post" action="/sandbox/checkout/${s.id}/pay"`);
    expect(page).toContain(`<form method="post" action="/sandbox/checkout/${s.id}/cancel"`);
    expect(page).toContain('Pay $1.50');
    // Like the service's own payment pages: never sniffed, never inside another site's frame.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
  });

  it('Pay marks the session paid, delivers the signed webhook and redirects (303) to the success URL', async () => {
    const s = await openSession('Book rent: Solaris', 450);
    const seen = webhooks.length;
    const res = await fetch(`${s.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base}/api/payments/success/?session_id=${s.id}`);
    expect(stripe.session(s.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const delivered = webhooks.slice(seen);
    expect(delivered).toHaveLength(1);
    const event = await gateway.verifyWebhook(delivered[0]!.body, delivered[0]!.signature);
    expect(event.type).toBe('checkout.session.completed');
    expect(event.session).toMatchObject({ id: s.id, paid: true });

    // Back on the page: already paid, with the way on; paying again changes nothing.
    const page = await (await fetch(s.url!)).text();
    expect(page).toContain('Already paid');
    expect(page).toContain(`href="${base}/api/payments/success/?session_id=${s.id}"`);
    expect(page).not.toContain('/pay"');
    const again = await fetch(`${s.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(again.status).toBe(303);
    await stripe.idle();
    expect(webhooks.length).toBe(seen + 1);
  });

  it('Cancel redirects (303) to the cancel URL and leaves the session open', async () => {
    const s = await openSession('Book rent: Ubik', 200);
    const res = await fetch(`${s.url}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base}/api/payments/cancel/?session_id=${s.id}`);
    expect(stripe.session(s.id)).toMatchObject({ status: 'open', payment_status: 'unpaid' });
  });

  it('says an expired session has expired and does not let it be paid', async () => {
    const s = await openSession('Book rent: Roadside Picnic', 300);
    await stripe.expire(s.id);
    const page = await (await fetch(s.url!)).text();
    expect(page).toContain('This checkout session has expired');
    expect(page).toContain('My books');
    expect(page).not.toContain('/pay"');
    const res = await fetch(`${s.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This checkout session has expired');
    expect(stripe.session(s.id)).toMatchObject({ status: 'expired', payment_status: 'unpaid' });
  });

  it('"Let this link expire" (sandbox only) ends the session unpaid as Stripe would, with its webhook, and shows it expired (issue 13, item 11)', async () => {
    const s = await openSession('Book rent: Solaris', 300);
    const open = await (await fetch(s.url!)).text();
    expect(open).toContain(`<form method="post" action="/sandbox/checkout/${s.id}/expire"`);
    expect(open).toContain('Let this link expire');
    const seen = webhooks.length;
    const res = await fetch(`${s.url}/expire`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/sandbox/checkout/${s.id}`);
    expect(stripe.session(s.id)).toMatchObject({ status: 'expired', payment_status: 'unpaid' });
    await stripe.idle();
    const delivered = webhooks.slice(seen);
    expect(delivered).toHaveLength(1);
    expect((await gateway.verifyWebhook(delivered[0]!.body, delivered[0]!.signature)).type).toBe('checkout.session.expired');
    const page = await (await fetch(s.url!)).text();
    expect(page).toContain('This checkout session has expired');
    expect(page).not.toContain('Let this link expire');
    // Pressed again (a second tab): nothing more happens.
    expect((await fetch(`${s.url}/expire`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await stripe.idle();
    expect(webhooks.length).toBe(seen + 1);
    expect(
      (await fetch(url('/sandbox/checkout/cs_test_doesnotexist/expire'), { method: 'POST', redirect: 'manual' })).status,
    ).toBe(404);
  });

  it('answers 404 for an unknown or malformed session id', async () => {
    for (const id of ['cs_test_doesnotexist', 'not-a-session', 'cs_%3Cscript%3E']) {
      const res = await fetch(url(`/sandbox/checkout/${id}`));
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Checkout session not found');
      expect((await fetch(url(`/sandbox/checkout/${id}/pay`), { method: 'POST', redirect: 'manual' })).status).toBe(404);
      expect((await fetch(url(`/sandbox/checkout/${id}/cancel`), { method: 'POST', redirect: 'manual' })).status).toBe(404);
    }
  });

  it("speaks the reader's language, as the library tells it, and keeps the expiry date on one line", async () => {
    const s = await openSession('Book rent: Kobzar', 150);
    const app = new Hono().route(
      '/sandbox/checkout',
      createFakeCheckoutPages({ stripe, languageOf: async (id) => (id === s.id ? 'uk' : undefined) }),
    );
    const uk = await (await app.request(`/sandbox/checkout/${s.id}`)).text();
    expect(uk).toContain('<html lang="uk">');
    for (const text of [
      'Тестова заміна Stripe Checkout — без справжніх грошей',
      'Очікує оплати',
      'Оплата карткою',
      'Оплатити $1.50',
      'До оплати',
      'Нехай посилання застаріє',
      'Скасувати',
    ]) {
      expect(uk).toContain(text);
    }
    expect(uk).not.toMatch(/Awaiting payment|Pay with card|Total due/);
    expect(uk).toMatch(/<span class="nowrap" data-testid="expires">діє до \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/span>/);
    // Another session, or a library that does not answer: English.
    const other = await openSession('Book rent: Dune', 150);
    const en = await (await app.request(`/sandbox/checkout/${other.id}`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Awaiting payment');
    expect(en).toMatch(/<span class="nowrap" data-testid="expires">expires \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/span>/);
    const failing = new Hono().route(
      '/sandbox/checkout',
      createFakeCheckoutPages({ stripe, languageOf: () => Promise.reject(new Error('database down')) }),
    );
    const res = await failing.request(`/sandbox/checkout/${s.id}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Awaiting payment');
  });

  it('speaks Russian to a Russian reader, every part of the page', async () => {
    const s = await openSession('Book rent: Dune', 150);
    const app = new Hono().route(
      '/sandbox/checkout',
      createFakeCheckoutPages({ stripe, languageOf: async (id) => (id === s.id ? 'ru' : 'en') }),
    );
    const ru = await (await app.request(`/sandbox/checkout/${s.id}`)).text();
    expect(ru).toContain('<html lang="ru">');
    for (const text of [
      'Тестовая замена Stripe Checkout — без настоящих денег',
      'Ждёт оплаты',
      'Оплата картой',
      'Оплатить $1.50',
      'К оплате',
      'Пусть ссылка устареет',
      'Отменить',
    ]) {
      expect(ru).toContain(text);
    }
    expect(ru).not.toMatch(/Awaiting payment|Pay with card|Total due|Очікує/);
    expect(ru).toMatch(/<span class="nowrap" data-testid="expires">действует до \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/span>/);
  });

  it('escapes the product name and description', async () => {
    const name = 'Book rent: <script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const s = await openSession(name, 100, `Due "soon" <b>'now'</b>`);
    const page = await (await fetch(s.url!)).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>');
    expect(page).toContain(
      'Book rent: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(page).toContain('Due &quot;soon&quot; &lt;b&gt;&#39;now&#39;&lt;/b&gt;');
  });

  it('formats cents as dollars', () => {
    expect(formatAmount(150)).toBe('$1.50');
    expect(formatAmount(50)).toBe('$0.50');
    expect(formatAmount(123456)).toBe('$1,234.56');
  });
});
