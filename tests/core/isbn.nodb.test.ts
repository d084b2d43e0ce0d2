// ISBNs as typed or scanned: what is accepted, what is refused and why, and conversion between
// the two forms. The typo tests try every single-digit mistake and every swap of neighbours on
// real ISBNs, and hold each scheme to exactly what its arithmetic can catch.
import { describe, expect, it } from 'vitest';
import {
  isbn10CheckDigit,
  isbn10to13,
  isbn13CheckDigit,
  isbn13to10,
  type ParsedIsbn,
  parseIsbn,
} from '../../core/catalogue/isbn.js';

const ok = (text: string) => {
  const p = parseIsbn(text);
  if (!p.ok) throw new Error(`${text}: ${p.message}`);
  return p;
};
const refusal = (text: string) => {
  const p = parseIsbn(text);
  if (p.ok) throw new Error(`${text} was accepted as ${p.isbn13}`);
  return p;
};

// Real books: Fantastic Mr Fox (Puffin), The Hobbit (HMH, ISBN-10 ending in X),
// Introduction to Algorithms 3rd ed. (MIT Press), Design Patterns (Addison-Wesley).
const REAL = [
  { isbn13: '9780140328721', isbn10: '0140328726' },
  { isbn13: '9780547928227', isbn10: '054792822X' },
  { isbn13: '9780262033848', isbn10: '0262033844' },
  { isbn13: '9780201633610', isbn10: '0201633612' },
];

describe('a valid ISBN is read in any of the forms people type', () => {
  it('reads ISBN-13 and ISBN-10 alike, giving both forms', () => {
    for (const { isbn13, isbn10 } of REAL) {
      expect(ok(isbn13)).toEqual({ ok: true, isbn13, isbn10, given: isbn13 });
      expect(ok(isbn10)).toEqual({ ok: true, isbn13, isbn10, given: isbn10 });
    }
  });

  it('ignores hyphens, spaces of any kind, other dashes and an "ISBN" label, and keeps the grouping as given', () => {
    expect(ok('978-0-14-032872-1')).toMatchObject({ isbn13: '9780140328721', given: '978-0-14-032872-1' });
    expect(ok(' 978 0 14 032872 1 ')).toMatchObject({ isbn13: '9780140328721', given: '978-0-14-032872-1' });
    expect(ok('978\u20130\u201314\u2013032872\u20131')).toMatchObject({ isbn13: '9780140328721', given: '978-0-14-032872-1' });
    expect(ok('978\u00a00140328721')).toMatchObject({ isbn13: '9780140328721', given: '978-0140328721' });
    expect(ok('ISBN 978-0-14-032872-1')).toMatchObject({ isbn13: '9780140328721', given: '978-0-14-032872-1' });
    expect(ok('ISBN-13: 9780140328721')).toMatchObject({ isbn13: '9780140328721', given: '9780140328721' });
    expect(ok('isbn-10 0-14-032872-6')).toMatchObject({ isbn10: '0140328726', given: '0-14-032872-6' });
    expect(ok('0--14  032872-6')).toMatchObject({ given: '0-14-032872-6' });
  });

  it('takes X (ten) as the last character of an ISBN-10, in either case', () => {
    expect(ok('0-547-92822-X')).toEqual({ ok: true, isbn13: '9780547928227', isbn10: '054792822X', given: '0-547-92822-X' });
    expect(ok('054792822x')).toMatchObject({ isbn10: '054792822X', given: '054792822X' });
    expect(ok('080442957X').isbn13).toBe('9780804429573');
  });

  it('reads 979 ISBNs, which have no ISBN-10', () => {
    expect(ok('979-10-90636-07-1')).toEqual({ ok: true, isbn13: '9791090636071', isbn10: null, given: '979-10-90636-07-1' });
    expect(ok(`979888645012${isbn13CheckDigit('979888645012')}`)).toMatchObject({ isbn10: null });
  });
});

