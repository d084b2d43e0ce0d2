/**
 * The outbox dispatcher (SPEC §6) against the fake Telegram Bot API through the real grammY
 * client: limits, 429s, retries, order per chat, restarts, outages.
 */

import { type AddressInfo, createServer } from 'node:net';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../core/kernel/clock.js';
import { enqueue } from '../../core/notices/outbox.js';
import type { PaymentReceivedPayload } from '../../core/notices/payloads.js';
import { createDispatcher, dispatchOutbox, type MessageSender } from '../../jobs/dispatcher.js';
import { createDispatcherLoop } from '../../jobs/dispatcher-loop.js';
import { FAST, TOKEN, useDispatchHarness } from '../helpers/dispatch.js';

const h = useDispatchHarness();
const { deps, privateChat, queue, sendCalls, okSends, markersIn, outbox } = h;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('delivery: every row once, in order per chat', () => {
  it('sends all due rows, each once, in order per chat, and marks them sent', async () => {
    const a = privateChat(1001);
    const b = privateChat(1002);
    await queue(a, ['a1', 'a2', 'a3']);
    await queue(b, ['b1', 'b2']);

    const summary = await dispatchOutbox(deps(), FAST);

    expect(summary).toEqual({ sent: 5, retried: 0, failed: 0, deferred: 0 });
    expect(markersIn(a)).toEqual(['a1', 'a2', 'a3']);
    expect(markersIn(b)).toEqual(['b1', 'b2']);
    const rows = await outbox();
    expect(rows.every((r) => r.sent_at !== null && r.attempts === 1 && r.failed_at === null)).toBe(true);

    const again = await dispatchOutbox(deps(), FAST);
    expect(again.sent).toBe(0);
    expect(sendCalls()).toHaveLength(5);
  });

  it('sends HTML with user text escaped', async () => {
    const a = privateChat(1003);
    await enqueue(
      h.db,
      [
        {
          chatId: a,
          kind: 'staff.payment_received',
          payload: { amount: '2.00', type: 'FINE', reader: '<Eve & "Co">', book_title: '<b>x</b>' } as PaymentReceivedPayload,
        },
      ],
      Date.now(),
    );
    await dispatchOutbox(deps(), FAST);
    const [msg] = h.tg.api.transcript(a);
    expect(msg?.text).toContain('Reader: <Eve & "Co">');
    expect(msg?.text).toContain('Book: <b>x</b>');
    expect(msg?.entities?.some((e) => e.type === 'bold')).toBe(true);
    expect(sendCalls()[0]?.params.parse_mode).toBe('HTML');
  });

  it('stops after maxMessages and leaves the rest pending', async () => {
    const a = privateChat(1004);
    const b = privateChat(1005);
    await queue(a, ['a1', 'a2']);
    await queue(b, ['b1', 'b2']);
    const summary = await dispatchOutbox(deps(), { ...FAST, maxMessages: 3 });
    expect(summary.sent).toBe(3);
    expect(summary.deferred).toBe(1);
  });

  it('fails a row it cannot render, without blocking the chat', async () => {
    const a = privateChat(1006);
    await h.db
      .insertInto('outbox')
      .values({
        chat_id: a,
        kind: 'reader.unknown_kind',
        payload: '{}',
        language: 'en',
        dedup_key: null,
        next_attempt_at: 0,
        sent_at: null,
        failed_at: null,
        last_error: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    await queue(a, ['after']);
    const summary = await dispatchOutbox(deps(), FAST);
    expect(summary).toMatchObject({ sent: 1, failed: 1 });
    const [bad] = await outbox();
    expect(bad?.failed_at).not.toBeNull();
    expect(bad?.last_error).toContain('unknown notification kind');
    expect(markersIn(a)).toEqual(['after']);
  });
});

describe('failures', () => {
  it('retries 500s with exponential back-off and then delivers', async () => {
    const a = privateChat(6001);
    await queue(a, ['a1', 'a2']);
    h.tg.api.failNext('sendMessage', 3, { status: 500 });
    const loop = createDispatcherLoop(deps(), { ...FAST, backoffBaseMs: 100, backoffMaxMs: 5000, idleMs: 10 });
    loop.start();
    try {
      await h.tg.api.waitFor(() => okSends(a).length === 2, 5000);
    } finally {
      await loop.stop();
    }
    const at = sendCalls()
      .filter((c) => Number(c.params.chat_id) === a)
      .map((c) => c.at);
    // attempts: fail, +100 ms fail, +200 ms fail, +400 ms ok, then the next row.
    expect(at.length).toBe(5);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(100);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(200);
    expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(400);
    expect(markersIn(a)).toEqual(['a1', 'a2']);
    const [first] = await outbox();
    expect(first).toMatchObject({ attempts: 4, last_error: null });
  });

  it('gives up at once on a blocked bot or an unknown chat, recording why', async () => {
    const blocked = privateChat(7001);
    h.tg.api.setBlocked(blocked);
    const unknown = 7999; // never registered: "chat not found"
    const ok = privateChat(7002);
    await queue(blocked, ['x1', 'x2']);
    await queue(unknown, ['y1']);
    await queue(ok, ['z1']);

    const summary = await dispatchOutbox(deps(), FAST);

    expect(summary).toEqual({ sent: 1, retried: 0, failed: 3, deferred: 0 });
    const rows = await outbox();
    expect(rows.filter((r) => r.chat_id === blocked).map((r) => r.last_error)).toEqual([
      expect.stringContaining('bot was blocked'),
      expect.stringContaining('bot was blocked'),
    ]);
    expect(rows.find((r) => r.chat_id === unknown)?.last_error).toContain('chat not found');
    expect(rows.filter((r) => r.failed_at !== null)).toHaveLength(3);
    expect(markersIn(ok)).toEqual(['z1']);
  });

  it('gives up on a transient failure only after maxAttempts and giveUpAfterMs', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = privateChat(7101);
    await queue(a, ['a1'], clock);
    h.tg.api.failNext('sendMessage', 10, { status: 502 });
    const d = createDispatcher(deps(clock), { ...FAST, maxAttempts: 3, giveUpAfterMs: 3600_000 });
    for (let i = 0; i < 5; i++) {
      await d.run();
      clock.advance(60_000);
    }
    let [row] = await outbox();
    // 5 attempts, still younger than an hour: kept.
    expect(row).toMatchObject({ attempts: 5, failed_at: null, sent_at: null });
    clock.advance(3600_000);
    await d.run();
    [row] = await outbox();
    expect(row?.failed_at).not.toBeNull();
    expect(row?.last_error).toContain('502');
  });

  it('loses nothing while Telegram is unreachable, then delivers everything in order per chat', async () => {
    const chats = [8001, 8002, 8003].map(privateChat);
    // Telegram "down": a real grammY client pointed at a port where nothing listens.
    const down = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${await closedPort()}`, timeoutSeconds: 2 });
    let current: MessageSender = down;
    const switchable: MessageSender = {
      sendMessage: (chatId, text, other, signal) => current.sendMessage(chatId, text, other, signal),
    };
    for (const c of chats) await queue(c, [`${c}-1`, `${c}-2`, `${c}-3`]);
    const loop = createDispatcherLoop(deps(systemClock, switchable), {
      ...FAST,
      backoffBaseMs: 20,
      backoffMaxMs: 150,
      idleMs: 10,
    });
    loop.start();
    try {
      // Every chat's first row is tried and retried while Telegram cannot be reached.
      for (let waited = 0; waited < 10_000; waited += 50) {
        if ((await outbox()).filter((r) => r.attempts > 1).length >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const during = await outbox();
      expect(during.every((r) => r.sent_at === null && r.failed_at === null)).toBe(true);
      expect(
        during
          .filter((r) => r.attempts > 1)
          .map((r) => r.chat_id)
          .sort(),
      ).toEqual(chats);
      expect(sendCalls()).toHaveLength(0);
      // More news arrives while down.
      for (const c of chats) await queue(c, [`${c}-4`]);
      current = h.api; // back up
      await h.tg.api.waitFor(() => okSends().length === 12, 5000);
    } finally {
      await loop.stop();
    }
    for (const c of chats) expect(markersIn(c)).toEqual([`${c}-1`, `${c}-2`, `${c}-3`, `${c}-4`]);
    expect(sendCalls()).toHaveLength(12);
  });

  it('abandons a send that hangs after sendTimeoutMs and retries it, before its claim lapses', async () => {
    // A Telegram that accepts connections and never answers.
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = privateChat(8050);
    await queue(a, ['a1'], clock);
    try {
      const t0 = Date.now();
      const summary = await dispatchOutbox(deps(clock, hanging), { ...FAST, sendTimeoutMs: 300, claimMs: 100 });
      expect(summary).toMatchObject({ sent: 0, retried: 1 });
      expect(Date.now() - t0).toBeLessThan(2000);
      const [row] = await outbox();
      expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null });
      expect(row?.last_error).toBeTruthy();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    // Telegram answers again: after the back-off it is delivered, once.
    clock.advance(1000);
    await dispatchOutbox(deps(clock), FAST);
    expect(markersIn(a)).toEqual(['a1']);
  });

  it('recovers from a burst of 502s without reordering a chat', async () => {
    const a = privateChat(8101);
    const b = privateChat(8102);
    await queue(a, ['a1', 'a2', 'a3']);
    await queue(b, ['b1', 'b2']);
    h.tg.api.failNext('*', 6, { status: 502 });
    const loop = createDispatcherLoop(deps(), { ...FAST, backoffBaseMs: 20, idleMs: 10 });
    loop.start();
    try {
      await h.tg.api.waitFor(() => okSends().length === 5, 5000);
    } finally {
      await loop.stop();
    }
    expect(markersIn(a)).toEqual(['a1', 'a2', 'a3']);
    expect(markersIn(b)).toEqual(['b1', 'b2']);
    expect(okSends()).toHaveLength(5);
  });
});

describe('never twice', () => {
  it('sends nothing twice across a dispatcher restart', async () => {
    const chats = [9001, 9002, 9003].map(privateChat);
    for (const c of chats) await queue(c, [`${c}-1`, `${c}-2`]);
    const first = await createDispatcher(deps(), FAST).run({ maxMessages: 4 });
    expect(first.sent).toBe(4);
    // A new process: a fresh dispatcher over the same database.
    const second = await createDispatcher(deps(), FAST).run();
    expect(second.sent).toBe(2);
    const third = await createDispatcher(deps(), FAST).run();
    expect(third.sent).toBe(0);
    const texts = okSends().map((c) => String(c.params.text));
    expect(new Set(texts).size).toBe(6);
    expect(texts).toHaveLength(6);
  });

  it('a row claimed by a dispatcher that crashed is sent once, only after its lease', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = privateChat(9101);
    await queue(a, ['a1', 'a2'], clock);
    const [row] = await outbox();
    // What a crashed dispatcher leaves behind: claimed (attempt counted, lease set), never marked.
    await h.db
      .updateTable('outbox')
      .set({ attempts: 1, next_attempt_at: clock.now().getTime() + 60_000 })
      .where('id', '=', row!.id)
      .execute();

    const d = createDispatcher(deps(clock), FAST);
    expect((await d.run()).sent).toBe(0); // neither the claimed row nor the one behind it
    clock.advance(61_000);
    expect((await d.run()).sent).toBe(2);
    expect(markersIn(a)).toEqual(['a1', 'a2']);
    expect((await outbox())[0]).toMatchObject({ attempts: 2 });
  });

  it('two dispatchers over the same database never send the same row', async () => {
    const chats = Array.from({ length: 8 }, (_, i) => privateChat(9200 + i));
    for (const c of chats) await queue(c, [`${c}-1`, `${c}-2`]);
    const [x, y] = await Promise.all([createDispatcher(deps(), FAST).run(), createDispatcher(deps(), FAST).run()]);
    expect(x.sent + y.sent).toBe(16);
    const texts = okSends().map((c) => String(c.params.text));
    expect(new Set(texts).size).toBe(16);
    for (const c of chats) expect(markersIn(c)).toEqual([`${c}-1`, `${c}-2`]);
  });
});

describe('the dispatcher loop', () => {
  it('wakes when poked and stops cleanly, waiting for the send in flight', async () => {
    const a = privateChat(9301);
    const loop = createDispatcherLoop(deps(), { ...FAST, idleMs: 60_000 });
    loop.start();
    await new Promise((r) => setTimeout(r, 50));
    await queue(a, ['a1']);
    const t0 = Date.now();
    loop.poke();
    await h.tg.api.waitFor(() => okSends(a).length === 1, 2000);
    expect(Date.now() - t0).toBeLessThan(1000);
    await queue(a, ['a2']);
    loop.poke();
    await loop.stop();
    const rows = await outbox();
    // Whatever was sent is marked; nothing is left claimed-but-unmarked.
    for (const r of rows) expect(r.sent_at !== null || r.attempts === 0).toBe(true);
    expect(okSends(a).length).toBe(rows.filter((r) => r.sent_at !== null).length);
  });
});
