/**
 * The daily staff overdue report is one message (issue 11, item 17) whose button opens the
 * paged staff list — pressed through the fake Bot API, answered by the real bot — and which
 * stays under Telegram's limit whatever the data.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoticeRenderer, createRenderer } from '../../bot/notice-renderer.js';
import { TELEGRAM_TEXT_LIMIT } from '../../bot/text.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { ann, type BotWorld, createBotWorld, librarian, linkStaff, STAFF_CHAT_ID, staffChat } from '../helpers/bot.js';

let w: BotWorld;
beforeEach(async () => {
  w = await createBotWorld();
  w.tg.api.registerChat(staffChat);
});
afterEach(async () => {
  await w.close();
});

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const staffMessages = () => w.tg.api.transcript(STAFF_CHAT_ID).filter((m) => m.from === 'bot');
const BUTTON = '📋 All overdue borrowings';

/** 320 overdue loans of 40 readers with the longest names and titles the rules allow, full of HTML. */
async function manyOverdueLoans(): Promise<{ id: number; due: string }[]> {
  const users: { id: number }[] = [];
  for (let i = 0; i < 40; i++) {
    users.push(
      await w.db
        .insertInto('users')
        .values({
          email: `late${i}@example.test`,
          first_name: `${i}&`.padEnd(255, '&'),
          last_name: '<'.repeat(255),
          telegram_username: `late_reader_${i}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
  }
  const book = await w.db
    .insertInto('books')
    .values({
      title: `<b>${'"Overdue" & <late> '.repeat(12)}`.slice(0, 255).trim(),
      author: 'A',
      isbn: null,
      cover: 'SOFT',
      inventory: 1,
      daily_fee_cents: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const loans = Array.from({ length: 320 }, (_, i) => ({
    book_id: book.id,
    user_id: users[i % 40]!.id,
    borrow_date: addDays('2026-03-10', -90),
    expected_return_date: addDays('2026-03-10', -1 - ((i * 7) % 60)),
    actual_return_date: null,
    created_at: '2026-01-01T00:00:00.000Z',
  }));
  const rows = await w.db.insertInto('borrowings').values(loans).returning(['id', 'expected_return_date']).execute();
  return rows.map((r) => ({ id: r.id, due: r.expected_return_date })).sort((a, b) => a.due.localeCompare(b.due) || a.id - b.id);
}

describe('the daily overdue report in the staff chat', () => {
  it("is one message under 4096 characters with 320 overdue loans, and its button opens the console's paged Overdue list, whose loans open their cards", async () => {
    await linkStaff(w);
    const ordered = await manyOverdueLoans();

    const summary = await w.core.notices.overdueNotices(SYSTEM_ACTOR);
    expect(summary).toMatchObject({ overdue: 320, readers: 40, staffMessages: 1 });
    expect(await w.db.selectFrom('outbox').select('id').where('chat_id', '=', STAFF_CHAT_ID).execute()).toHaveLength(1);
    await dispatchOutbox(
      {
        db: w.db,
        api: w.bot.api,
        clock: w.clock,
        logger: silentLogger(),
        notices: createNoticeRenderer({ facts: createNoticeFacts(w.db) }),
      },
      { perChatIntervalMs: 10 },
    );

    const sent = w.tg.api.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === STAFF_CHAT_ID);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.ok).toBe(true);
    const [report] = staffMessages();
    expect(report!.html!.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(report!.text).toContain('320 in total, held by 40 readers');
    const listed = [...report!.text.matchAll(/^• #(\d+) /gm)].map((m) => Number(m[1]));
    expect(listed).toHaveLength(10);
    expect(listed).toEqual(ordered.slice(0, listed.length).map((l) => l.id));
    expect(report!.text).toContain(`…and ${320 - listed.length} more.`);
    expect(report!.text).toContain('/admin overdue');

    await w.press(STAFF_CHAT_ID, BUTTON, librarian);

    // The console's Overdue list (the screen /admin → Overdue shows), as one new message under the report.
    const after = staffMessages().slice(1);
    expect(after).toHaveLength(1);
    const list = after[0]!;
    expect(list.text).toBe('⚠ Overdue on 2026-03-10\nTap a loan to open its card.');
    expect(list.reply_to_message_id).toBe(report!.message_id);
    const labels = w.buttons(list).map((b) => b.text);
    expect(labels.slice(8)).toEqual(['Next ▸', '🏠 Console']);
    expect(labels.slice(0, 8).map((l) => Number(/^#(\d+) /.exec(l)?.[1]))).toEqual(ordered.slice(0, 8).map((l) => l.id));
    await w.press(STAFF_CHAT_ID, 'Next ▸', librarian);
    expect(
      w
        .buttons(w.last(STAFF_CHAT_ID))
        .slice(0, 8)
        .map((b) => Number(/^#(\d+) /.exec(b.text)?.[1])),
    ).toEqual(ordered.slice(8, 16).map((l) => l.id));
    await w.press(STAFF_CHAT_ID, w.buttons(w.last(STAFF_CHAT_ID))[0]!.text, librarian);
    expect(w.last(STAFF_CHAT_ID).message_id).toBe(list.message_id);
    expect(w.last(STAFF_CHAT_ID).text).toContain(`📄 Borrowing #${ordered[8]!.id}`);
    // The report keeps its button for a later look.
    expect(
      w.buttons(w.tg.api.transcript(STAFF_CHAT_ID).find((m) => m.message_id === report!.message_id)).map((b) => b.text),
    ).toEqual([BUTTON]);
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);
    expect(w.errors()).toEqual([]);
  });

  it('a report sent before this change (its button "adm:o") opens the same console list', async () => {
    await linkStaff(w);
    const ordered = await manyOverdueLoans();
    const old = await w.bot.api.sendMessage(STAFF_CHAT_ID, 'An older report', {
      reply_markup: { inline_keyboard: [[{ text: BUTTON, callback_data: 'adm:o' }]] },
    });
    await w.press(STAFF_CHAT_ID, BUTTON, librarian);
    const list = w.last(STAFF_CHAT_ID);
    expect(list.message_id).not.toBe(old.message_id);
    expect(list.text).toBe('⚠ Overdue on 2026-03-10\nTap a loan to open its card.');
    expect(Number(/^#(\d+) /.exec(w.buttons(list)[0]!.text)?.[1])).toBe(ordered[0]!.id);
    expect(w.errors()).toEqual([]);
  });

  it('answers a reader who presses it with the staff-only refusal', async () => {
    await linkStaff(w);
    await manyOverdueLoans();
    await w.core.notices.overdueNotices(SYSTEM_ACTOR);
    await dispatchOutbox(
      {
        db: w.db,
        api: w.bot.api,
        clock: w.clock,
        logger: silentLogger(),
        notices: createNoticeRenderer({ facts: createNoticeFacts(w.db) }),
      },
      { perChatIntervalMs: 10 },
    );
    await w.send(ann, '/start');
    w.tg.api.pressButtonByLabel({ chatId: STAFF_CHAT_ID, label: BUTTON, from: ann });
    await w.drain();
    expect(w.tg.api.callbacksAnswered.at(-1)).toMatchObject({
      show_alert: true,
      text: 'Sorry, this command is only for library staff in the staff chat.',
    });
    expect(staffMessages()).toHaveLength(1);
  });
});

describe('rendering the report', () => {
  it('keeps the report under 4096 characters whatever the names and titles', () => {
    const r = createRenderer();
    // Escaping makes "&" five characters: cutting before escaping would not bound the line.
    const worst = Array.from({ length: 10 }, (_, i) => ({
      borrowing_id: 900_000_000 + i,
      reader: '&'.repeat(255),
      book: '<'.repeat(255),
      due: '2026-01-01',
      days: 99_999,
    }));
    for (const lang of ['en', 'uk']) {
      const { text, reply_markup } = r.render({
        kind: 'staff.overdue_report',
        language: lang,
        payload: { date: '2026-03-02', total: 9_999_999, readers: 9_999_999, oldest: worst },
      });
      expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(text).toContain('#900000000 ');
      expect(text).not.toMatch(/&[a-z]*…/); // never cut inside an entity
      expect(reply_markup).toBeDefined();
    }
  });

  it('renders a report queued before it became one message (a multi-part payload)', () => {
    const r = createRenderer();
    const loans = [{ borrowing_id: 3, reader: 'Old', book: 'Row', due: '2026-03-01', days: 2 }];
    const m = r.render({
      kind: 'staff.overdue_report',
      language: 'en',
      payload: { date: '2026-03-03', part: 1, parts: 2, total: 40, loans },
    });
    expect(m.text).toContain('<b>Overdue borrowings on 2026-03-03</b>: 40 in total\n');
    expect(m.text).toContain('#3 Old — Row, due 2026-03-01, 2 days overdue');
    expect(m.text).toContain('…and 39 more.');
  });
});
