// core/stock is the one writer of a book's counters (docs/architecture.md, "Who writes what"):
// no other file of core/, and no door, updates books.inventory, books.held or books.waiting, or
// writes the copies table. A rule the code must keep, checked on the source text.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const ROOMS = ['core', 'api', 'bot', 'jobs', 'sandbox', 'scripts', 'gateways', 'media'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Each statement that updates or inserts into `table`, as written (up to its execute). */
function writesTo(text: string, table: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`(updateTable|insertInto)\\(\\s*'${table}'`, 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = text.indexOf('.execute', m.index);
    found.push(text.slice(m.index, end === -1 ? m.index + 400 : end));
  }
  return found;
}

const COUNTERS = /\b(inventory|held|waiting)\b/;
const files = ROOMS.flatMap((room) => (fs.existsSync(path.join(REPO, room)) ? sources(path.join(REPO, room)) : []));

describe("a book's counters and copies have one writer, core/stock", () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.includes(`${path.sep}stock${path.sep}`))).toBe(true);
  });

  it('no file outside core/stock moves inventory, held or waiting on books (a new book starts at 0)', () => {
    const offenders = files
      .filter((f) => !f.includes(`core${path.sep}stock${path.sep}`))
      .flatMap((f) =>
        writesTo(fs.readFileSync(f, 'utf8'), 'books')
          .filter((statement) => statement.startsWith('updateTable'))
          .filter((statement) => COUNTERS.test(statement))
          .map((statement) => `${path.relative(REPO, f)}: ${statement.slice(0, 120)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('no file outside core/stock writes the copies table', () => {
    const offenders = files
      .filter((f) => !f.includes(`core${path.sep}stock${path.sep}`))
      .filter((f) => writesTo(fs.readFileSync(f, 'utf8'), 'copies').length > 0)
      .map((f) => path.relative(REPO, f));
    expect(offenders).toEqual([]);
  });

  it('would catch a write outside core/stock (the check itself)', () => {
    const sample = "await trx.updateTable('books').set({ inventory: sql`inventory + 1` }).where('id', '=', id).execute();";
    expect(writesTo(sample, 'books').filter((s) => COUNTERS.test(s))).toHaveLength(1);
    expect(writesTo("await db.insertInto('copies').values(rows).execute();", 'copies')).toHaveLength(1);
  });
});
