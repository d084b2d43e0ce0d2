// ISBNs as a librarian types or scans them: parsed, checked and converted here, once, for every
// door (the API's isbn routes, the bot's staff flow, the barcode reader's EAN-13s).
//
// ISBN-10: ten characters, weights 10 down to 1, the sum ≡ 0 (mod 11); the last may be X (ten).
// ISBN-13: an EAN-13 in the "Bookland" ranges 978 and 979, weights 1,3,1,3…, the sum ≡ 0 (mod 10).
// 979-0 is the ISMN range (printed music), so it is refused. Only 978 numbers have an ISBN-10:
// 978 + the first nine digits of the ISBN-10 + a new check digit.
// Both schemes catch every single-digit typo; mod 11 also catches every swap of two neighbours,
// mod 10 every swap except of two digits five apart (1↔6, 2↔7, …), which the weights 1 and 3 cannot tell.

export type IsbnProblem = 'EMPTY' | 'FORMAT' | 'LENGTH' | 'CHECK_DIGIT' | 'PREFIX';

export type ParsedIsbn =
  | {
      ok: true;
      /** 13 digits, no hyphens: the key a book is found by. */
      isbn13: string;
      /** 10 characters (digits, maybe a final X), or null for a 979 ISBN, which has none. */
      isbn10: string | null;
      /**
       * The form given, tidied for storing: the "ISBN" label and the ends dropped, each run of
       * spaces or dashes one hyphen, x upper-case (so "978 0 14 032872 1" keeps its grouping
       * as 978-0-14-032872-1).
       */
      given: string;
    }
  | { ok: false; reason: IsbnProblem; message: string };

/** Longer input is not an ISBN, whatever it holds: refused before any pattern runs over it. */
const MAX_INPUT = 64;

/** A leading label as printed on covers: "ISBN", "ISBN-13:", "isbn 10" (case ignored). */
const LABEL = /^isbn(?:[\s\p{Pd}]*1[03])?\s*:?\s*/iu;
/** What separates the groups: spaces of any kind and any dash (hyphen, en dash, minus…). */
const SEPARATORS = /[\s\p{Pd}\u2212]+/gu;

/** ISBN-10's check character for its first nine digits: '0'…'9' or 'X'. */
export function isbn10CheckDigit(first9: string): string {
  if (!/^\d{9}$/.test(first9)) throw new RangeError(`isbn10CheckDigit takes 9 digits, not ${JSON.stringify(first9)}`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** ISBN-13's (EAN-13's) check digit for its first twelve digits. */
export function isbn13CheckDigit(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`isbn13CheckDigit takes 12 digits, not ${JSON.stringify(first12)}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}

/** 978 + the nine digits + a new check digit. Takes a valid ISBN-10 (bare: no hyphens). */
export function isbn10to13(isbn10: string): string {
  const d = isbn10.toUpperCase();
  if (!/^\d{9}[\dX]$/.test(d) || isbn10CheckDigit(d.slice(0, 9)) !== d[9]) {
    throw new RangeError(`isbn10to13 takes a valid bare ISBN-10, not ${JSON.stringify(isbn10)}: parse input with parseIsbn`);
  }
  const first12 = `978${d.slice(0, 9)}`;
  return first12 + isbn13CheckDigit(first12);
}

/** The ISBN-10 of a 978 ISBN-13; null for 979, which has none. Takes a valid bare ISBN-13. */
export function isbn13to10(isbn13: string): string | null {
  if (!/^97[89]\d{10}$/.test(isbn13) || isbn13.startsWith('9790') || isbn13CheckDigit(isbn13.slice(0, 12)) !== isbn13[12]) {
    throw new RangeError(`isbn13to10 takes a valid bare ISBN-13, not ${JSON.stringify(isbn13)}: parse input with parseIsbn`);
  }
  if (!isbn13.startsWith('978')) return null;
  const first9 = isbn13.slice(3, 12);
  return first9 + isbn10CheckDigit(first9);
}

const fail = (reason: IsbnProblem, message: string): ParsedIsbn => ({ ok: false, reason, message });

/** Why a 13-digit number outside 978/979 is not an ISBN, in the reader's terms. */
function prefixMessage(digits: string): string {
  if (digits.startsWith('9790')) return 'this is an ISMN (979-0 numbers printed music), not an ISBN';
  if (digits.startsWith('977')) return 'this is an ISSN (977 numbers a magazine or journal), not an ISBN';
  return `an ISBN-13 starts with 978 or 979, not ${digits.slice(0, 3)}: this looks like another product's barcode`;
}

/**
 * Reads an ISBN-10 or ISBN-13 as typed, copied or scanned. Spaces and dashes between the
 * digits are ignored, as is a leading "ISBN" label. Every refusal says what is wrong in words
 * a librarian can act on ("check digit should be 7, not 3").
 */
export function parseIsbn(text: string): ParsedIsbn {
  if (typeof text !== 'string') return fail('FORMAT', 'an ISBN must be text');
  if (text.length > MAX_INPUT) return fail('LENGTH', `an ISBN has 10 or 13 digits; this text is ${text.length} characters long`);
  const trimmed = text.trim().replace(LABEL, '');
  const bare = trimmed.replace(SEPARATORS, '').toUpperCase();
  if (bare === '') return fail('EMPTY', 'the ISBN is empty: type the 10 or 13 digits printed above its barcode');

  const stray = /[^0-9X]/u.exec(bare);
  if (stray) {
    return fail(
      'FORMAT',
      `an ISBN holds only digits, spaces and hyphens (and X as the last character of an ISBN-10), not ${JSON.stringify(stray[0])}`,
    );
  }
  const xAt = bare.indexOf('X');
  if (xAt !== -1 && !(bare.length === 10 && xAt === 9)) {
    return fail('FORMAT', 'X may stand only as the last character of a 10-character ISBN (it means ten)');
  }
  const given = trimmed
    .replace(SEPARATORS, '-')
    .replace(/^-+|-+$/g, '')
    .toUpperCase();

  if (bare.length === 10) {
    const expected = isbn10CheckDigit(bare.slice(0, 9));
    if (expected !== bare[9])
      return fail('CHECK_DIGIT', `check digit should be ${expected}, not ${bare[9]}: a digit is mistyped, or two are swapped`);
    return { ok: true, isbn13: isbn10to13(bare), isbn10: bare, given };
  }
  if (bare.length === 13) {
    if (!/^97[89]/.test(bare) || bare.startsWith('9790')) return fail('PREFIX', prefixMessage(bare));
    const expected = isbn13CheckDigit(bare.slice(0, 12));
    if (expected !== bare[12])
      return fail('CHECK_DIGIT', `check digit should be ${expected}, not ${bare[12]}: a digit is mistyped, or two are swapped`);
    return { ok: true, isbn13: bare, isbn10: isbn13to10(bare), given };
  }
  return fail('LENGTH', `an ISBN has 10 or 13 digits; this one has ${bare.length}`);
}
