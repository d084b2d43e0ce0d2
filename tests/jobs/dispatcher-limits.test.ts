/**
 * The outbox dispatcher's pacing (SPEC §6) against the fake Telegram Bot API through the real
 * grammY client: 1 message/s per chat, the global pace, 429 retry_after and flood control.
 */
import { describe, expect, it } from 'vitest';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { createDispatcherLoop } from '../../jobs/dispatcher-loop.js';
import { FAST, useDispatchHarness } from '../helpers/dispatch.js';

const h = useDispatchHarness();
const { deps, privateChat, queue, sendCalls, okSends, markersIn, outbox } = h;

describe('rate limits', () => {
  it('keeps at most one message per second per chat with the default settings', async () => {
    const a = privateChat(2001);
    const b = privateChat(2002);
    await queue(a, ['a1', 'a2', 'a3']);
    await queue(b, ['b1']);

    const summary = await dispatchOutbox(deps());

    expect(summary.sent).toBe(4);
    const times = okSends(a).map((c) => c.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1000);
    // The other chat is not held back by the first one's pacing.
    expect(okSends(b)[0]!.at).toBeLessThan(times[1]!);
  });

  it('keeps a group chat within its per-minute allowance while private chats go on', async () => {
    h.tg.api.registerChat({ id: -1002001, type: 'supergroup', title: 'Staff' });
    const a = privateChat(2101);
    await queue(-1002001, ['g1', 'g2']);
    await queue(a, ['p1', 'p2', 'p3']);
    const loop = createDispatcherLoop(deps(), { ...FAST, groupPerMinute: 2, idleMs: 10 });
    loop.start();
    try {
      await h.tg.api.waitFor(() => okSends(a).length === 3 && okSends(-1002001).length === 2, 3000);
      // A third in the same minute waits for the group's next minute (queued at once, the
      // three would have gone as one digest: tests/jobs/dispatcher-digest.test.ts).
      await queue(-1002001, ['g3']);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await loop.stop(); // also ends the wait for the group's next minute
    }
    expect(markersIn(-1002001)).toEqual(['g1', 'g2']);
    expect(markersIn(a)).toEqual(['p1', 'p2', 'p3']);
    const third = (await outbox()).find((r) => JSON.parse(r.payload).book_title === 'g3');
    expect(third).toMatchObject({ attempts: 0, sent_at: null });
  });

  it("counts only what Telegram accepted against a group's allowance: a 429 uses none of it", async () => {
    h.tg.api.registerChat({ id: -1002002, type: 'supergroup', title: 'Staff' });
    await queue(-1002002, ['g1', 'g2']);
    h.tg.api.failNext('sendMessage', 1, { status: 429, retry_after: 1 });
    const loop = createDispatcherLoop(deps(), { ...FAST, groupPerMinute: 2, concurrency: 1, idleMs: 10 });
    loop.start();
    try {
      // Two messages taken in the minute, the group's whole allowance: the refused attempt was none.
      await h.tg.api.waitFor(() => okSends(-1002002).length === 2, 5000);
    } finally {
      await loop.stop();
    }
    const calls = sendCalls().filter((c) => Number(c.params.chat_id) === -1002002);
    expect(calls.map((c) => c.ok)).toEqual([false, true, true]);
    // retry_after is still honoured.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(markersIn(-1002002)).toEqual(['g1', 'g2']);
  });

  it('stays under the global pace (no 429 from a fake that enforces it)', async () => {
    await h.restartTelegram({ rateLimit: { globalPerSecond: 50, perChatPerSecond: 1 } });
    const chats = Array.from({ length: 60 }, (_, i) => privateChat(3000 + i));
    for (const c of chats) await queue(c, [`m${c}`]);
    const t0 = Date.now();

    const summary = await dispatchOutbox(deps(), { globalPerSecond: 50, concurrency: 8 });

    expect(summary).toMatchObject({ sent: 60, retried: 0 });
    expect(sendCalls().every((c) => c.ok)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const at = okSends()
      .map((c) => c.at)
      .sort((x, y) => x - y);
    for (let i = 50; i < at.length; i++) expect(at[i]! - at[i - 50]!).toBeGreaterThanOrEqual(1000);
  });

  it('honours 429 retry_after: the chat is not retried before it, other chats go on', async () => {
    const a = privateChat(4001);
    const b = privateChat(4002);
    await queue(a, ['a1', 'a2']);
    h.tg.api.failNext('sendMessage', 1, { status: 429, retry_after: 1 });
    await queue(b, ['b1']);
    // One send at a time, in id order, so the injected 429 hits a1.
    const loop = createDispatcherLoop(deps(), { ...FAST, concurrency: 1, idleMs: 20 });
    loop.start();
    try {
      await h.tg.api.waitFor(() => okSends(a).length === 2, 5000);
    } finally {
      await loop.stop();
    }
    const aCalls = sendCalls().filter((c) => Number(c.params.chat_id) === a);
    expect(aCalls[0]).toMatchObject({ ok: false, error_code: 429 });
    expect(aCalls[1]!.at - aCalls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(markersIn(a)).toEqual(['a1', 'a2']);
    expect(okSends(b)[0]!.at).toBeLessThan(aCalls[1]!.at);
    const rows = await outbox();
    // Flood control does not count as a failed attempt.
    expect(rows[0]).toMatchObject({ attempts: 1 });
    expect(rows.every((r) => r.sent_at !== null)).toBe(true);
  });

  it('treats 429s from several chats at once as global flood control and pauses everything', async () => {
    const chats = [5001, 5002, 5003, 5004].map(privateChat);
    for (const c of chats) await queue(c, [`m${c}`]);
    h.tg.api.failNext('sendMessage', 3, { status: 429, retry_after: 1 });

    const summary = await dispatchOutbox(deps(), { ...FAST, concurrency: 1 });

    expect(summary.retried).toBe(3);
    const calls = sendCalls();
    expect(calls.slice(0, 3).map((c) => [Number(c.params.chat_id), c.error_code])).toEqual([
      [5001, 429],
      [5002, 429],
      [5003, 429],
    ]);
    // The fourth chat never got a 429 of its own, yet waits out the global pause.
    expect(calls[3]).toMatchObject({ ok: true, params: expect.objectContaining({ chat_id: 5004 }) });
    expect(calls[3]!.at - calls[2]!.at).toBeGreaterThanOrEqual(990);
  });
});
