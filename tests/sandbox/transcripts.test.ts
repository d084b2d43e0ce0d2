// The offline sandbox's chats outlive a restart: the service is started with the sandbox on a
// temp database, a reader talks to the bot through the web chat's API (a message, a button that
// edits the bot's message), the service stops and starts again, and the web chat shows the same
// chat — messages, buttons, edits — and goes on from there. A chat keeps its newest messages only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import { sandboxPersonas } from '../../sandbox/index.js';
import { createFakeBotApi } from '../../sandbox/telegram/fake-bot-api.js';
import { keepTranscripts } from '../../sandbox/transcripts.js';
import type { RunningService } from '../../service.js';
import { startTestService } from '../helpers/service.js';
import { createWorld, type World } from '../helpers/world.js';

interface Entry {
  message_id: number;
  from: 'user' | 'bot';
  text: string;
  edited: boolean;
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] };
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-transcripts-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = (file: string) =>
  startTestService(loadConfig({ DATABASE_PATH: file, PORT: '0', LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
    startJobs: false,
  });

async function messages(service: RunningService, persona: string): Promise<Entry[]> {
  const res = await fetch(`${service.localUrl}/sandbox/api/chats/${persona}/messages`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Entry[] }).messages;
}

async function post(service: RunningService, route: string, body: unknown): Promise<Response> {
  return fetch(`${service.localUrl}/sandbox/api/chats/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Waits until the chat's transcript satisfies the check (the bot answers asynchronously). */
async function until(
  service: RunningService,
  persona: string,
  check: (m: Entry[]) => boolean,
  timeoutMs = 10_000,
): Promise<Entry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await messages(service, persona);
    if (check(m)) return m;
    if (Date.now() > deadline)
      throw new Error(`chat ${persona} did not get there in time: ${JSON.stringify(m.map((x) => x.text.slice(0, 40)))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const buttonWith = (m: Entry[], label: string) => {
  for (const e of [...m].reverse()) {
    const b = e.reply_markup?.inline_keyboard?.flat().find((x) => x.text === label && x.callback_data);
    if (b) return { messageId: e.message_id, data: b.callback_data! };
  }
  throw new Error(`no button ${label}`);
};

describe('the web chat after a restart', () => {
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('shows the same chats — messages, buttons, edits — and goes on from there', async () => {
    const file = path.join(dir, 'restart.db');
    service = await start(file);
    expect((await post(service, 'reader/send', { text: '/start' })).status).toBe(201);
    let reader = await until(service, 'reader', (m) =>
      m.some((e) => e.from === 'bot' && e.reply_markup?.inline_keyboard?.flat().some((b) => b.text === '📚 Catalogue')),
    );
    // A menu button edits the bot's message in place.
    const catalogue = buttonWith(reader, '📚 Catalogue');
    expect((await post(service, 'reader/press', catalogue)).status).toBe(202);
    reader = await until(service, 'reader', (m) => m.some((e) => e.message_id === catalogue.messageId && e.edited));
    expect((await post(service, 'reader2/send', { text: '/help' })).status).toBe(201);
    const reader2 = await until(service, 'reader2', (m) => m.some((e) => e.from === 'bot'));
    await service.stop();

    service = await start(file);
    expect(await messages(service, 'reader')).toEqual(reader);
    expect(await messages(service, 'reader2')).toEqual(reader2);
    expect(await messages(service, 'librarian')).toEqual([]);

    // The chat goes on: new ids after the kept ones, and a kept button still works.
    const last = reader.at(-1)!.message_id;
    const sent = (await (await post(service, 'reader/send', { text: '/mybooks' })).json()) as { message: Entry };
    expect(sent.message.message_id).toBe(last + 1);
    const back = buttonWith(reader, '« Main menu');
    expect((await post(service, 'reader/press', back)).status).toBe(202);
    await until(service, 'reader', (m) =>
      m.some((e) => e.message_id === back.messageId && e.text !== reader.find((x) => x.message_id === back.messageId)!.text),
    );
  });
});

describe('a kept chat is bounded', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
  });
  afterAll(async () => {
    await w.close();
  });

  it('keeps the newest messages of each chat only, and a restore numbers on after them', async () => {
    const [reader, reader2] = sandboxPersonas(-100);
    const chats = [reader!.chat, reader2!.chat];
    const first = createFakeBotApi();
    for (const c of chats) first.registerChat(c);
    const kept = keepTranscripts({ telegram: first, db: w.db, chats, logger: silentLogger(), keep: 3 });
    expect(await kept.restore()).toBe(0);
    for (let i = 1; i <= 5; i++) first.userSends({ chat: reader!.chat, from: reader!.user, text: `message ${i}` });
    first.userSends({ chat: reader2!.chat, from: reader2!.user, text: 'other chat' });
    const edited = await first.invoke('sendMessage', {
      chat_id: reader!.chat.id,
      text: 'bot says',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    const botMessage = (edited as { result: { message_id: number } }).result.message_id;
    await first.invoke('editMessageText', { chat_id: reader!.chat.id, message_id: botMessage, text: 'bot said' });
    kept.stop();
    await kept.flush();
    const rows = await w.db
      .selectFrom('sandbox_messages')
      .select(['chat_id', 'message_id'])
      .orderBy('chat_id')
      .orderBy('message_id')
      .execute();
    expect(rows).toEqual([
      { chat_id: reader!.chat.id, message_id: 4 },
      { chat_id: reader!.chat.id, message_id: 5 },
      { chat_id: reader!.chat.id, message_id: 6 },
      { chat_id: reader2!.chat.id, message_id: 1 },
    ]);

    const second = createFakeBotApi();
    for (const c of chats) second.registerChat(c);
    expect(await keepTranscripts({ telegram: second, db: w.db, chats, logger: silentLogger(), keep: 3 }).restore()).toBe(4);
    expect(second.transcript(reader!.chat.id).map((m) => [m.message_id, m.text, m.edited])).toEqual([
      [4, 'message 4', false],
      [5, 'message 5', false],
      [6, 'bot said', true],
    ]);
    expect(second.userSends({ chat: reader!.chat, from: reader!.user, text: 'next' }).message_id).toBe(7);
    expect(second.transcript(reader2!.chat.id).map((m) => m.text)).toEqual(['other chat']);
  });
});
