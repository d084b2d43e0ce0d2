// Every button press is answered exactly once (issue 13, item 1): a handler that answers with an
// alert is not answered again by the menu plugin (Telegram answers a second answer with a 400,
// which the reader saw as "Something went wrong"), and a button that only edits its message is
// answered once the update is done.
import { describe, expect, it } from 'vitest';
import { addBooks, ann, olena, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { borrowFromCard } = readerSteps(w);

/** Presses so far in a chat, and the answers they got: one each, never two. */
function expectEachPressAnsweredOnce(chatId: number) {
  const presses = w.tg.api.calls.filter((c) => c.method === 'answerCallbackQuery');
  const answers = w.tg.api.callbacksAnswered.filter((a) => a.chatId === chatId);
  const ids = answers.map((a) => a.id);
  expect(new Set(ids).size, 'no press answered twice').toBe(ids.length);
  expect(
    presses.filter((c) => !c.ok),
    'no answer refused by Telegram',
  ).toEqual([]);
  return answers;
}

describe('a press is answered exactly once', () => {
  it('"Join the queue" and leaving it again are answered once each, in both languages', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 0 }));
    for (const [who, join, joined, leave, yes] of [
      [
        ann,
        '⏳ Join the queue (you would be #1)',
        'You joined the queue for “Dune”: you are #1.',
        '✖ Leave the queue',
        '✅ Yes, cancel it',
      ],
      [olena, '⏳ Стати в чергу (ви будете №2)', 'Ви стали в чергу на «Dune»: ви №2.', '✖ Вийти з черги', '✅ Так, скасувати'],
    ] as const) {
      await w.send(who, '/catalogue');
      await w.press(who.id, '⛔ Dune · Frank Herbert');
      const card = w.last(who.id);
      await w.press(who.id, join);
      expect(w.last(who.id).text).toContain(joined);
      await w.press(who.id, leave);
      await w.press(who.id, yes);
      await w.press(who.id, join);
      // One message edited in place, and no "Something went wrong" follows.
      expect(w.last(who.id).message_id).toBe(card.message_id);
      expect(
        w.tg.api
          .transcript(who.id)
          .filter((m) => m.from === 'bot')
          .map((m) => m.text)
          .join('\n'),
      ).not.toMatch(/Something went wrong|Щось пішло не так/);
      expectEachPressAnsweredOnce(who.id);
    }
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);
    expect(w.errors()).toEqual([]);
  });

  it('every menu button of a reader tour is answered once', async () => {
    await addBooks(w.core, 10, (i) => ({ title: `Book ${i}`, author: 'A', inventory: i === 0 ? 0 : 2 }));
    await w.send(ann, '/start');
    const tour = [
      '📚 Catalogue',
      'Next ▶',
      '◀ Prev',
      '⛔ Book 0 · A',
      '« Back',
      'Book 1 · A',
      '« Main menu',
      '📖 My books',
      '🔄 Refresh',
      '« Main menu',
      '🌐 Language',
      'Українська',
      '🌐 Мова',
      'English',
      '❓ Help',
      '« Main menu',
    ];
    for (const label of tour) await w.press(ann.id, label);
    await borrowFromCard('Book 2', 'A', '3 days');
    await w.press(ann.id, '📖 My books');
    await w.press(ann.id, '↩ Return “Book 2”');
    await w.press(ann.id, '« Back');
    await w.press(ann.id, '↩ Return “Book 2”');
    await w.press(ann.id, '✅ Yes, return it');
    const answers = expectEachPressAnsweredOnce(ann.id);
    expect(answers).toHaveLength(tour.length + 4 + 5);
    // Refresh with nothing changed is "not modified", which the bot takes as done.
    expect(w.tg.api.calls.filter((c) => !c.ok && !/not modified/.test(c.description ?? ''))).toEqual([]);
    expect(w.errors()).toEqual([]);
  });
});
