import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Api, Bot, GrammyError, InlineKeyboard, webhookCallback } from 'grammy';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeBotApi } from '../../sandbox/telegram/fake-bot-api.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';

const TOKEN = '123456:TEST-token';
const ann = { id: 1001, first_name: 'Ann', username: 'ann_reads' };

let tg: FakeTelegram;
let api: Api;

beforeEach(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  api = new Api(TOKEN, { apiRoot: tg.apiRoot });
});

afterEach(async () => {
  await tg.close();
});

async function failure(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GrammyError) return err;
    throw err;
  }
  throw new Error('expected the Bot API call to fail, but it succeeded');
}

function newBot(): Bot {
  return new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
}

describe('getMe and authorization', () => {
  it('answers the bot user, with the id taken from the token', async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: 'library_sandbox_bot' });
  });

  it('refuses any other token with 401 Unauthorized', async () => {
    const err = await failure(new Api('999:other', { apiRoot: tg.apiRoot }).getMe());
    expect(err.error_code).toBe(401);
    expect(err.description).toBe('Unauthorized');
  });
});

describe('sendMessage', () => {
  it('returns a real-looking Message and records it in the transcript', async () => {
    tg.api.userSends({ from: ann, text: 'hello' });
    const keyboard = new InlineKeyboard().text('Catalogue', 'menu:books');
    const sent = await api.sendMessage(ann.id, 'Welcome to the library', { reply_markup: keyboard });

    expect(sent).toMatchObject({
      message_id: 2,
      chat: { id: ann.id, type: 'private', first_name: 'Ann', username: 'ann_reads' },
      from: { id: 123456, is_bot: true, username: 'library_sandbox_bot' },
      text: 'Welcome to the library',
      reply_markup: { inline_keyboard: [[{ text: 'Catalogue', callback_data: 'menu:books' }]] },
    });
    expect(typeof sent.date).toBe('number');
    expect(tg.api.transcript(ann.id).map((m) => [m.message_id, m.from, m.text])).toEqual([
      [1, 'user', 'hello'],
      [2, 'bot', 'Welcome to the library'],
    ]);
    expect(tg.api.lastBotMessage(ann.id)?.reply_markup).toEqual(keyboard);
  });

  it('answers "chat not found" for a chat nobody wrote in', async () => {
    const err = await failure(api.sendMessage(555, 'hi'));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe('Bad Request: chat not found');
  });

  it('rejects a text over 4096 UTF-16 units after parsing, and nothing is stored', async () => {
    tg.api.registerChat({ id: ann.id, type: 'private', first_name: 'Ann' });
    await api.sendMessage(ann.id, 'a'.repeat(4096));
    await api.sendMessage(ann.id, `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' }); // tags do not count

    for (const text of ['a'.repeat(4097), '😀'.repeat(2049)]) {
      const err = await failure(api.sendMessage(ann.id, text));
      expect(err.error_code).toBe(400);
      expect(err.description).toBe('Bad Request: message is too long');
    }
    expect(tg.api.transcript(ann.id)).toHaveLength(2);
  });
});

describe('inline keyboards', () => {
  beforeEach(() => {
    tg.api.registerChat({ id: ann.id, type: 'private', first_name: 'Ann' });
  });

  it('accepts callback_data of 64 bytes and rejects 65 bytes, counting UTF-8 bytes', async () => {
    const send = (data: string) => api.sendMessage(ann.id, 'pick', { reply_markup: new InlineKeyboard().text('Go', data) });
    await send('é'.repeat(32)); // 32 characters, 64 bytes

    for (const data of ['a'.repeat(65), `${'é'.repeat(32)}a`]) {
      const err = await failure(send(data));
      expect(err.error_code).toBe(400);
      expect(err.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    }
  });

  it('rejects a button URL that is not http(s) or tg', async () => {
    const err = await failure(
      api.sendMessage(ann.id, 'pay', { reply_markup: new InlineKeyboard().url('Pay', 'ftp://example.com/x') }),
    );
    expect(err.error_code).toBe(400);
    expect(err.description).toMatch(/^Bad Request: inline keyboard button URL 'ftp:\/\/example.com\/x' is invalid/);
  });
});

describe('HTML parse mode', () => {
  beforeEach(() => {
    tg.api.registerChat({ id: ann.id, type: 'private', first_name: 'Ann' });
  });

  it.each([
    ['an unclosed tag', '<b>Dune'],
    ['a misnested tag', '<b>Dune</i>'],
    ['an unsupported tag', '<div>Dune</div>'],
    ['an unsupported named entity', 'Tom &foo; Jerry'],
    ['an unescaped less-than sign', 'fee < 2'],
  ])('rejects %s', async (_what, html) => {
    const err = await failure(api.sendMessage(ann.id, html, { parse_mode: 'HTML' }));
    expect(err.error_code).toBe(400);
    expect(err.description).toMatch(/^Bad Request: can't parse entities: /);
  });

  it('accepts valid HTML and derives the plain text and entities', async () => {
    const html =
      '<b>Dune</b> by <i>Frank Herbert</i> &amp; <a href="https://example.com/b?x=1&amp;y=2">more</a> <code>a&lt;b</code>';
    const sent = await api.sendMessage(ann.id, html, { parse_mode: 'HTML' });

    expect(sent.text).toBe('Dune by Frank Herbert & more a<b');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 8, length: 13 },
      { type: 'text_link', offset: 24, length: 4, url: 'https://example.com/b?x=1&y=2' },
      { type: 'code', offset: 29, length: 3 },
    ]);
    expect(tg.api.lastBotMessage(ann.id)?.html).toBe(html);
  });
});

describe('editing messages', () => {
  it('refuses an edit to identical text and markup, accepts a real change', async () => {
    tg.api.registerChat({ id: ann.id, type: 'private', first_name: 'Ann' });
    const keyboard = new InlineKeyboard().text('Return', 'return:1');
    const sent = await api.sendMessage(ann.id, 'Dune — due 2026-03-01', { reply_markup: keyboard });

    const same = await failure(api.editMessageText(ann.id, sent.message_id, 'Dune — due 2026-03-01', { reply_markup: keyboard }));
    expect(same.error_code).toBe(400);
    expect(same.description).toMatch(
      /^Bad Request: message is not modified: specified new message content and reply markup are exactly the same/,
    );
    const sameMarkup = await failure(api.editMessageReplyMarkup(ann.id, sent.message_id, { reply_markup: keyboard }));
    expect(sameMarkup.description).toMatch(/^Bad Request: message is not modified/);

    // Like Telegram, an edit without reply_markup removes the inline keyboard.
    const edited = await api.editMessageText(ann.id, sent.message_id, 'Dune — returned');
    expect(edited).toMatchObject({ text: 'Dune — returned', edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty('reply_markup');
    expect(tg.api.lastBotMessage(ann.id)).toMatchObject({ text: 'Dune — returned', edited: true });

    const missing = await failure(api.editMessageText(ann.id, 99, 'nope'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
  });
});

describe('the event stream a client orders transcripts by', () => {
  it('numbers every event in order across chats, and eventSeq says which a transcript read now reflects', async () => {
    const bob = { id: 1002, first_name: 'Bob' };
    const events: { seq: number; type: string; chatId: number }[] = [];
    tg.api.subscribe((e) => events.push(e));
    expect(tg.api.eventSeq).toBe(0);

    tg.api.userSends({ from: ann, text: 'hello' });
    const sent = await api.sendMessage(ann.id, 'Welcome');
    tg.api.userSends({ from: bob, text: 'hi' });
    await api.sendChatAction(bob.id, 'typing');
    // A transcript read here holds everything up to the newest event…
    const readAt = tg.api.eventSeq;
    const before = tg.api.transcript(ann.id);
    await api.editMessageText(ann.id, sent.message_id, 'Welcome back');
    await api.deleteMessage(ann.id, sent.message_id);

    expect(events.map((e) => [e.seq, e.type, e.chatId])).toEqual([
      [1, 'message', ann.id],
      [2, 'message', ann.id],
      [3, 'message', bob.id],
      [4, 'chat_action', bob.id],
      [5, 'edit', ann.id],
      [6, 'delete', ann.id],
    ]);
    expect(tg.api.eventSeq).toBe(6);
    // …and none of what came after it.
    expect(readAt).toBe(4);
    expect(before.find((m) => m.message_id === sent.message_id)).toMatchObject({
      text: 'Welcome',
      edited: false,
      deleted: false,
    });

    // A page still open across a reset must not take new events for ones it has seen.
    tg.api.reset();
    tg.api.userSends({ from: ann, text: 'again' });
    expect(events.at(-1)?.seq).toBe(7);
  });
});

describe('long polling with a real grammY Bot', () => {
  it('delivers a user /start to bot.start() and records the reply; stop() confirms the update', async () => {
    const bot = newBot();
    const seenEntities: unknown[] = [];
    bot.command('start', async (ctx) => {
      seenEntities.push(ctx.message?.entities);
      await ctx.reply(`Welcome, ${ctx.from?.first_name}!`);
    });
    const running = bot.start();
    try {
      tg.api.userSends({ from: ann, text: '/start' });
      const reply = await tg.api.waitFor((t) => t.lastBotMessage(ann.id));
      expect(reply.text).toBe('Welcome, Ann!');
      expect(seenEntities).toEqual([[{ type: 'bot_command', offset: 0, length: 6 }]]);

      // A command addressed to this bot by name in a group reaches the same handler.
      const group = { id: -100200, type: 'group' as const, title: 'Staff' };
      tg.api.userSends({ chat: group, from: ann, text: '/start@library_sandbox_bot' });
      const groupReply = await tg.api.waitFor((t) => t.lastBotMessage(group.id));
      expect(groupReply.text).toBe('Welcome, Ann!');
      expect(tg.api.calls.some((c) => c.method === 'getUpdates' && Number(c.params.timeout) > 0)).toBe(true);
    } finally {
      await bot.stop();
      await running;
    }
    expect(tg.api.pendingUpdates()).toBe(0);
  });
});

describe('callback buttons', () => {
  it('pressButtonByLabel delivers a callback_query the bot answers and edits', async () => {
    const bot = newBot();
    bot.command('start', (ctx) =>
      ctx.reply('Dune', { reply_markup: new InlineKeyboard().text('Borrow', 'borrow:7').text('Cancel', 'cancel') }),
    );
    bot.callbackQuery(/^borrow:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Borrowed' });
      await ctx.editMessageText(`Borrowed book ${ctx.match[1]}`);
    });
    const running = bot.start();
    try {
      tg.api.userSends({ from: ann, text: '/start' });
      await tg.api.waitFor((t) => t.lastBotMessage(ann.id)?.reply_markup);
      expect(() => tg.api.pressButtonByLabel({ chatId: ann.id, label: 'Return' })).toThrow(/"Borrow", "Cancel"/);

      const queryId = tg.api.pressButtonByLabel({ chatId: ann.id, label: 'Borrow' });
      const answer = await tg.api.waitFor((t) => t.callbacksAnswered.find((a) => a.id === queryId));
      expect(answer).toMatchObject({ text: 'Borrowed', data: 'borrow:7', show_alert: false });
      const edited = await tg.api.waitFor((t) => (t.lastBotMessage(ann.id)?.edited ? t.lastBotMessage(ann.id) : undefined));
      expect(edited.text).toBe('Borrowed book 7');
      expect(edited.reply_markup).toBeUndefined();

      const again = await failure(api.answerCallbackQuery(queryId));
      expect(again.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
    } finally {
      await bot.stop();
      await running;
    }
  });
});

describe('fault injection and flood control', () => {
  it('failNext answers 429 with retry_after once, and the failed call has no effect', async () => {
    tg.api.registerChat({ id: ann.id, type: 'private', first_name: 'Ann' });
    tg.api.failNext('sendMessage', 1, { status: 429, retry_after: 7 });

    const err = await failure(api.sendMessage(ann.id, 'Your book is due tomorrow'));
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBe(7);
    expect(err.description).toBe('Too Many Requests: retry after 7');

    await api.sendMessage(ann.id, 'Your book is due tomorrow');
    expect(tg.api.transcript(ann.id)).toHaveLength(1);
    expect(tg.api.calls.filter((c) => c.method === 'sendMessage').map((c) => c.ok)).toEqual([false, true]);
  });

  it('rateLimit answers 429 when a chat gets more than its share per second', async () => {
    const limited = await startFakeTelegram({ token: TOKEN, rateLimit: { perChatPerSecond: 1 } });
    try {
      const client = new Api(TOKEN, { apiRoot: limited.apiRoot });
      limited.api.registerChat({ id: 1, type: 'private', first_name: 'A' });
      limited.api.registerChat({ id: 2, type: 'private', first_name: 'B' });
      await client.sendMessage(1, 'one');
      const err = await failure(client.sendMessage(1, 'two'));
      expect(err.error_code).toBe(429);
      expect(err.parameters.retry_after).toBeGreaterThanOrEqual(1);
      await client.sendMessage(2, 'other chat is fine');
    } finally {
      await limited.close();
    }
  });
});

describe('webhooks', () => {
  it('POSTs updates with the secret header and retries after a failure', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = received.length === 1 ? 500 : 200; // first attempt fails
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const fake = await startFakeTelegram({ token: TOKEN, webhookRetryDelaysMs: [20] });
    try {
      const client = new Api(TOKEN, { apiRoot: fake.apiRoot });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await client.setWebhook(url, { secret_token: 's3cret_token' });

      const conflict = await failure(client.getUpdates());
      expect(conflict.error_code).toBe(409);
      expect(conflict.description).toMatch(/^Conflict: can't use getUpdates method while webhook is active/);

      fake.api.userSends({ from: ann, text: 'hi' });
      await fake.api.waitFor((t) => t.webhookAttempts.some((a) => a.ok));
      expect(received).toHaveLength(2);
      for (const r of received) {
        expect(r.headers['x-telegram-bot-api-secret-token']).toBe('s3cret_token');
        expect(JSON.parse(r.body)).toMatchObject({ update_id: 1, message: { text: 'hi', from: { id: ann.id } } });
      }
      const info = await client.getWebhookInfo();
      expect(info).toMatchObject({ url, pending_update_count: 0 });
      expect(info.last_error_message).toMatch(/500/);
    } finally {
      await fake.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("passes grammY's own secret check in webhookCallback", async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const app = new Hono();
    app.post('/telegram/webhook', webhookCallback(bot, 'hono', { secretToken: 'right-secret' }));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
      await api.setWebhook(url, { secret_token: 'right-secret' });
      tg.api.userSends({ from: ann, text: 'ping' });
      const reply = await tg.api.waitFor((t) => t.lastBotMessage(ann.id));
      expect(reply.text).toBe('echo: ping');
    } finally {
      await api.deleteWebhook();
      server.close();
    }
  });
});

describe('the HTTP surface', () => {
  it('works mounted under a prefix, with form bodies carrying JSON-encoded markup', async () => {
    const fake = createFakeBotApi();
    fake.registerChat({ id: 7, type: 'private', first_name: 'Bo' });
    const parent = new Hono();
    parent.route('/tg', fake.app);

    const form = new URLSearchParams({
      chat_id: '7',
      text: 'form body',
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'X', callback_data: 'x' }]] }),
    });
    const res = await parent.request('/tg/bot1:any/sendMessage', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      result: { chat: { id: 7 }, reply_markup: { inline_keyboard: [[{ callback_data: 'x' }]] } },
    });

    const multipart = new FormData();
    multipart.set('chat_id', '7');
    multipart.set('text', 'multipart body');
    const res2 = await parent.request('/tg/bot1:any/sendMessage', { method: 'POST', body: multipart });
    expect(await res2.json()).toMatchObject({ ok: true, result: { text: 'multipart body', message_id: 2 } });

    const unknown = await parent.request('/tg/bot1:any/sendTelepathy', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });

  it('getUpdates holds a long poll until an update arrives, then confirms by offset', async () => {
    const started = Date.now();
    setTimeout(() => tg.api.userSends({ from: ann, text: 'late' }), 150);
    const updates = await api.getUpdates({ timeout: 5 });
    const waited = Date.now() - started;
    expect(updates.map((u) => u.message?.text)).toEqual(['late']);
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(3000);

    expect(tg.api.pendingUpdates()).toBe(1); // delivered but not yet confirmed
    const next = await api.getUpdates({ offset: (updates[0]?.update_id ?? 0) + 1, timeout: 0 });
    expect(next).toEqual([]);
    expect(tg.api.pendingUpdates()).toBe(0);
  });

  it('answers a superseded long poll with 409 Conflict', async () => {
    const first = failure(api.getUpdates({ timeout: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
    const err = await first;
    expect(err.error_code).toBe(409);
    expect(err.description).toMatch(/terminated by other getUpdates request/);
  });
});
