// A failed Bot API call is logged by its method, error code, description and update id — never
// by its payload (texts, checkout URLs, keyboards). The logs are captured from pino as written.
import { Writable } from 'node:stream';
import { GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { createLogger, errorForLog } from '../../logger.js';
import { addBooks, ann, captureLogger, type LogEntry, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { readerId } = readerSteps(w);

async function checkoutUrlsOf(tgId: number): Promise<string[]> {
  const rows = await w.db
    .selectFrom('payments')
    .select('session_url')
    .where('user_id', '=', await readerId(tgId))
    .execute();
  return rows.map((r) => r.session_url!).filter(Boolean);
}

describe('the bot logs failed Bot API calls without their payload', () => {
  it('logs method, error code, description and update id, but not the checkout URL the call carried', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '7 days');
    // The edit that shows "You borrowed … Pay" with the checkout link fails.
    w.tg.api.failNext('editMessageText', 1, { status: 400, description: 'Bad Request: BUTTON_URL_INVALID' });
    await w.press(ann.id, '✅ Confirm');

    const [url] = await checkoutUrlsOf(ann.id);
    expect(url, 'the borrowing and its checkout session exist').toMatch(/^http/);
    const failure = w.logs.find((l) => l.msg === 'bot: update failed');
    expect(failure).toMatchObject({
      level: 50,
      update_id: expect.any(Number),
      chat_id: ann.id,
      err: { type: 'GrammyError', method: 'editMessageText', error_code: 400, description: 'Bad Request: BUTTON_URL_INVALID' },
    });
    const all = JSON.stringify(w.logs);
    expect(all).not.toContain(url);
    expect(all).not.toContain('checkout');
    expect(all).not.toContain('You borrowed');
    expect(all).not.toContain('inline_keyboard');
    // The reader is told, and the press (answered inside the conversation) is not answered twice.
    expect(w.last(ann.id).text).toBe('Something went wrong, please try again.');
    expect(w.logs.filter((l) => l.level >= 40)).toHaveLength(1);
  });

  it('the outbox dispatcher logs a failed notification by its error, not by the pay link it carried', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Emma', author: 'Jane Austen' }));
    await w.send(ann, '/start');
    await w.core.borrowings.borrow(
      { userId: await readerId(ann.id), isStaff: false },
      { book_id: (await w.core.books.list({})).results[0]!.id, expected_return_date: '2026-03-20' },
    );
    const [url] = await checkoutUrlsOf(ann.id);
    expect(url).toMatch(/^http/);
    w.tg.api.failNext('sendMessage', 10, { status: 400, description: 'Bad Request: chat not found' });
    const logs: LogEntry[] = [];
    const summary = await dispatchOutbox(
      {
        db: w.db,
        api: w.bot.api,
        clock: w.clock,
        logger: captureLogger(logs),
        notices: createNoticeRenderer({ facts: createNoticeFacts(w.db) }),
      },
      { perChatIntervalMs: 0, globalPerSecond: 1000 },
    );
    expect(summary.failed).toBeGreaterThan(0);
    expect(logs.find((l) => l.msg === 'notification failed permanently')).toMatchObject({
      error: '400 Bad Request: chat not found',
    });
    expect(JSON.stringify(logs)).not.toContain(url);
  });
});

describe('errorForLog, also the serializer of the service logger', () => {
  const failed = new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    'sendMessage',
    {
      chat_id: 1,
      text: 'Pay here',
      reply_markup: { inline_keyboard: [[{ text: 'Pay', url: 'https://checkout.stripe.com/c/pay/cs_secret' }]] },
    },
  );

  it("keeps a GrammyError's method, code and description only", () => {
    expect(errorForLog(failed)).toEqual({
      type: 'GrammyError',
      method: 'sendMessage',
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
  });

  it('is what the service logger writes for any `err`', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const serviceLogger = createLogger('info', stream);
    serviceLogger.error({ err: failed }, 'boom');
    expect(lines.join('')).toContain('"method":"sendMessage"');
    expect(lines.join('')).not.toContain('cs_secret');
  });
});