describe('a refused ISBN says what is wrong', () => {
  it('names the check digit it expected', () => {
    expect(refusal('978-0-14-032872-3')).toEqual({
      ok: false,
      reason: 'CHECK_DIGIT',
      message: expect.stringMatching(/^check digit should be 1, not 3/),
    });
    expect(refusal('0-14-032872-7')).toEqual({
      ok: false,
      reason: 'CHECK_DIGIT',
      message: expect.stringMatching(/^check digit should be 6, not 7/),
    });
    expect(refusal('0547928221').message).toMatch(/^check digit should be X, not 1/);
    expect(refusal('0140328721').message).toMatch(/^check digit should be 6, not 1/);
  });

  it('refuses 979-0 as an ISMN (printed music), 977 as an ISSN, and other EAN-13 prefixes', () => {
    expect(refusal('979-0-2600-0043-8')).toEqual({ ok: false, reason: 'PREFIX', message: expect.stringContaining('ISMN') });
    expect(refusal('9771234567003')).toEqual({ ok: false, reason: 'PREFIX', message: expect.stringContaining('ISSN') });
    const ean = `400638133393${isbn13CheckDigit('400638133393')}`;
    expect(refusal(ean)).toEqual({
      ok: false,
      reason: 'PREFIX',
      message: expect.stringContaining('starts with 978 or 979, not 400'),
    });
  });

  it('refuses a wrong number of digits, saying how many there are', () => {
    for (const [text, n] of [
      ['014032872', 9],
      ['01403287266', 11],
      ['978014032872', 12],
      ['97801403287210', 14],
      ['1', 1],
    ] as const) {
      expect(refusal(text)).toEqual({ ok: false, reason: 'LENGTH', message: `an ISBN has 10 or 13 digits; this one has ${n}` });
    }
    expect(refusal('9'.repeat(65))).toMatchObject({ reason: 'LENGTH' });
  });

  it('refuses letters and symbols, naming the first', () => {
    expect(refusal('978-0-14-O32872-1')).toEqual({ ok: false, reason: 'FORMAT', message: expect.stringContaining('"O"') });
    expect(refusal('978.0.14.032872.1')).toMatchObject({ reason: 'FORMAT', message: expect.stringContaining('"."') });
    expect(refusal('978014032872١')).toMatchObject({ reason: 'FORMAT' });
  });

  it('refuses X anywhere but the end of a 10-character ISBN', () => {
    for (const text of ['X140328726', '01403X8726', '978014032872X', '054792822XX', '97805479282X7']) {
      expect(refusal(text), text).toMatchObject({
        reason: 'FORMAT',
        message: expect.stringContaining('X may stand only as the last'),
      });
    }
  });

  it('refuses empty and blank text', () => {
    for (const text of ['', '   ', '---', 'ISBN', 'ISBN-13: '])
      expect(refusal(text), JSON.stringify(text)).toMatchObject({ reason: 'EMPTY' });
  });
});

