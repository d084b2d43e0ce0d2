// Every kind of notice is rendered, and worded in every language of i18n/locales/: a sample payload
// per kind (typed against core's NoticePayloads, so a new kind needs one here to compile) rendered in
// each language, with and without money owed or paid, and no message may be missing from any
// catalogue (English standing in for a missing Ukrainian text counts as missing).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRenderer, type RenderFacts } from '../../bot/notice-renderer.js';
import type { NoticePayloads, NotificationKind } from '../../core/notices/index.js';
import { type MissingMessage, onMissingMessage, t } from '../../i18n/index.js';
import { parseTelegramHtml } from '../../sandbox/telegram/fake-bot-api.js';

const loan = {
  borrowing_id: 41,
  book_title: 'Kobzar <1840>',
  book_author: 'Taras Shevchenko',
  reader: 'Ann Reader',
  reader_username: 'ann',
  expected_return_date: '2026-03-20',
};

const SAMPLES: { [K in NotificationKind]: NoticePayloads[K] } = {
  'staff.borrowing_created': { ...loan, payment_id: 11, borrow_date: '2026-03-06', rent: '1.40' },
  'staff.borrowing_extended': { ...loan, payment_id: 12, renewal: 1, previous_return_date: '2026-03-13', rent: '0.70' },
  'staff.borrowing_returned': {
    ...loan,
    actual_return_date: '2026-03-22',
    overdue_days: 2,
    fine: '0.80',
    fine_payment_id: 13,
  },
  'staff.payment_received': { ...loan, payment_id: 11, type: 'PAYMENT', renewal: 0, amount: '1.40' },
  'staff.overdue_report': {
    date: '2026-03-22',
    total: 3,
    readers: 2,
    oldest: [{ borrowing_id: 41, reader: 'Ann Reader (@ann)', book: 'Kobzar', due: '2026-03-20', days: 2 }],
  },
  'staff.digest': {
    total: 30,
    counts: {
      'staff.borrowing_created': 10,
      'staff.borrowing_extended': 5,
      'staff.borrowing_returned': 10,
      'staff.payment_received': 5,
    },
    first: [
      { kind: 'staff.borrowing_created', payload: { ...loan, rent: '1.40' } },
      { kind: 'staff.borrowing_extended', payload: { ...loan, renewal: 1 } },
      { kind: 'staff.borrowing_returned', payload: { ...loan, overdue_days: 0 } },
      { kind: 'staff.payment_received', payload: { ...loan, type: 'FINE', amount: '0.80' } },
    ],
    first_id: 100,
    last_id: 129,
  },
  'reader.borrowing_confirmed': { ...loan, payment_id: 11, borrow_date: '2026-03-06', rent: '1.40' },
  'reader.borrowing_extended': { ...loan, payment_id: 12, renewal: 1, previous_return_date: '2026-03-13', rent: '0.70' },
  'reader.payment_received': { ...loan, payment_id: 11, type: 'PAYMENT', renewal: 0, amount: '1.40' },
  'reader.due_soon': { ...loan, days_left: 2, holds_waiting: 0 },
  'reader.overdue': { ...loan, overdue_days: 3, fine_per_day_cents: 20, fine_so_far_cents: 60 },
  'reader.fine_created': { ...loan, actual_return_date: '2026-03-22', overdue_days: 2, fine: '0.80', fine_payment_id: 13 },
  'reader.returned_by_staff': {
    ...loan,
    actual_return_date: '2026-03-22',
    overdue_days: 2,
    fine: '0.80',
    fine_payment_id: 13,
  },
  'reader.payment_refunded': { ...loan, payment_id: 11, type: 'PAYMENT', renewal: 0, amount: '1.40' },
  'reader.payment_expired': { ...loan, payment_id: 12, type: 'PAYMENT', renewal: 1, amount: '0.70' },
  'reader.hold_ready': {
    hold_id: 7,
    book_id: 3,
    book_title: 'Kobzar',
    book_author: 'Taras Shevchenko',
    ready_until: '2026-03-24T10:00:00.000Z',
    ready_until_local: '2026-03-24 12:00',
  },
  'reader.hold_expired': {
    hold_id: 7,
    book_id: 3,
    book_title: 'Kobzar',
    book_author: 'Taras Shevchenko',
    ready_until: '2026-03-24T10:00:00.000Z',
  },
  'reader.telegram_replaced': { email: 'a•••@example.com', telegram_first_name: 'Mallory', telegram_username: 'mal' },
  'reader.telegram_unlinked': { email: 'a•••@example.com' },
  'edit.pay_button': { payment_id: 11, message_id: 500 },
};

