// Bot throughput: updates per second through bot.handleUpdate over 1M books, with the fake
// Bot API answering every call in-process (same validation as over HTTP, no sockets), next to a
// bare grammY bot that answers each update with one message, measured in the same run; beside
// each bot row, core's own cost of the same work (no bot) from the same run, so the bot's share
// of an update is the difference.
import { Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { CATALOGUE_PAGE_SIZE } from '../bot/features/catalogue.js';
import { createBot } from '../bot/index.js';
import { databaseStorage } from '../bot/storage.js';
import { testConfig } from '../config.js';
import { createCore } from '../core/index.js';
import { systemClock } from '../core/kernel/index.js';
import { createDb } from '../db/connection.js';
import { createStripeGateway } from '../gateways/stripe.js';
import { silentLogger } from '../logger.js';
import { createFakeBotApi, type FakeBotApi } from '../sandbox/telegram/fake-bot-api.js';
import { durationSeconds, type Row, seededDb, table } from './lib.js';

const TOKEN = '7000000009:BENCH-token';
const CHATS = 50;
/**
 * The fake's call log is for tests; a long one costs every call a shift of 10,000 entries,
 * which the bot would be charged for.
 */
const FAKE = { token: TOKEN, maxLoggedCalls: 100 };

/** Routes every Bot API call of `bot` to the fake's in-process `invoke`. */
function wire(bot: Bot<any>, fake: FakeBotApi) {
  bot.api.config.use(async (_prev, method, payload) => (await fake.invoke(method, payload as Record<string, unknown>)) as any);
}

async function nextUpdate(fake: FakeBotApi, state: { offset: number }): Promise<Update> {
  const r = (await fake.invoke('getUpdates', { offset: state.offset, timeout: 0, limit: 1 })) as {
    ok: boolean;
    result: Update[];
  };
  const u = r.result[0];
  if (!u) throw new Error('no update queued');
  state.offset = u.update_id + 1;
  return u;
}

/**
 * Runs `step` round-robin over the chats, one update in flight at a time: everything runs on
 * this one thread anyway, so this measures the CPU cost of an update without queueing effects.
 */
async function measure(step: (chat: number) => Promise<void>): Promise<Measured> {
  const until = Date.now() + durationSeconds() * 1000;
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; Date.now() < until; i = (i + 1) % CHATS) {
    const t = performance.now();
    await step(i);
    latencies.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / durationSeconds(),
    count: latencies.length,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    cpuMs: (used.user + used.system) / 1000 / latencies.length,
  };
}

/**
 * `cpu µs`: this process's CPU time per update. On a box shared with other work the wall-clock
 * rate moves with everyone else's load; the CPU time per update much less (1,000,000 / cpu µs
 * is the rate one idle core would give).
 */
interface Measured {
  perSecond: number;
  count: number;
  p99: number;
  cpuMs: number;
}

/** A core-alone row: its rate, and what the bot adds per update on top of it. */
function coreRow(scenario: string, r: Measured, bot: Measured): Row {
  return {
    scenario,
    'updates/s': Math.round(r.perSecond),
    'p99 ms': r.p99,
    'cpu µs': Math.round(r.cpuMs * 1000),
    'vs bare': `bot's own: ${Math.round((bot.cpuMs - r.cpuMs) * 1000)} cpu µs/update`,
  };
}

