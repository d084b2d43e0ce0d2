// How the bot runs: DB-backed sessions and conversations (a restart resumes a conversation),
// long polling through @grammyjs/runner, the webhook handler, and the command menus.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createBot, setCommands } from '../../bot/index.js';
import { startPolling, webhookHandler } from '../../bot/run.js';
import { databaseStorage } from '../../bot/storage.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { KvStore } from '../../db/kv-store.js';
import { addBooks, ann, type BotWorld, captureLogger, createBotWorld, STAFF_CHAT_ID, staffChat, TOKEN } from '../helpers/bot.js';

let w: BotWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('sessions and conversation state live in the database', () => {
  it('resumes the borrow conversation after the process restarts between every step', async () => {
    w = await createBotWorld();
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', daily_fee: '2.00' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    const saved = await w.db.selectFrom('bot_sessions').select(['key']).where('key', 'like', 'conversation:%').execute();
    expect(saved.map((r) => r.key)).toEqual([`conversation:${ann.id}:${ann.id}`]);

    const firstDb = w.db;
    await w.restart(); // new connection, new core, new Bot: nothing kept in memory
    expect(w.db).not.toBe(firstDb);
    await w.press(ann.id, '14 days');
    expect(w.last(ann.id).text).toContain('for 14 days, until 2026-03-24.\nRent: 28.00 USD.');

    await w.restart();
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toContain('You borrowed “Dune” until 2026-03-24. Rent: 28.00 USD.');
    const rows = await w.db.selectFrom('borrowings').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ expected_return_date: '2026-03-24', actual_return_date: null });
    // The conversation is over: its state is gone.
    expect(await w.db.selectFrom('bot_sessions').select('key').where('key', 'like', 'conversation:%').execute()).toEqual([]);
    expect(w.errors()).toEqual([]);
  });

  it('keeps the catalogue page across a restart', async () => {
    w = await createBotWorld();
    await addBooks(w.core, 12);
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Next ▶');
    await w.restart();
    await w.press(ann.id, '◀ Prev');
    expect(w.last(ann.id).text).toContain('page 1');
    expect(w.buttons(w.last(ann.id))[0]!.text).toBe('Book 001 · Author 1');
  });

  it('writes a session back only when the update changed it: an unchanged one never overwrites another instance', async () => {
    w = await createBotWorld();
    await w.send(ann, '/catalogue');
    const key = `session:${ann.id}`;
    const stored = async () =>
      (await w!.db.selectFrom('bot_sessions').select('value').where('key', '=', key).executeTakeFirstOrThrow()).value;
    const mine = JSON.parse(await stored()) as { bookId: number | null };
    // Another instance changes the session while this one answers a press that reads the session
    // (the catalogue's buttons are drawn from it) and changes nothing.
    const theirs = JSON.stringify({ ...mine, bookId: 77 });
    let changedMeanwhile = false;
    w.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === 'editMessageText' && !changedMeanwhile) {
        changedMeanwhile = true;
        await w!.db.updateTable('bot_sessions').set({ value: theirs }).where('key', '=', key).execute();
      }
      return prev(method, payload, signal);
    });
    await w.press(ann.id, '« Main menu');
    expect(w.buttons(w.last(ann.id)).map((b) => b.text)).toContain('📚 Catalogue');
    expect(changedMeanwhile).toBe(true);
    expect(await stored()).toBe(theirs);

    // An update that changes the session writes it.
    await w.send(ann, 'dune');
    expect(JSON.parse(await stored())).toMatchObject({ bookId: 77, catalogue: { search: 'dune', cursor: null, back: [] } });
    expect(w.errors()).toEqual([]);
  });

  it('the storage adapter reads, writes only on change, and deletes', async () => {
    w = await createBotWorld();
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new KvStore<{ n: number }>(w.db, 'test:', () => now);
    expect(await store.read('k')).toBeUndefined();
    await store.write('k', { n: 1 });
    expect(await store.read('k')).toEqual({ n: 1 });
    now = new Date('2026-01-02T00:00:00Z');
    await store.write('k', { n: 1 });
    const row = await w.db.selectFrom('bot_sessions').selectAll().where('key', '=', 'test:k').executeTakeFirstOrThrow();
    expect(row.updated_at).toBe('2026-01-01T00:00:00.000Z'); // unchanged value, untouched row
    // The object read, written back as it was: no statement at all (the row keeps another's change).
    const read = (await store.read('k'))!;
    await w.db.updateTable('bot_sessions').set({ value: '{"n":5}' }).where('key', '=', 'test:k').execute();
    await store.write('k', read);
    expect(await store.read('k')).toEqual({ n: 5 });
    read.n = 6;
    await store.write('k', read);
    expect(await store.read('k')).toEqual({ n: 6 });
    await store.write('k', { n: 2 });
    expect(
      (await w.db.selectFrom('bot_sessions').selectAll().where('key', '=', 'test:k').executeTakeFirstOrThrow()).updated_at,
    ).toBe('2026-01-02T00:00:00.000Z');
    await store.delete('k');
    expect(await store.has('k')).toBe(false);
    await w.db.insertInto('bot_sessions').values({ key: 'test:bad', value: '{not json', updated_at: 'x' }).execute();
    expect(await store.read('bad')).toBeUndefined();
  });
});

