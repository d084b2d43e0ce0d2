// The fake's answers in Open Library's shapes: the Books API's `jscmd=data` entry, an edition
// record, an author record. Addresses inside them (covers, pages) are built from the request's
// own root, so the fake works standalone and mounted under /sandbox/openlibrary alike.
import type { FixtureEdition } from './fixtures.js';

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');

/** The Books API's entry for an edition (jscmd=data), as openlibrary.org writes it. */
export function booksApiEntry(e: FixtureEdition, root: string): Record<string, unknown> {
  const cover = (size: 'S' | 'M' | 'L') =>
    e.booksApiCover === 'isbn' ? `${root}/b/isbn/${e.isbn13}-${size}.jpg` : `${root}/b/id/${e.coverId}-${size}.jpg`;
  return {
    url: `${root}/books/${e.olid}/${slug(e.title)}`,
    key: `/books/${e.olid}`,
    title: e.title,
    ...(e.subtitle ? { subtitle: e.subtitle } : {}),
    authors: e.authors.map((a) => ({ url: `${root}/authors/${a.olid}/${slug(a.name)}`, name: a.name })),
    ...(e.pages ? { number_of_pages: e.pages, pagination: `${e.pages} p.` } : {}),
    identifiers: { isbn_13: [e.isbn13], ...(e.isbn10 ? { isbn_10: [e.isbn10] } : {}), openlibrary: [e.olid] },
    publishers: e.publishers.map((name) => ({ name })),
    publish_date: e.publish_date,
    ...(e.coverId !== undefined ? { cover: { small: cover('S'), medium: cover('M'), large: cover('L') } } : {}),
  };
}

/** The Books API's default answer (jscmd=viewapi): links only. */
export function viewApiEntry(e: FixtureEdition, bibkey: string, root: string): Record<string, unknown> {
  return {
    bib_key: bibkey,
    info_url: `${root}/books/${e.olid}/${slug(e.title)}`,
    preview: 'noview',
    preview_url: `${root}/books/${e.olid}/${slug(e.title)}`,
    ...(e.coverId !== undefined ? { thumbnail_url: `${root}/b/id/${e.coverId}-S.jpg` } : {}),
  };
}

const stamp = (value: string) => ({ type: '/type/datetime', value });

/** An edition record (/books/OL…M.json): authors by key only, covers by id, -1 for none. */
export function editionRecord(e: FixtureEdition): Record<string, unknown> {
  return {
    key: `/books/${e.olid}`,
    type: { key: '/type/edition' },
    title: e.title,
    ...(e.subtitle ? { subtitle: e.subtitle } : {}),
    authors: e.authors.map((a) => ({ key: `/authors/${a.olid}` })),
    publishers: e.publishers,
    publish_date: e.publish_date,
    ...(e.pages ? { number_of_pages: e.pages } : {}),
    covers: [e.coverId ?? -1],
    isbn_13: [e.isbn13],
    ...(e.isbn10 ? { isbn_10: [e.isbn10] } : {}),
    works: [{ key: `/works/${e.olid.replace(/M$/, 'W')}` }],
    latest_revision: 4,
    revision: 4,
    created: stamp('2008-04-01T03:28:50.625462'),
    last_modified: stamp('2024-11-02T17:04:12.113205'),
  };
}

export function authorRecord(olid: string, name: string): Record<string, unknown> {
  return {
    key: `/authors/${olid}`,
    type: { key: '/type/author' },
    name,
    personal_name: name,
    latest_revision: 2,
    revision: 2,
    last_modified: stamp('2023-09-12T08:15:40.118211'),
  };
}

/**
 * The same record with fields of the wrong type: text becomes a number, numbers text, lists
 * objects, objects lists. `fields` limits it to those names (all but `key` by default).
 */
export function scramble(record: Record<string, unknown>, fields?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === 'key' || (fields && !fields.includes(k))) {
      out[k] = v;
      continue;
    }
    if (typeof v === 'string') out[k] = v.length;
    else if (typeof v === 'number') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = { items: v };
    else if (v !== null && typeof v === 'object') out[k] = [v];
    else out[k] = 'true';
  }
  return out;
}