export async function runBotBench(): Promise<string> {
  const file = await seededDb('api', { books: 1_000_000, users: 50_000, borrowings: 1_000_000 });
  const rows: Row[] = [];
  const users = Array.from({ length: CHATS }, (_, i) => ({ id: 900_000_000 + i, first_name: `Bench${i}`, language_code: 'en' }));

  // Baseline: a bare grammY bot answering a text message with one sendMessage.
  let base: number;
  {
    const fake = createFakeBotApi(FAKE);
    const bot = new Bot<Context>(TOKEN, { botInfo: fake.botInfo });
    wire(bot, fake);
    bot.on('message:text', (ctx) => ctx.reply('hello'));
    const state = { offset: 0 };
    const r = await measure(async (i) => {
      fake.userSends({ from: users[i]!, text: 'hi' });
      await bot.handleUpdate(await nextUpdate(fake, state));
    });
    rows.push({
      scenario: 'bare grammY: text → one reply (baseline)',
      'updates/s': Math.round(r.perSecond),
      'p99 ms': r.p99,
      'cpu µs': Math.round(r.cpuMs * 1000),
      'vs bare': '100%',
    });
    fake.close();
    base = r.perSecond;
  }

  const { db } = createDb(file);
  const config = testConfig({ DATABASE_PATH: file, TELEGRAM_STAFF_CHAT_ID: '-1009' });
  const gateway = createStripeGateway({
    secretKey: 'sk_test_bench',
    webhookSecret: 'whsec_bench',
    apiBase: 'http://127.0.0.1:9',
  });
  const core = createCore({ db, clock: systemClock, config, gateway, logger: silentLogger() });
  const fake = createFakeBotApi(FAKE);
  const bot = createBot(TOKEN, core, {
    storage: databaseStorage(db, systemClock),
    staffChatId: -1009,
    logger: silentLogger(),
    botInfo: fake.botInfo,
  });
  wire(bot, fake);
  const state = { offset: 0 };
  const handleNext = async () => bot.handleUpdate(await nextUpdate(fake, state));

  // Each chat opens the catalogue once; then pressing "Next" pages through 1M books.
  for (const u of users) {
    fake.userSends({ from: u, text: '/start' });
    await handleNext();
    fake.pressButtonByLabel({ chatId: u.id, label: '📚 Catalogue', from: u });
    await handleNext();
  }
  const pages = await measure(async (i) => {
    fake.pressButtonByLabel({ chatId: users[i]!.id, label: 'Next ▶', from: users[i]! });
    await handleNext();
  });
  rows.push({
    scenario: 'catalogue "Next ▶" press (menu edit in place)',
    'updates/s': Math.round(pages.perSecond),
    'p99 ms': pages.p99,
    'cpu µs': Math.round(pages.cpuMs * 1000),
    'vs bare': `${Math.round((pages.perSecond / base) * 100)}%`,
  });

  // Core alone: the same page reads in the same order (50 readers paging on from page 1), each
  // after the catalogue cache is dropped — as every press's session write drops it.
  {
    const cursors: (string | undefined)[] = Array.from({ length: CHATS }, () => undefined);
    const r = await measure(async (i) => {
      core.books.invalidate();
      cursors[i] = (await core.books.list({ cursor: cursors[i], limit: CATALOGUE_PAGE_SIZE })).next_cursor ?? undefined;
    });
    rows.push(coreRow('  core alone: the same page read (core.books.list)', r, pages));
  }

  // Specific searches (a title's words, an author's full name, an ISBN), as readers type them.
  const words = [
    'lantern orchard silver',
    'Sofia Kovalenko',
    '9780000500000',
    'storm bridge harbor',
    'Taras Moroz',
    '9780000123456',
  ];
  let w = 0;
  const search = await measure(async (i) => {
    fake.userSends({ from: users[i]!, text: words[w++ % words.length]! });
    await handleNext();
  });
  rows.push({
    scenario: 'search by text (results menu)',
    'updates/s': Math.round(search.perSecond),
    'p99 ms': search.p99,
    'cpu µs': Math.round(search.cpuMs * 1000),
    'vs bare': `${Math.round((search.perSecond / base) * 100)}%`,
  });
  {
    let k = 0;
    const r = await measure(async () => {
      core.books.invalidate();
      await core.books.list({ search: words[k++ % words.length]!, limit: CATALOGUE_PAGE_SIZE });
    });
    rows.push(coreRow('  core alone: the same searches (core.books.list)', r, search));
  }
  fake.close();
  await db.destroy();
  return table(
    `Bot over 1,000,000 books (handleUpdate, round-robin over ${CHATS} chats, ${durationSeconds()} s each; fake Bot API in-process)`,
    rows,
  );
}
