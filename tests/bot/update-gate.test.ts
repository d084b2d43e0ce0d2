// Telegram updates through the webhook's gate (bot/update-gate.ts) on both engines: each update
// handled once, the updates of one chat one at a time and in update_id order. Across two
// instances on a PostgreSQL server: tests/multi/.

import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_MS, chatKeyOf, createUpdateGate, ORDER_WAIT_MS, REMEMBER_MS } from '../../bot/update-gate.js';
import type { DB } from '../../db/connection.js';
import type { Engine } from '../../db/engine.js';
import { inProcessLocks } from '../../db/keyed-locks.js';
import { registerUpdate } from '../../db/telegram-updates.js';
import { openTestDatabase, TEST_ENGINE } from '../helpers/engine.js';

let db: DB;
let engine: Engine;
beforeEach(async () => {
  ({ db, engine } = await openTestDatabase());
});
afterEach(async () => {
  await db.destroy();
});

const text = (updateId: number, chatId: number): Update =>
  ({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 0,
      chat: { id: chatId, type: 'private', first_name: 'A' },
      from: { id: chatId, is_bot: false, first_name: 'A' },
      text: `#${updateId}`,
    },
  }) as Update;
const press = (updateId: number, chatId: number): Update =>
  ({
    update_id: updateId,
    callback_query: {
      id: `q${updateId}`,
      chat_instance: 'x',
      data: 'd',
      from: { id: 77, is_bot: false, first_name: 'A' },
      message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private', first_name: 'A' } },
    },
  }) as Update;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`The webhook's update gate (${TEST_ENGINE})`, () => {
  it("keys an update by its chat (a button press by the message's chat), else by its sender", () => {
    expect(chatKeyOf(text(1, 42))).toBe('chat:42');
    expect(chatKeyOf(press(2, 43))).toBe('chat:43');
    expect(
      chatKeyOf({
        update_id: 3,
        inline_query: { id: 'i', from: { id: 9, is_bot: false, first_name: 'A' }, query: '', offset: '' },
      } as Update),
    ).toBe('user:9');
    expect(chatKeyOf({ update_id: 4 } as Update)).toBe('update:4');
  });

  it('handles an update delivered twice at once, and again later, once', async () => {
    const gate = createUpdateGate({ db, locks: engine.keyedLocks() });
    let handled = 0;
    const handle = async () => {
      handled++;
      await pause(30);
    };
    const outcomes = await Promise.all([
      gate.run(text(10, 1), handle),
      gate.run(text(10, 1), handle),
      gate.run(text(10, 1), handle),
    ]);
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'handled']);
    expect(await gate.run(text(10, 1), handle)).toBe('duplicate');
    expect(handled).toBe(1);
  });

  it('a second gate on the same database (another instance) also sees it handled', async () => {
    await createUpdateGate({ db, locks: engine.keyedLocks() }).run(text(11, 1), async () => undefined);
    let again = false;
    expect(await createUpdateGate({ db, locks: engine.keyedLocks() }).run(text(11, 1), async () => void (again = true))).toBe(
      'duplicate',
    );
    expect(again).toBe(false);
  });

  it('handles it once also where two gates share no lock (two processes on one SQLite file)', async () => {
    const a = createUpdateGate({ db, locks: inProcessLocks() });
    const b = createUpdateGate({ db, locks: inProcessLocks() });
    let handled = 0;
    const handle = async () => {
      handled++;
      await pause(40);
    };
    const outcomes = await Promise.all([a.run(text(13, 2), handle), b.run(text(13, 2), handle)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(handled).toBe(1);
  });

  it('counts an update whose handler threw as handled: a redelivery does not run it again', async () => {
    const gate = createUpdateGate({ db, locks: engine.keyedLocks() });
    await expect(gate.run(text(12, 1), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(text(12, 1), async () => undefined)).toBe('duplicate');
  });

  it("handles one chat's updates one at a time, other chats' alongside", async () => {
    const gate = createUpdateGate({ db, locks: engine.keyedLocks() });
    const inside = new Map<number, number>();
    let overlapSameChat = 0;
    let overlapOtherChats = 0;
    const handler = (chat: number) => async () => {
      inside.set(chat, (inside.get(chat) ?? 0) + 1);
      if (inside.get(chat)! > 1) overlapSameChat++;
      if ([...inside.entries()].some(([c, n]) => c !== chat && n > 0)) overlapOtherChats++;
      await pause(20);
      inside.set(chat, inside.get(chat)! - 1);
    };
    await Promise.all(
      [20, 21, 22, 23, 24, 25].map((id) => gate.run(text(id, id % 2 === 0 ? 5 : 6), handler(id % 2 === 0 ? 5 : 6))),
    );
    expect(overlapSameChat).toBe(0);
    expect(overlapOtherChats).toBeGreaterThan(0);
  });

  it('lets an earlier update of the chat that arrived and waits go first', async () => {
    const gate = createUpdateGate({ db, locks: engine.keyedLocks() });
    const order: number[] = [];
    // Update 30 arrived (at another instance, say) and has not been handled yet.
    await registerUpdate(db, 30, 'chat:7', Date.now());
    const later = gate.run(text(31, 7), async () => void order.push(31));
    await pause(100);
    expect(order).toEqual([]);
    await gate.run(text(30, 7), async () => void order.push(30));
    await later;
    expect(order).toEqual([30, 31]);
  });

  it('waits for an earlier update no longer than ORDER_WAIT_MS (its instance may have died)', async () => {
    let clock = 1_000_000_000_000;
    const gate = createUpdateGate({ db, locks: engine.keyedLocks(), now: () => clock });
    await registerUpdate(db, 40, 'chat:8', clock - ORDER_WAIT_MS - 1);
    let ran = false;
    expect(await gate.run(text(41, 8), async () => void (ran = true))).toBe('handled');
    expect(ran).toBe(true);
    clock += REMEMBER_MS + 11 * 60_000;
    // The next update prunes what is older than REMEMBER_MS.
    await gate.run(text(42, 9), async () => undefined);
    await pause(50);
    const left = await db
      .selectFrom('telegram_updates')
      .select(['update_id', 'handled_at', 'claimed_until'])
      .orderBy('update_id')
      .execute();
    expect(left).toEqual([{ update_id: 42, handled_at: clock, claimed_until: clock + CLAIM_MS }]);
  });
});

describe(`The engine's keyed locks (${TEST_ENGINE})`, () => {
  it('one holder per key at a time, in arrival order; other keys alongside', async () => {
    const locks = engine.keyedLocks();
    const events: string[] = [];
    const hold = (key: string, name: string, ms: number) =>
      locks.run(key, async () => {
        events.push(`${name}+`);
        await pause(ms);
        events.push(`${name}-`);
      });
    await Promise.all([hold('k', 'a', 40), hold('k', 'b', 10), hold('other', 'c', 10)]);
    expect(events.indexOf('a-')).toBeLessThan(events.indexOf('b+'));
    expect(events.indexOf('c+')).toBeLessThan(events.indexOf('a-'));
  });

  it('a holder that throws frees the key for the next one', async () => {
    const locks = engine.keyedLocks();
    await expect(locks.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.run('k', async () => 'next')).toBe('next');
  });
});