describe('long polling with @grammyjs/runner', () => {
  it('serves readers, and a second bot over the same database continues a conversation the first one started', async () => {
    w = await createBotWorld();
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    const first = startPolling(w.bot);
    try {
      w.tg.api.userSends({ from: ann, text: '/catalogue' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('Catalogue — page 1'), 5000);
      w.tg.api.pressButtonByLabel({ chatId: ann.id, label: 'Dune · Frank Herbert' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('Author: Frank Herbert'), 5000);
      w.tg.api.pressButtonByLabel({ chatId: ann.id, label: '📥 Borrow' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('For how many days?'), 5000);
    } finally {
      await first.stop();
    }
    expect(first.isRunning()).toBe(false);

    await w.restart();
    const second = startPolling(w.bot);
    try {
      w.tg.api.pressButtonByLabel({ chatId: ann.id, label: '3 days' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('Borrow it?'), 5000);
      w.tg.api.pressButtonByLabel({ chatId: ann.id, label: '✅ Confirm' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('You borrowed “Dune” until 2026-03-13'), 5000);
    } finally {
      await second.stop();
    }
    expect(
      (await w.core.borrowings.activeFor(SYSTEM_ACTOR, (await w.core.users.findByTelegramId(ann.id))!.id)).map(
        (b) => b.book.title,
      ),
    ).toEqual(['Dune']);
    expect(w.errors()).toEqual([]);
  });

  it('handles the updates of one chat in order', async () => {
    w = await createBotWorld();
    await addBooks(w.core, 30);
    const polling = startPolling(w.bot);
    try {
      for (const q of ['Book 001', 'Book 002', 'Book 003', 'Book 004', 'Book 005']) w.tg.api.userSends({ from: ann, text: q });
      await w.tg.api.waitFor((api) => api.transcript(ann.id).filter((m) => m.from === 'bot').length === 5, 5000);
    } finally {
      await polling.stop();
    }
    const answers = w.tg.api
      .transcript(ann.id)
      .filter((m) => m.from === 'bot')
      .map((m) => /“(.*)”/.exec(m.text)?.[1]);
    expect(answers).toEqual(['Book 001', 'Book 002', 'Book 003', 'Book 004', 'Book 005']);
  });
});

describe('webhook mode', () => {
  it('answers updates POSTed with the right secret and refuses a wrong one with 401', async () => {
    w = await createBotWorld();
    const app = new Hono();
    const bot = createBot(TOKEN, w.core, {
      storage: databaseStorage(w.db, w.clock),
      apiRoot: w.tg.apiRoot,
      logger: captureLogger(w.logs),
      staffChatId: STAFF_CHAT_ID,
    });
    app.post('/telegram/webhook', webhookHandler(bot, 'hook-secret_1'));
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
      const wrong = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' },
        body: JSON.stringify({
          update_id: 1,
          message: {
            message_id: 1,
            date: 0,
            chat: { id: ann.id, type: 'private', first_name: 'Ann' },
            from: { id: ann.id, is_bot: false, first_name: 'Ann' },
            text: '/start',
          },
        }),
      });
      expect(wrong.status).toBe(401);
      expect(await w.core.users.findByTelegramId(ann.id)).toBeUndefined(); // ignored

      await bot.api.setWebhook(url, { secret_token: 'hook-secret_1' });
      w.tg.api.userSends({ from: ann, text: '/start' });
      await w.tg.api.waitFor((api) => api.lastBotMessage(ann.id)?.text.includes('Hello, Ann Reader!'), 5000);
      expect(await w.core.users.findByTelegramId(ann.id)).toMatchObject({ first_name: 'Ann' });
    } finally {
      await bot.api.deleteWebhook();
      server.close();
    }
  });
});

describe('command menus', () => {
  it('sets reader commands for private chats in English and Ukrainian, and staff commands in the staff chat', async () => {
    w = await createBotWorld();
    expect(await setCommands(w.bot, STAFF_CHAT_ID)).toEqual({ staffCommands: false }); // not in the chat yet
    w.tg.api.registerChat(staffChat);
    expect(await setCommands(w.bot, STAFF_CHAT_ID)).toEqual({ staffCommands: true });
    const en = w.tg.api.commands({ type: 'all_private_chats' });
    expect(en.map((c) => c.command)).toEqual([
      'start',
      'catalogue',
      'mybooks',
      'myholds',
      'search',
      'language',
      'help',
      'cancel',
    ]);
    expect(en[0]!.description).toBe('Main menu');
    expect(w.tg.api.commands({ type: 'all_private_chats' }, 'uk')[0]!.description).toBe('Головне меню');
    const staff = w.tg.api.commands({ type: 'chat', chat_id: STAFF_CHAT_ID });
    expect(staff.map((c) => c.command)).toEqual([
      'admin',
      'admin_addbook',
      'admin_inventory',
      'admin_find',
      'admin_holds',
      'admin_active',
      'admin_overdue',
      'admin_loans',
      'admin_return',
      'admin_refund',
      'admin_stats',
      'cancel',
    ]);
  });
});

describe('flood control', () => {
  it('waits out a 429 while answering an update, but leaves bot.api (used by the outbox dispatcher) to see it', async () => {
    w = await createBotWorld();
    w.tg.api.failNext('sendMessage', 1, { status: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    await w.send(ann, '/start');
    expect(w.last(ann.id).text).toContain('Hello, Ann Reader!');
    expect(w.tg.api.calls.filter((c) => c.method === 'sendMessage').map((c) => c.ok)).toEqual([false, true]);

    w.tg.api.failNext('sendMessage', 1, { status: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    await expect(w.bot.api.sendMessage(ann.id, 'from the dispatcher')).rejects.toMatchObject({ error_code: 429 });
  });
});