/** The other branches of some kinds' wording: nobody late, readers waiting, nobody overdue. */
const VARIANTS: { [K in NotificationKind]?: NoticePayloads[K][] } = {
  'staff.borrowing_returned': [{ ...SAMPLES['staff.borrowing_returned'], overdue_days: 0, fine: null, fine_payment_id: null }],
  'reader.returned_by_staff': [{ ...SAMPLES['reader.returned_by_staff'], overdue_days: 0, fine: null, fine_payment_id: null }],
  'reader.due_soon': [{ ...SAMPLES['reader.due_soon'], holds_waiting: 2 }],
  'staff.overdue_report': [{ date: '2026-03-22', total: 0, readers: 0, oldest: [] }],
  'staff.payment_received': [{ ...SAMPLES['staff.payment_received'], type: 'FINE' }],
};

const CHAT = 9001;
const markup = JSON.stringify({
  inline_keyboard: [[{ text: 'Pay', callback_data: 'pay:11' }], [{ text: 'My books', callback_data: 'go:y' }]],
});
/** Money owed at send time (Pay buttons, "still to pay"), and every payment paid since (the "already paid" notes). */
const FACTS: Record<string, RenderFacts> = {
  none: {},
  owing: {
    payments: new Map([11, 12, 13].map((id) => [id, { id, status: 'PENDING', session_url: null }])),
    stillUnpaid: new Map([
      [
        11,
        [
          { id: 12, type: 'PAYMENT' as const, renewal: 1, amount: '0.70', title: 'Kobzar' },
          { id: 13, type: 'FINE' as const, renewal: 0, amount: '0.80', title: 'Kobzar' },
          { id: 14, type: 'PAYMENT' as const, renewal: 0, amount: '1.40', title: 'Kobzar' },
        ],
      ],
    ]),
    payMessages: new Map([[`${CHAT}:500`, { markup, payments: [{ id: 11, status: 'PENDING' }] }]]),
  },
  paid: {
    payments: new Map([11, 12, 13].map((id) => [id, { id, status: 'PAID', session_url: null }])),
    stillUnpaid: new Map([[11, []]]),
    payMessages: new Map([[`${CHAT}:500`, { markup, payments: [{ id: 11, status: 'PAID' }] }]]),
  },
};

const LOCALES = fs.readdirSync(path.resolve(import.meta.dirname, '../../i18n/locales'), { withFileTypes: true });
const languages = LOCALES.filter((e) => e.isDirectory()).map((e) => e.name);
const kinds = Object.keys(SAMPLES) as NotificationKind[];

describe('every kind of notice', () => {
  const { render, edit } = createRenderer();
  let missing: MissingMessage[] = [];
  let stop: () => void = () => {};
  beforeEach(() => {
    missing = [];
    stop = onMissingMessage((m) => missing.push(m));
  });
  afterEach(() => stop());

  it('is found missing when a text is missing from a catalogue', () => {
    expect(languages).toEqual(expect.arrayContaining(['en', 'uk']));
    t('uk', 'notify-no-such-text');
    expect(missing).toContainEqual({ language: 'uk', key: 'notify-no-such-text' });
  });

  it.each(kinds)('%s is rendered and worded in every language', (kind) => {
    const payloads: object[] = [SAMPLES[kind], ...(VARIANTS[kind] ?? [])];
    for (const language of languages) {
      for (const payload of payloads) {
        for (const [name, facts] of Object.entries(FACTS)) {
          const row = { chat_id: CHAT, kind, payload: JSON.stringify(payload), language };
          const where = `${kind} in ${language} (${name}): ${JSON.stringify(payload)}`;
          if (kind.startsWith('edit.')) {
            // An edit has no words: it changes a keyboard, here dropping the Pay button once paid.
            const done = edit(row, facts);
            expect(done === null ? null : done.message_id, where).toBe(name === 'none' ? null : 500);
            continue;
          }
          const message = render(row, facts);
          expect(message.text.length, where).toBeGreaterThan(0);
          expect(() => parseTelegramHtml(message.text), where).not.toThrow();
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
