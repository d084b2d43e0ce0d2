// A book's queue for staff (issue 14, SPEC §11): `/admin holds <book id or search>` lists it — the
// copies set aside with their pick-up deadlines, then the readers waiting in order — and the staff
// console's book card shows the count and the first few names. Through the fake Bot API with the
// real grammY client.
import { beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import {
  addBooks,
  ann,
  bob,
  librarian,
  linkStaff,
  olena,
  readerSteps,
  STAFF_CHAT_ID,
  staffChat,
  useBotWorld,
} from '../helpers/bot.js';

const { world: w } = useBotWorld({ env: { LIBRARY_TIMEZONE: 'Europe/Kyiv' } });
const { readerId, payAll } = readerSteps(w);
const staffText = () => w.last(STAFF_CHAT_ID).text;
const staffLabels = () => w.buttons(w.last(STAFF_CHAT_ID)).map((b) => b.text);
const actor = async (who: typeof ann) => ({ userId: await readerId(who.id), isStaff: false });
const carol = { id: 1004, first_name: 'Carol', language_code: 'en' };
const dan = { id: 1005, first_name: 'Dan', username: 'dan_d', language_code: 'en' };

/** Moby-Dick with its one copy lent to Bob, Ann's hold READY (Bob returned a second copy), and Olena, Carol and Dan waiting. */
async function queue() {
  for (const who of [ann, bob, olena, carol, dan]) await w.send(who, '/start');
  const [book] = await addBooks(w.core, 1, () => ({ title: 'Moby-Dick', author: 'Herman Melville', inventory: 2 }));
  const first = await w.core.borrowings.borrow(await actor(bob), { book_id: book!.id, expected_return_date: '2026-03-17' });
  await payAll(bob.id);
  await w.core.borrowings.borrow(await actor(bob), { book_id: book!.id, expected_return_date: '2026-03-17' });
  await w.core.holds.place(await actor(ann), { book_id: book!.id });
  w.clock.advance(60_000);
  for (const who of [olena, carol, dan]) await w.core.holds.place(await actor(who), { book_id: book!.id });
  await w.core.borrowings.returnBook(SYSTEM_ACTOR, first.borrowing.id);
  return book!;
}

beforeEach(async () => {
  await linkStaff(w);
});

describe('/admin holds <book>', () => {
  it('by book id: the copy set aside with its deadline, then the readers waiting in order', async () => {
    const book = await queue();
    const annId = await readerId(ann.id);
    await w.send(librarian, `/admin holds ${book.id}`, staffChat);
    expect(staffText()).toBe(
      `⏳ Queue for “Moby-Dick” (#${book.id})\n` +
        'Queue: 1 set aside · 3 waiting\n' +
        `📗 Ann Reader (@ann_reads, #${annId}) — copy set aside until 2026-03-12 12:01 (Europe/Kyiv)\n` +
        `1. Олена (@olena, #${await readerId(olena.id)}) — waiting since 2026-03-10\n` +
        `2. Carol (#${await readerId(carol.id)}) — waiting since 2026-03-10\n` +
        `3. Dan (@dan_d, #${await readerId(dan.id)}) — waiting since 2026-03-10`,
    );
    await w.send(librarian, `/admin_holds #${book.id}`, staffChat);
    expect(staffText()).toContain('📗 Ann Reader');
    expect(w.errors()).toEqual([]);
  });

  it('by words: one book found shows its queue; several are offered as buttons onto their cards; none is said', async () => {
    const book = await queue();
    await addBooks(w.core, 2, (i) => ({ title: ['Dune', 'Dune Messiah'][i]!, author: 'Frank Herbert' }));
    await w.send(librarian, '/admin holds moby', staffChat);
    expect(staffText()).toMatch(/^⏳ Queue for “Moby-Dick” \(#\d+\)\nQueue: 1 set aside · 3 waiting/);
    await w.send(librarian, '/admin holds dune', staffChat);
    expect(staffText()).toBe('⏳ Books matching “dune” — tap one to see its queue:');
    expect(staffLabels()).toEqual([
      expect.stringMatching(/^#\d+ Dune · 0 waiting$/),
      expect.stringMatching(/^#\d+ Dune Messiah · 0 waiting$/),
    ]);
    await w.press(STAFF_CHAT_ID, staffLabels()[0]!, librarian);
    expect(staffText()).toMatch(/^📖 Dune \(#\d+\)\n[\s\S]*\nQueue: nobody is waiting\.$/);
    await w.send(librarian, '/admin holds nothing-like-it', staffChat);
    expect(staffText()).toBe('No books match “nothing-like-it”.');
    await w.send(librarian, '/admin holds', staffChat);
    expect(staffText()).toBe('Usage: /admin holds <book id | text>');
    expect(book.id).toBeGreaterThan(0);
  });

  it('a book nobody waits for', async () => {
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Emma', author: 'Jane Austen' }));
    await w.send(librarian, `/admin holds ${book!.id}`, staffChat);
    expect(staffText()).toBe(`⏳ Queue for “Emma” (#${book!.id})\nNobody is waiting for this book, and no copy is set aside.`);
  });

  it('is refused to readers, and outside the staff chat', async () => {
    const book = await queue();
    await w.send(ann, `/admin holds ${book.id}`);
    expect(w.last(ann.id).text).toBe('Sorry, this command is only for library staff in the staff chat.');
    await w.send(bob, `/admin holds ${book.id}`, staffChat);
    expect(staffText()).toBe('Sorry, this command is only for library staff in the staff chat.');
    await expect(w.core.holds.queue(await actor(ann), book.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("the console's book card", () => {
  it('shows its queue: the count and the first few names, READY holds with their deadline', async () => {
    const book = await queue();
    await w.send(librarian, '/admin', staffChat);
    await w.press(STAFF_CHAT_ID, '🔎 Find a book', librarian);
    await w.send(librarian, 'moby', staffChat);
    await w.press(STAFF_CHAT_ID, `#${book.id} Moby-Dick · Herman Melville · 1 copy on the shelf`, librarian);
    expect(staffText()).toBe(
      `📖 Moby-Dick (#${book.id})\nHerman Melville · Softcover · 1.00 USD/day\nOn the shelf: 0 · 1 set aside for a reader · on loan: 1\n` +
        'Queue: 1 set aside · 3 waiting\n' +
        `📗 Ann Reader (@ann_reads, #${await readerId(ann.id)}) — copy set aside until 2026-03-12 12:01 (Europe/Kyiv)\n` +
        `1. Олена (@olena, #${await readerId(olena.id)}) — waiting since 2026-03-10\n` +
        `2. Carol (#${await readerId(carol.id)}) — waiting since 2026-03-10\n` +
        `…and 1 more: /admin holds ${book.id}`,
    );
    // The set-aside copy keeps the shelf from going below it.
    await w.press(STAFF_CHAT_ID, '➖ 1 copy', librarian);
    expect(staffText()).toMatch(
      /^1 copy is set aside for readers whose holds are ready: the shelf cannot go below that\.\n\n📖 Moby-Dick/,
    );
    expect(w.errors()).toEqual([]);
  });
});
