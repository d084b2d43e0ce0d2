// The outbox dispatcher's test harness: a fake Telegram Bot API reached through the real grammY
// client, a fresh database (tests/helpers/engine.ts), and small helpers to queue notes and read what was sent.

import { Api } from 'grammy';
import { afterEach, beforeEach } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { type Clock, systemClock } from '../../core/kernel/clock.js';
import { enqueue, type Notification } from '../../core/notices/outbox.js';
import type { PaymentReceivedPayload } from '../../core/notices/payloads.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import type { DB } from '../../db/connection.js';
import type { DispatcherDeps, DispatchOptions, MessageSender } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import type { FakeBotApiOptions } from '../../sandbox/telegram/fake-bot-api.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.js';
import { openTestDatabase } from './engine.js';

export const TOKEN = '123456:TEST-dispatcher';
export const FAST: DispatchOptions = { perChatIntervalMs: 50, backoffBaseMs: 50, backoffMaxMs: 400, globalPerSecond: 1000 };

export interface DispatchHarness {
  /** The current test's fake Telegram, grammY client and database (set in beforeEach). */
  readonly tg: FakeTelegram;
  readonly api: Api;
  readonly db: DB;
  /** Closes the fake Telegram and starts a new one with these options (and a client for it). */
  restartTelegram(opts?: FakeBotApiOptions): Promise<void>;
  deps(clock?: Clock, sender?: MessageSender): DispatcherDeps;
  /** Registers a private chat with the fake; returns its id. */
  privateChat(id: number): number;
  /** Queues staff-style "payment received" notes whose text carries a marker we can find. */
  queue(chatId: number, markers: string[], clock?: Clock): Promise<void>;
  sendCalls(): FakeTelegram['api']['calls'];
  okSends(chatId?: number): FakeTelegram['api']['calls'];
  botTexts(chatId: number): string[];
  markersIn(chatId: number): (string | undefined)[];
  outbox(): ReturnType<typeof selectOutbox>;
}

const selectOutbox = (db: DB) => db.selectFrom('outbox').selectAll().orderBy('id').execute();

/** Registers beforeEach/afterEach hooks that set up and tear down a fresh harness for every test. */
export function useDispatchHarness(): DispatchHarness {
  // The harness object itself carries the current test's fake, client and database.
  const h = {} as { tg: FakeTelegram; api: Api; db: DB };

  beforeEach(async () => {
    h.tg = await startFakeTelegram({ token: TOKEN });
    h.api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    ({ db: h.db } = await openTestDatabase());
  });

  afterEach(async () => {
    await h.db.destroy();
    await h.tg.close();
  });

  const sendCalls = () => h.tg.api.calls.filter((c) => c.method === 'sendMessage');
  const botTexts = (chatId: number) =>
    h.tg.api
      .transcript(chatId)
      .filter((m) => m.from === 'bot')
      .map((m) => m.text);

  return Object.assign(h, {
    async restartTelegram(opts: FakeBotApiOptions = {}) {
      await h.tg.close();
      h.tg = await startFakeTelegram({ token: TOKEN, ...opts });
      h.api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    },
    deps: (clock: Clock = systemClock, sender: MessageSender = h.api) => ({
      db: h.db,
      api: sender,
      clock,
      logger: silentLogger(),
      notices: createNoticeRenderer({ facts: createNoticeFacts(h.db) }),
    }),
    privateChat(id: number) {
      h.tg.api.registerChat({ id, type: 'private', first_name: `Reader${id}` });
      return id;
    },
    async queue(chatId: number, markers: string[], clock: Clock = systemClock) {
      const notes: Notification[] = markers.map((m) => ({
        chatId,
        kind: 'staff.payment_received',
        payload: { amount: '1.00', type: 'PAYMENT', reader: 'Ann', book_title: m } as PaymentReceivedPayload,
      }));
      await enqueue(h.db, notes, clock.now().getTime());
    },
    sendCalls,
    okSends: (chatId?: number) =>
      sendCalls().filter((c) => c.ok && (chatId === undefined || Number(c.params.chat_id) === chatId)),
    botTexts,
    markersIn: (chatId: number) => botTexts(chatId).map((t) => /Book: (\S+)/.exec(t)?.[1]),
    outbox: () => selectOutbox(h.db),
  });
}
