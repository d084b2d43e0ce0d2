// The callback_data formats of the bot's own buttons (bot/callbacks.ts): each builder's value
// parses back to what it was built from, no parser takes another format's value, and nothing
// over Telegram's 64 bytes is ever built.
import { describe, expect, it } from 'vitest';
import {
  addBookCallback,
  adminListCallback,
  borrowCallback,
  consoleCallback,
  coverCallback,
  LINK_CANCEL_CALLBACK,
  linkCallback,
  MAX_CALLBACK_DATA_BYTES,
  payCallback,
  screenCallback,
} from '../../bot/callbacks.js';

const formats = {
  payCallback,
  adminListCallback,
  screenCallback,
  borrowCallback,
  linkCallback,
  coverCallback,
  addBookCallback,
  consoleCallback,
};

const built: [keyof typeof formats, string, unknown][] = [
  ['payCallback', payCallback.data(42), 42],
  ['adminListCallback', adminListCallback.data({ list: 'overdue' }), { list: 'overdue' }],
  [
    'adminListCallback',
    adminListCallback.data({ list: 'overdue', after: ['2026-03-01', 7] }),
    { list: 'overdue', after: ['2026-03-01', 7] },
  ],
  ['adminListCallback', adminListCallback.data({ list: 'active', before: 99 }), { list: 'active', before: 99 }],
  [
    'adminListCallback',
    adminListCallback.data({ list: 'loans', userId: 5, before: 12 }),
    { list: 'loans', userId: 5, before: 12 },
  ],
  ['screenCallback', screenCallback.data({ screen: 'y' }), { screen: 'y' }],
  ['screenCallback', screenCallback.data({ screen: 'b', bookId: 314 }), { screen: 'b', bookId: 314 }],
  ['borrowCallback', borrowCallback.data({ days: 14 }), { days: 14 }],
  ['borrowCallback', borrowCallback.data({ answer: 'confirm' }), { answer: 'confirm' }],
  ['borrowCallback', borrowCallback.data({ answer: 'back' }), { answer: 'back' }],
  ['borrowCallback', borrowCallback.data({ answer: 'cancel' }), { answer: 'cancel' }],
  ['linkCallback', linkCallback.data('a'.repeat(32)), 'a'.repeat(32)],
  ['coverCallback', coverCallback.data('HARD'), 'HARD'],
  ['addBookCallback', addBookCallback.data('add'), 'add'],
  ['addBookCallback', addBookCallback.data('cancel'), 'cancel'],
  ...(
    [
      { screen: 'home' },
      { screen: 'stats' },
      { screen: 'findBook' },
      { screen: 'findReader' },
      { screen: 'addBook' },
      { screen: 'active' },
      { screen: 'active', before: 999_999_999_999_999 },
      { screen: 'overdue' },
      { screen: 'overdue', after: ['2026-03-01', 999_999_999_999_999] },
      { screen: 'readerLoans', userId: 999_999_999_999_999 },
      { screen: 'readerLoans', userId: 999_999_999_999_999, before: 999_999_999_999_999 },
      { screen: 'loan', borrowingId: 4 },
      { screen: 'loan', borrowingId: 4, fresh: true },
      { screen: 'remind', borrowingId: 4 },
      { screen: 'book', bookId: 2 },
      { screen: 'return', borrowingId: 4, confirmed: false },
      { screen: 'return', borrowingId: 4, confirmed: true },
      { screen: 'refund', paymentId: 8, confirmed: false },
      { screen: 'refund', paymentId: 8, confirmed: true },
      { screen: 'inventory', bookId: 999_999_999_999_999, inventory: 1_000_000 },
      { screen: 'open', list: 'home' },
      { screen: 'open', list: 'active' },
      { screen: 'open', list: 'overdue' },
    ] as const
  ).map(
    (target) => ['consoleCallback', consoleCallback.data(target as never), target] as [keyof typeof formats, string, unknown],
  ),
];

describe('callback_data formats', () => {
  it('parse back what they built, and nothing of another format', () => {
    for (const [name, data, value] of built) {
      expect(formats[name].parse(data), data).toEqual(value);
      for (const [other, format] of Object.entries(formats))
        if (other !== name) expect(format.parse(data), `${other} ← ${data}`).toBeUndefined();
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
    }
    for (const format of Object.values(formats)) expect(format.parse(LINK_CANCEL_CALLBACK)).toBeUndefined();
  });

  it('keep the values buttons already sent carry', () => {
    // Notices wait in the outbox and messages stay in chats: old buttons must still parse.
    expect(payCallback.data(42)).toBe('pay:42');
    expect(adminListCallback.data({ list: 'overdue' })).toBe('adm:o');
    expect(adminListCallback.data({ list: 'overdue', after: ['2026-03-01', 7] })).toBe('adm:o:2026-03-01:7');
    expect(screenCallback.data({ screen: 'b', bookId: 3 })).toBe('go:b:3');
    expect(borrowCallback.data({ days: 7 })).toBe('brw:d:7');
  });

  it('refuse to build anything over 64 bytes, and say whether a link code fits', () => {
    expect(() => linkCallback.data('x'.repeat(62))).toThrow(/over 64 bytes/);
    expect(linkCallback.carries('x'.repeat(61))).toBe(true);
    expect(linkCallback.carries('x'.repeat(62))).toBe(false);
    expect(linkCallback.carries('not a code!')).toBe(false);
  });

  it('refuse malformed values', () => {
    for (const data of [
      'pay:',
      'pay:1x',
      'adm:a:',
      'adm:o:2026-3-1:1',
      'adm:l:1',
      'go:b:',
      'go:z',
      'brw:d:',
      'brw:yes',
      'lk:',
      'ab:hard',
    ]) {
      for (const format of Object.values(formats)) expect(format.parse(data), data).toBeUndefined();
    }
  });
});
