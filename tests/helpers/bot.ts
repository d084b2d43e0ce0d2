// A bot test world: a real database (a SQLite temp file, so a "restart" can reopen it; PostgreSQL
// in the postgres project, where the file name stands for the database: tests/helpers/engine.ts), the core with the
// real stripe client against the fake Stripe, and the real grammY bot against the fake Telegram
// Bot API. Updates go the way they go in production: the fake queues them, we fetch them with
// getUpdates and hand each to bot.handleUpdate, waiting until the bot has finished with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Bot } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { type BotContext, createBot } from '../../bot/index.js';
import { databaseStorage } from '../../bot/storage.js';
import { type Config, testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import type { DB } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import type { FakeChatInput, FakeUserInput, TranscriptEntry } from '../../sandbox/telegram/fake-bot-api.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { openTestDatabase } from './engine.js';
import { live } from './live.js';

export const TOKEN = '424242:TEST-bot-token';
export const STAFF_CHAT_ID = -1001234567890;

export interface LogEntry {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface BotWorld {
  tg: FakeTelegram;
  stripe: StartedFakeStripe;
  clock: ManualClock;
  config: Config;
  file: string;
  db: DB;
  core: Core;
  bot: Bot<BotContext>;
  /** Everything the bot logged (pino JSON lines, parsed). */
  logs: LogEntry[];
  /** Errors the bot logged (level ≥ 50): a scenario that went well has none. */
  errors(): LogEntry[];
  /** Hands every queued update to the bot, one at a time, until the queue is empty. */
  drain(): Promise<void>;
  /** A person types a message; returns after the bot has handled it. */
  send(from: FakeUserInput, text: string, chat?: FakeChatInput): Promise<void>;
  /** A person presses the newest button with this label in a chat. */
  press(chatId: number, label: string, from?: FakeUserInput): Promise<void>;
  /** The newest bot message in a chat (text as the user sees it). */
  last(chatId: number): TranscriptEntry;
  /** Labels of the inline buttons under a message. */
  buttons(entry: TranscriptEntry | undefined): InlineKeyboardButton[];
  /** Stops this bot, closes the database and builds everything again over the same file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'library-bot-test-')), 'library.db');
}

export function captureLogger(logs: LogEntry[]) {
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogEntry);
      cb();
    },
  });
  return pino({ level: 'debug' }, stream);
}

export type BotWorldOptions = { env?: Record<string, string>; staffChatId?: number | null; start?: string };

export async function createBotWorld(opts: BotWorldOptions = {}): Promise<BotWorld> {
  const clock = new ManualClock(opts.start ?? '2026-03-10T10:00:00Z');
  const tg = await startFakeTelegram({ token: TOKEN });
  const stripe = await startFakeStripe({ now: () => clock.now().getTime() });
  const staffChatId = opts.staffChatId === null ? undefined : (opts.staffChatId ?? STAFF_CHAT_ID);
  const config = testConfig({
    PUBLIC_URL: 'http://library.test',
    TELEGRAM_STAFF_CHAT_ID: staffChatId === undefined ? undefined : String(staffChatId),
    ...opts.env,
  });
  const file = tempDbFile();
  const logs: LogEntry[] = [];
  const logger = captureLogger(logs);
  const gateway = createStripeGateway({
    secretKey: 'sk_test_bot',
    webhookSecret: 'whsec_bot',
    apiBase: stripe.apiBase,
    timeoutMs: 3000,
    maxNetworkRetries: 0,
  });

  async function build() {
    const { db } = await openTestDatabase(file);
    const core = createCore({ db, clock, config, gateway, logger });
    const bot = createBot(TOKEN, core, {
      storage: databaseStorage(db, clock),
      apiRoot: tg.apiRoot,
      staffChatId,
      logger,
      botInfo: tg.api.botInfo,
    });
    return { db, core, bot };
  }

  let offset = 0;
  const world = { tg, stripe, clock, config, file, logs, ...(await build()) } as BotWorld;

  world.errors = () => logs.filter((l) => l.level >= 50);
  world.drain = async () => {
    for (;;) {
      const updates = await world.bot.api.getUpdates({ offset, timeout: 0 });
      if (updates.length === 0) return;
      for (const u of updates) {
        offset = u.update_id + 1;
        await world.bot.handleUpdate(u);
      }
    }
  };
  world.send = async (from, text, chat) => {
    tg.api.userSends({ from, text, chat });
    await world.drain();
  };
  world.press = async (chatId, label, from) => {
    tg.api.pressButtonByLabel({ chatId, label, from });
    await world.drain();
  };
  world.last = (chatId) => {
    const m = tg.api.lastBotMessage(chatId);
    if (!m) throw new Error(`no bot message in chat ${chatId}`);
    return m;
  };
  world.buttons = (entry) => {
    const markup = entry?.reply_markup;
    return markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat() : [];
  };
  world.restart = async () => {
    await world.db.destroy();
    Object.assign(world, await build());
  };
  world.close = async () => {
    await world.db.destroy().catch(() => undefined);
    await tg.close();
    await stripe.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  };
  return world;
}

/** People in the scenarios. */
export const ann: FakeUserInput = {
  id: 1001,
  first_name: 'Ann',
  last_name: 'Reader',
  username: 'ann_reads',
  language_code: 'en',
};
export const bob: FakeUserInput = { id: 1002, first_name: 'Bob', username: 'bob_b', language_code: 'en' };
export const olena: FakeUserInput = { id: 1003, first_name: 'Олена', username: 'olena', language_code: 'uk' };
export const librarian: FakeUserInput = { id: 2001, first_name: 'Liz', username: 'liz_librarian', language_code: 'en' };
export const staffChat: FakeChatInput = { id: STAFF_CHAT_ID, type: 'supergroup', title: 'Library staff' };
export const otherGroup: FakeChatInput = { id: -1009999, type: 'supergroup', title: 'Random group' };

export async function addBooks(
  core: Core,
  n: number,
  make: (i: number) => Partial<{
    title: string;
    author: string;
    inventory: number;
    daily_fee: string;
    isbn: string | null;
    cover: 'HARD' | 'SOFT';
  }> = () => ({}),
) {
  const books = [];
  for (let i = 0; i < n; i++) {
    books.push(
      await core.books.create(SYSTEM_ACTOR, {
        title: `Book ${String(i + 1).padStart(3, '0')}`,
        author: `Author ${i + 1}`,
        cover: 'SOFT',
        inventory: 2,
        daily_fee: '1.00',
        ...make(i),
      }),
    );
  }
  return books;
}

/** A staff account linked to the librarian's Telegram user, the way a librarian does it: a deep link. */
export async function linkStaff(world: BotWorld, who: FakeUserInput = librarian) {
  const { user } = await world.core.users.createOrPromoteStaff(SYSTEM_ACTOR, `staff-${who.id}@library.test`, 'staff password 1');
  const { code } = await world.core.users.createLinkCode(
    { userId: user.id, isStaff: true },
    { current_password: 'staff password 1' },
  );
  await world.send(who, `/start ${code}`);
  await world.press(who.id, '✅ Link', who);
  return user;
}

/**
 * Gives every test in the file a fresh bot world (created before it, closed after it). `world`
 * stands for the current test's world: property reads and writes go to it. `recreate` closes it
 * and opens another with other options, for a test that needs them.
 */
export function useBotWorld(opts?: BotWorldOptions): { world: BotWorld; recreate(opts?: BotWorldOptions): Promise<void> } {
  let current: BotWorld | undefined;
  beforeEach(async () => {
    current = await createBotWorld(opts);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const world = live(() => current, 'the bot world (useBotWorld)');
  return {
    world,
    async recreate(other) {
      await world.close();
      current = await createBotWorld(other);
    },
  };
}

/** What a reader scenario keeps doing: read the buttons, borrow from a book card, pay. */
export function readerSteps(w: BotWorld) {
  const labels = (chatId: number) => w.buttons(w.last(chatId)).map((b) => b.text);
  const urlOf = (label: string, chatId = ann.id) => {
    const b = w.buttons(w.last(chatId)).find((x) => x.text === label);
    return b && 'url' in b ? b.url : undefined;
  };
  const readerId = async (tgId: number) => (await w.core.users.findByTelegramId(tgId))!.id;

  /** Ann opens a book from the catalogue and borrows it for `days` (presses as a person does). */
  async function borrowFromCard(title: string, author: string, days = '7 days') {
    await w.send(ann, '/catalogue');
    await w.press(ann.id, `${title} · ${author}`);
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, days);
    await w.press(ann.id, '✅ Confirm');
  }

  /** The customer pays on the (fake) Stripe page and comes back through the success redirect. */
  async function payAll(tgId: number) {
    const userId = await readerId(tgId);
    const pending = await w.db
      .selectFrom('payments')
      .select(['session_id'])
      .where('user_id', '=', userId)
      .where('status', '=', 'PENDING')
      .execute();
    for (const p of pending) {
      await w.stripe.api.pay(p.session_id!);
      await w.core.payments.confirmSession(p.session_id!);
    }
  }

  /**
   * What a browser gets from a Pay button (a pay link, core/payments/pay-links.ts): the checkout URL it is
   * redirected to, or 'paid'. The API route only hands the token to this same core function.
   */
  async function openPayLink(url: string | undefined): Promise<string> {
    const m = /\/api\/payments\/checkout\/([^/]+)\/$/.exec(url ?? '');
    if (!m) throw new Error(`not a pay link: ${url}`);
    const opened = await w.core.payments.checkoutByLink(m[1]!);
    return 'url' in opened ? opened.url : 'paid';
  }

  return { labels, urlOf, readerId, borrowFromCard, payAll, openPayLink };
}
