// Reading Open Library's answers. Its data is crowd-edited: any field may be missing, null, or of
// another type than usual. Each field is checked on its own, and a field of the wrong type counts
// as absent — one odd field never costs the rest of the answer, and never throws.
import { z } from 'zod';

/**
 * Text from outside made safe to hand on: breaks become spaces; other controls, the bidi
 * controls, the zero-width space and the byte-order mark go (the characters the service's text
 * fields refuse); then NFC, single spaces, trimmed. Core cleans again before it stores anything;
 * a test holds the two cleanings to the same answer for every character.
 */
export function cleanField(text: string): string {
  return text
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .replace(/[\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/g, '')
    .normalize('NFC')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** A string field: wrong type or blank after cleaning → absent. */
const text = z
  .string()
  .transform(cleanField)
  .transform((s) => (s === '' ? undefined : s))
  .optional()
  .catch(undefined);
/** A page count: a whole positive number of plausible size, else absent. */
const pages = z.number().int().positive().max(100_000).optional().catch(undefined);
/** A list whose items are checked one by one (a bad item is dropped, not the list). */
const list = z.array(z.unknown()).optional().catch(undefined);
const named = z.object({ name: z.string() });
const authorRef = z.object({ key: z.string().regex(/^\/authors\/OL[1-9]\d{0,11}A$/) });
const coverId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Items of `items` that pass `schema`, mapped. */
function each<S extends z.ZodType, T>(items: unknown[] | undefined, schema: S, map: (v: z.output<S>) => T | undefined): T[] {
  const out: T[] = [];
  for (const item of items ?? []) {
    const r = schema.safeParse(item);
    if (!r.success) continue;
    const v = map(r.data);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const names = (items: unknown[] | undefined) => each(items, named, (a) => cleanField(a.name) || undefined);
const strings = (items: unknown[] | undefined) => each(items, z.string(), (s) => cleanField(s) || undefined);

/** What both answers describe, before authors are resolved and covers addressed. */
export interface EditionFields {
  title: string | null;
  subtitle: string | null;
  publishers: string[];
  publish_date: string | null;
  pages: number | null;
}

const BooksApiEntry = z.object({
  title: text,
  subtitle: text,
  authors: list,
  publishers: list,
  publish_date: text,
  number_of_pages: pages,
  cover: z.object({ small: z.unknown(), medium: z.unknown(), large: z.unknown() }).partial().optional().catch(undefined),
});

/** The cover id inside a by-id cover address (…/b/id/8739161-M.jpg); undefined for any other address. */
export function coverIdFromUrl(url: unknown): number | undefined {
  if (typeof url !== 'string') return undefined;
  const m = /\/b\/id\/([1-9]\d{0,15})-[SML]\.jpg(?:\?[^#]*)?$/.exec(url);
  const id = m ? Number(m[1]) : undefined;
  return id !== undefined && Number.isSafeInteger(id) ? id : undefined;
}

export type BooksApiReading =
  | { kind: 'unknown' }
  | { kind: 'known'; fields: EditionFields; authors: string[]; coverId: number | undefined }
  | { kind: 'garbage' };

/**
 * The Books API's answer (jscmd=data, format=json): an object keyed by bibkey, `{}` when it
 * knows none. An entry that is not an object counts as absent, as a field would.
 */
export function readBooksApi(answer: unknown, bibkey: string): BooksApiReading {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { kind: 'garbage' };
  const raw = Object.hasOwn(answer, bibkey) ? (answer as Record<string, unknown>)[bibkey] : undefined;
  const parsed = BooksApiEntry.safeParse(raw);
  if (!parsed.success) return { kind: 'unknown' };
  const e = parsed.data;
  // The medium size is the one wanted; the others name the same cover id when it is missing.
  const coverId = coverIdFromUrl(e.cover?.medium) ?? coverIdFromUrl(e.cover?.large) ?? coverIdFromUrl(e.cover?.small);
  return {
    kind: 'known',
    fields: {
      title: e.title ?? null,
      subtitle: e.subtitle ?? null,
      publishers: names(e.publishers),
      publish_date: e.publish_date ?? null,
      pages: e.number_of_pages ?? null,
    },
    authors: names(e.authors),
    coverId,
  };
}

const Edition = z.object({
  title: text,
  subtitle: text,
  authors: list,
  covers: list,
  publishers: list,
  publish_date: text,
  number_of_pages: pages,
});

export type EditionReading =
  | { kind: 'edition'; fields: EditionFields; authorKeys: string[]; coverId: number | undefined }
  | { kind: 'garbage' };

/** An edition record (/books/OL…M.json): authors by key, covers by id (-1 means none). */
export function readEdition(answer: unknown): EditionReading {
  const parsed = Edition.safeParse(answer);
  if (!parsed.success || typeof answer !== 'object' || Array.isArray(answer)) return { kind: 'garbage' };
  const e = parsed.data;
  const first = e.covers?.[0];
  const cover = coverId.safeParse(first);
  return {
    kind: 'edition',
    fields: {
      title: e.title ?? null,
      subtitle: e.subtitle ?? null,
      publishers: strings(e.publishers),
      publish_date: e.publish_date ?? null,
      pages: e.number_of_pages ?? null,
    },
    authorKeys: [...new Set(each(e.authors, authorRef, (a) => a.key))],
    coverId: cover.success ? cover.data : undefined,
  };
}

const Author = z.object({ name: text, personal_name: text });

/** An author record's name (its personal name when the name is missing); undefined when it has neither. */
export function readAuthorName(answer: unknown): string | undefined {
  const parsed = Author.safeParse(answer);
  return parsed.success ? (parsed.data.name ?? parsed.data.personal_name) : undefined;
}
