// What "the same word" means to search. Titles and authors are indexed, and queries are
// matched, in one folded spelling, so that a reader finds "Kobzar" by typing "кобзар",
// "Exupéry" by typing "exupery" and "Tolstoy" by typing "Толстой":
//   1. Cyrillic (Ukrainian and Russian letters) is transliterated to Latin, one choice per letter;
//   2. case and diacritics go (NFKD, combining marks removed);
//   3. spellings that transliterations disagree on are folded together: y → i (й, и, ы, і),
//      kh → h and h → g (Ukrainian г is "h", Russian "g"), doubled letters → one.
// The folded text is an index key, never shown. Both sides go through the same function, so a
// query word matches when its folding is a prefix of a folded indexed word.

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  є: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'y',
  і: 'i',
  ї: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ь: '',
  ъ: '',
  ы: 'y',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  "'": '',
  '’': '',
  ʼ: '',
};

const WORD = /[\p{L}\p{N}]+/gu;

/** Letters with no decomposition that readers type without their mark. */
const UNDECOMPOSED: Record<string, string> = { ø: 'o', đ: 'd', ł: 'l', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

function foldWord(word: string): string {
  let s = '';
  for (const ch of word) s += CYRILLIC[ch] ?? UNDECOMPOSED[ch] ?? ch;
  s = s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/kh/g, 'h')
    .replace(/h/g, 'g')
    .replace(/y/g, 'i');
  // Doubled letters (a "ll" in one spelling is an "l" in another), digits kept as they are.
  return s.replace(/(\p{L})\1+/gu, '$1');
}

/** The folded words of a text, in order. Apostrophes inside words (Ukrainian ’) join them. */
export function searchWords(text: string, max = Infinity): string[] {
  const joined = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/(?<=\p{L})['’ʼ](?=\p{L})/gu, '');
  const words: string[] = [];
  for (const m of joined.matchAll(WORD)) {
    const w = foldWord(m[0]);
    if (w) words.push(w);
    if (words.length >= max) break;
  }
  return words;
}

/** The folded text a book is indexed under: its title, author and ISBN (digits as written). */
export function bookSearchText(b: { title: string; author: string; isbn: string | null }): string {
  return [...searchWords(b.title), ...searchWords(b.author), ...searchWords(b.isbn ?? '')].join(' ');
}

/** Query words beyond this many are ignored: a search is a few words, not a paragraph. */
export const MAX_QUERY_WORDS = 8;

/** The folded words of a search query (at most MAX_QUERY_WORDS); empty when it has none. */
export const queryWords = (query: string): string[] => searchWords(query, MAX_QUERY_WORDS);
