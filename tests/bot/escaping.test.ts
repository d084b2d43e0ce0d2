// Text from people (titles, names, searches) reaches Telegram HTML through one escaping t()
// (i18n/): escaped exactly once wherever it shows — a menu, a card, a notice, a staff list —
// and shown as typed on a button, which Telegram does not parse as HTML.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import type { TranscriptEntry } from '../../sandbox/telegram/fake-bot-api.js';
import { addBooks, ann, librarian, linkStaff, STAFF_CHAT_ID, staffChat, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();

const TITLE = '<b>& "Co"';
const ESCAPED = '&lt;b&gt;&amp; &quot;Co&quot;';

/** Shown as typed, and its HTML source holds the title escaped once — never twice, never raw. */
function showsTitleOnce(m: TranscriptEntry) {
  expect(m.text).toContain(TITLE);
  expect(m.html).toContain(ESCAPED);
  expect(m.html).not.toContain('&amp;lt;');
  expect(m.html).not.toContain('&amp;amp;');
  expect(m.html).not.toContain(TITLE);
}

describe('a title full of HTML is escaped exactly once', () => {
  it('in the catalogue menu, the book card, my books and its button, the notice and the staff list', async () => {
    w.tg.api.registerChat(staffChat);
    await linkStaff(w);
    await addBooks(w.core, 1, () => ({ title: TITLE, author: 'Ann & <Bob>' }));

    await w.send(ann, TITLE);
    const results = w.last(ann.id);
    expect(results.text).toContain(`Results for “${TITLE}”`);
    expect(results.html).toContain(`Results for “${ESCAPED}”`);

    await w.press(ann.id, `${TITLE} · Ann & <Bob>`);
    const card = w.last(ann.id);
    showsTitleOnce(card);
    expect(card.text).toContain('Author: Ann & <Bob>');

    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '7 days');
    await w.press(ann.id, '✅ Confirm');
    showsTitleOnce(w.last(ann.id));

    await w.send(ann, '/mybooks');
    const mine = w.last(ann.id);
    showsTitleOnce(mine);
    expect(mine.text).toContain(`1. ${TITLE} — due`);
    expect(w.buttons(mine).map((b) => b.text)).toContain(`↩ Return “${TITLE}”`);

    await dispatchOutbox(
      {
        db: w.db,
        api: w.bot.api,
        clock: w.clock,
        logger: silentLogger(),
        notices: createNoticeRenderer({ facts: createNoticeFacts(w.db) }),
      },
      { perChatIntervalMs: 0, globalPerSecond: 1000 },
    );
    const staffNotice = w.tg.api
      .transcript(STAFF_CHAT_ID)
      .filter((m) => m.from === 'bot' && m.text.includes('New borrowing'))
      .at(-1)!;
    showsTitleOnce(staffNotice);

    await w.send(librarian, '/admin active', staffChat);
    const list = w.last(STAFF_CHAT_ID);
    showsTitleOnce(list);
    expect(list.text).toMatch(
      new RegExp(`^📋 Active borrowings\\n#\\d+ ${TITLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — Ann Reader`),
    );
    expect(w.errors()).toEqual([]);
  });

  it('in a reader name and a search in the staff chat', async () => {
    w.tg.api.registerChat(staffChat);
    await linkStaff(w);
    const odd = { id: 1099, first_name: '<i>Eve', last_name: '& Co', username: 'eve_odd', language_code: 'en' };
    await w.send(odd, '/start');
    expect(w.last(odd.id).text).toContain('Hello, <i>Eve & Co!');
    expect(w.last(odd.id).html).toContain('Hello, &lt;i&gt;Eve &amp; Co!');

    await w.send(librarian, '/admin find <b>&', staffChat);
    expect(w.last(STAFF_CHAT_ID).text).toBe('No books match “<b>&”.');
    await w.send(librarian, '/admin loans @eve_odd', staffChat);
    expect(w.last(STAFF_CHAT_ID).text).toBe('This reader has no loans.');
    expect(w.errors()).toEqual([]);
  });
});
