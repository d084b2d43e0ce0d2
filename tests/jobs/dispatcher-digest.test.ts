/**
 * The staff chat under load (issue 20, item 30): Telegram takes 20 messages a minute in a group,
 * so when more staff notices wait than the chat can take before its minute frees up, the
 * dispatcher combines them into one digest, and the daily overdue report goes before single
 * notices. Against the fake Bot API enforcing the group's 20 a minute, through the real grammY
 * client, with the dispatcher's injected clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRenderer } from '../../bot/notice-renderer.js';
import { TELEGRAM_TEXT_LIMIT } from '../../bot/text.js';
import { ManualClock } from '../../core/kernel/clock.js';
import { enqueue, type Notification, type NotificationKind } from '../../core/notices/outbox.js';
import { createDispatcherLoop } from '../../jobs/dispatcher-loop.js';
import { useDispatchHarness } from '../helpers/dispatch.js';

const h = useDispatchHarness();
const GROUP = -1003001;
const KINDS: NotificationKind[] = [
  'staff.borrowing_created',
  'staff.payment_received',
  'staff.borrowing_returned',
  'staff.borrowing_extended',
];

/**
 * `n` staff notices of the four kinds in turn, numbered from `from` (the book's title). One payload
 * for every kind, with only the fields their lines read.
 */
function staffNotes(n: number, from = 1): Notification[] {
  return Array.from({ length: n }, (_, i) => {
    const payload: object = {
      borrowing_id: from + i,
      payment_id: from + i,
      reader: `Reader ${from + i}`,
      book_title: `Book ${from + i}`,
      expected_return_date: '2026-03-20',
      amount: '1.00',
      type: 'PAYMENT',
      rent: '1.00',
    };
    return { chatId: GROUP, kind: KINDS[i % KINDS.length]!, payload, language: 'en' } as Notification;
  });
}

const groupTexts = () =>
  h.tg.api
    .transcript(GROUP)
    .filter((m) => m.from === 'bot')
    .map((m) => m.text);

describe('the staff chat under load', () => {
  it('sends the overdue report first and the rest of a burst of 100 within seconds as a digest, nothing lost', async () => {
    await h.restartTelegram({ rateLimit: { groupPerMinute: 20, perChatPerSecond: 1 } });
    h.tg.api.registerChat({ id: GROUP, type: 'supergroup', title: 'Library staff' });
    const clock = new ManualClock('2026-03-10T09:00:00Z');
    await enqueue(h.db, staffNotes(100), clock.now().getTime());
    const report = {
      date: '2026-03-10',
      total: 2,
      readers: 1,
      oldest: [{ borrowing_id: 7, reader: 'Late Reader', book: 'Dune', due: '2026-03-01', days: 9 }],
    };
    await enqueue(
      h.db,
      [{ chatId: GROUP, kind: 'staff.overdue_report', payload: report, language: 'en', dedupKey: 'overdue-report:2026-03-10' }],
      clock.now().getTime(),
    );

    const loop = createDispatcherLoop(h.deps(clock), { globalPerSecond: 1000, idleMs: 10 });
    loop.start();
    try {
      await h.tg.api.waitFor(() => groupTexts().length >= 2, 5000);
      let texts = groupTexts();
      expect(texts[0]).toMatch(/^⏰ Overdue borrowings on 2026-03-10: 2 in total, held by 1 reader\n/);
      expect(texts[1]).toBe(
        [
          '📰 100 staff notices in one message: more came at once than this chat may be sent in a minute.',
          '📚 New borrowings: 25',
          '🔁 Loans extended: 25',
          '↩️ Books returned: 25',
          '💰 Payments received: 25',
          'The first of them:',
          '• 📚 #1 Reader 1 — Book 1, due 2026-03-20',
          '• 💰 1.00 USD (rent) Reader 2 — Book 2',
          '• ↩️ #3 Reader 3 — Book 3',
          '• 🔁 #4 Reader 4 — Book 4, now due 2026-03-20',
          '• 📚 #5 Reader 5 — Book 5, due 2026-03-20',
          '…and 95 more: the console has every loan and payment.',
        ].join('\n'),
      );
      const digest = h.tg.api.lastBotMessage(GROUP)!;
      expect(digest.reply_markup).toEqual({
        inline_keyboard: [
          [
            { text: '📋 Active borrowings', callback_data: 'sc:n:a' },
            { text: '🏠 Console', callback_data: 'sc:n:h' },
          ],
        ],
      });

      // Nothing lost: every notice is marked sent as part of the digest, which is sent too.
      await vi.waitFor(async () => expect((await h.outbox()).every((r) => r.sent_at !== null)).toBe(true));
      const rows = await h.outbox();
      const digestRow = rows.find((r) => r.kind === 'staff.digest')!;
      expect(digestRow.sent_at).not.toBeNull();
      const combined = rows.filter((r) => KINDS.includes(r.kind as NotificationKind));
      expect(combined).toHaveLength(100);
      expect(combined.every((r) => r.sent_at !== null && r.part_of === digestRow.id)).toBe(true);
      expect(rows.filter((r) => r.sent_at === null || r.failed_at !== null)).toEqual([]);

      // More than the minute's room left (18): another digest. A few: one by one, as ever.
      await enqueue(h.db, staffNotes(30, 101), clock.now().getTime());
      await h.tg.api.waitFor(() => groupTexts().length >= 3, 5000);
      expect(groupTexts()[2]).toMatch(/^📰 30 staff notices in one message/);
      await enqueue(h.db, staffNotes(2, 131), clock.now().getTime());
      await h.tg.api.waitFor(() => groupTexts().length >= 5, 5000);
      texts = groupTexts();
      expect(texts[3]).toMatch(/^📚 New borrowing #131\n/);
      expect(texts[4]).toMatch(/^💰 Payment received: 1\.00 USD \(rent\)\n/);
    } finally {
      await loop.stop();
    }
    // Within the group's limit all along: Telegram refused nothing.
    expect(h.tg.api.calls.filter((c) => c.method === 'sendMessage' && !c.ok)).toEqual([]);
  });
});

describe('a digest as a message', () => {
  it("stays under Telegram's limit whatever the names, in both languages", () => {
    const r = createRenderer();
    const long = {
      borrowing_id: 999_999_999,
      reader: '<&>'.repeat(85),
      reader_username: 'x'.repeat(32),
      book_title: '&'.repeat(255),
      expected_return_date: '2026-03-20',
      amount: '99999.99',
      type: 'FINE',
    };
    const first = KINDS.concat(KINDS)
      .slice(0, 5)
      .map((kind) => ({ kind, payload: long }));
    for (const lang of ['en', 'uk']) {
      const m = r.render({
        kind: 'staff.digest',
        language: lang,
        payload: { total: 9_999_999, counts: Object.fromEntries(KINDS.map((k) => [k, 2_499_999])), first },
      });
      expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(m.reply_markup?.inline_keyboard.flat()).toHaveLength(2);
    }
    expect(
      r.render({
        kind: 'staff.digest',
        language: 'uk',
        payload: { total: 21, counts: { 'staff.payment_received': 21 }, first: [] },
      }).text,
    ).toMatch(/^📰 <b>21 сповіщення для працівників одним повідомленням<\/b>/);
  });
});