describe('conversion between ISBN-10 and ISBN-13', () => {
  it('converts real ISBNs both ways', () => {
    for (const { isbn13, isbn10 } of REAL) {
      expect(isbn10to13(isbn10)).toBe(isbn13);
      expect(isbn13to10(isbn13)).toBe(isbn10);
    }
  });

  it('round-trips every ISBN-10 of a sweep of 20,000 bodies, each check digit X included', () => {
    let xs = 0;
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const body = String((n * 49_999) % 1_000_000_000).padStart(9, '0');
      const isbn10 = body + isbn10CheckDigit(body);
      if (isbn10.endsWith('X')) xs++;
      const isbn13 = isbn10to13(isbn10);
      const p10 = parseIsbn(isbn10);
      const p13 = parseIsbn(isbn13);
      const fine =
        isbn13.startsWith('978') &&
        isbn13.slice(3, 12) === body &&
        isbn13to10(isbn13) === isbn10 &&
        p10.ok &&
        p10.isbn13 === isbn13 &&
        p13.ok &&
        p13.isbn10 === isbn10;
      if (!fine) wrong.push(isbn10);
    }
    expect(wrong).toEqual([]);
    expect(xs).toBeGreaterThan(1000);
  });

  it('gives no ISBN-10 for a 979 ISBN-13', () => {
    expect(isbn13to10('9791090636071')).toBeNull();
  });

  it('refuses to convert what is not a valid bare ISBN (input goes through parseIsbn)', () => {
    for (const bad of ['0140328727', '0-14-032872-6', '01403287', 'X140328726'])
      expect(() => isbn10to13(bad), bad).toThrow(RangeError);
    for (const bad of ['9780140328722', '9790260000438', '9770000000000', '978-0140328721'])
      expect(() => isbn13to10(bad), bad).toThrow(RangeError);
  });
});

describe('typos: every single-digit mistake and every swap of neighbours', () => {
  const digitsFor = (pos: number, length: number) => (length === 10 && pos === 9 ? '0123456789X' : '0123456789');
  const detected = (p: ParsedIsbn) => !p.ok;

  it('catches every single-character typo, in ISBN-10 and ISBN-13', () => {
    let tried = 0;
    for (const { isbn13, isbn10 } of REAL) {
      for (const isbn of [isbn10, isbn13]) {
        for (let pos = 0; pos < isbn.length; pos++) {
          for (const ch of digitsFor(pos, isbn.length)) {
            if (ch === isbn[pos]) continue;
            const typo = isbn.slice(0, pos) + ch + isbn.slice(pos + 1);
            const p = parseIsbn(typo);
            expect(detected(p), `${isbn} → ${typo}`).toBe(true);
            if (!p.ok) expect(['CHECK_DIGIT', 'PREFIX']).toContain(p.reason);
            tried++;
          }
        }
      }
    }
    expect(tried).toBe(4 * (10 * 9 + 1 + 13 * 9));
  });

  it('catches every swap of two different neighbours in an ISBN-10 (mod 11 is prime)', () => {
    let swaps = 0;
    for (const { isbn10 } of REAL) {
      for (let i = 0; i < 9; i++) {
        if (isbn10[i] === isbn10[i + 1]) continue;
        const swapped = isbn10.slice(0, i) + isbn10[i + 1] + isbn10[i] + isbn10.slice(i + 2);
        expect(detected(parseIsbn(swapped)), `${isbn10} → ${swapped}`).toBe(true);
        swaps++;
      }
    }
    expect(swaps).toBeGreaterThan(25);
  });

  it('catches a swap of neighbours in an ISBN-13 exactly when they differ by other than 5', () => {
    let caught = 0;
    let missed = 0;
    const candidates = [
      ...REAL.map((r) => r.isbn13),
      '9780306406157',
      '9781616130167'.slice(0, 12) + isbn13CheckDigit('978161613016'),
    ];
    for (const isbn13 of candidates) {
      for (let i = 0; i < 12; i++) {
        const [a, b] = [Number(isbn13[i]), Number(isbn13[i + 1])];
        if (a === b) continue;
        const swapped = isbn13.slice(0, i) + isbn13[i + 1] + isbn13[i] + isbn13.slice(i + 2);
        const p = parseIsbn(swapped);
        if (Math.abs(a - b) === 5 && i >= 3) {
          // Weights 1 and 3 differ by 2, and 2·5 ≡ 0 (mod 10): the sum cannot tell.
          expect(p.ok, `${isbn13} → ${swapped}`).toBe(true);
          missed++;
        } else {
          expect(detected(p), `${isbn13} → ${swapped}`).toBe(true);
          caught++;
        }
      }
    }
    expect(missed).toBeGreaterThan(0);
    expect(caught).toBeGreaterThan(40);
  });
});
