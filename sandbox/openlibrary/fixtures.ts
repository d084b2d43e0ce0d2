// The editions the fake Open Library knows. The English-language classics carry their real
// ISBNs, publishers and dates (as remembered, each ISBN's check digit verified); the Open Library
// ids and cover ids are made up in Open Library's formats. The Cyrillic editions and the 979
// edition have ISBNs made for the fake: valid numbers in their countries' ranges (966/617
// Ukraine, 5 Russia, 979-10 France) that name no real book.

export interface FixtureAuthor {
  /** Open Library author id, e.g. OL34184A. */
  olid: string;
  name: string;
}

export interface FixtureEdition {
  isbn13: string;
  /** Absent for 979 ISBNs, which have none. */
  isbn10?: string;
  /** Open Library edition id, e.g. OL7353617M. */
  olid: string;
  title: string;
  subtitle?: string;
  authors: FixtureAuthor[];
  publishers: string[];
  publish_date: string;
  pages?: number;
  /** Cover id; absent: the edition has none (its record says covers: [-1]). */
  coverId?: number;
  /** false: the Books API answers `{}` for it, and only /isbn/ finds it (a newly imported edition). */
  inBooksApi?: boolean;
  /** How the Books API addresses its cover: by id (Open Library's way, the default) or by ISBN. */
  booksApiCover?: 'id' | 'isbn';
}

const a = (olid: string, name: string): FixtureAuthor => ({ olid, name });

export const FIXTURE_EDITIONS: readonly FixtureEdition[] = [
  {
    isbn13: '9780140328721',
    isbn10: '0140328726',
    olid: 'OL7353617M',
    title: 'Fantastic Mr Fox',
    authors: [a('OL34184A', 'Roald Dahl')],
    publishers: ['Puffin'],
    publish_date: 'October 1, 1988',
    pages: 96,
    coverId: 8739161,
  },
  {
    isbn13: '9780451524935',
    isbn10: '0451524934',
    olid: 'OL21733390M',
    title: '1984',
    authors: [a('OL118077A', 'George Orwell')],
    publishers: ['Signet Classic'],
    publish_date: '1961',
    pages: 328,
    coverId: 9267242,
  },
  {
    isbn13: '9780061120084',
    isbn10: '0061120081',
    olid: 'OL24282153M',
    title: 'To Kill a Mockingbird',
    authors: [a('OL498120A', 'Harper Lee')],
    publishers: ['Harper Perennial Modern Classics'],
    publish_date: '2006',
    pages: 336,
    coverId: 8228691,
  },
  {
    isbn13: '9780141439518',
    isbn10: '0141439513',
    olid: 'OL7928212M',
    title: 'Pride and Prejudice',
    authors: [a('OL21594A', 'Jane Austen')],
    publishers: ['Penguin Books'],
    publish_date: '2003',
    pages: 480,
    coverId: 8091016,
  },
  {
    isbn13: '9780743273565',
    isbn10: '0743273567',
    olid: 'OL7379305M',
    title: 'The Great Gatsby',
    authors: [a('OL27349A', 'F. Scott Fitzgerald')],
    publishers: ['Scribner'],
    publish_date: 'September 30, 2004',
    pages: 180,
    coverId: 8432047,
  },
  {
    isbn13: '9780140449136',
    isbn10: '0140449132',
    olid: 'OL7286485M',
    title: 'Crime and Punishment',
    authors: [a('OL22242A', 'Fyodor Dostoyevsky')],
    publishers: ['Penguin Classics'],
    publish_date: '2003',
    pages: 720,
    coverId: 8479260,
  },
  {
    isbn13: '9780199232765',
    isbn10: '0199232768',
    olid: 'OL24341290M',
    title: 'War and Peace',
    authors: [a('OL26783A', 'Leo Tolstoy')],
    publishers: ['Oxford University Press'],
    publish_date: '2010',
    coverId: 6617512,
  },
  {
    isbn13: '9780262033848',
    isbn10: '0262033844',
    olid: 'OL23228870M',
    title: 'Introduction to Algorithms',
    authors: [
      a('OL1752487A', 'Thomas H. Cormen'),
      a('OL1752488A', 'Charles E. Leiserson'),
      a('OL1752489A', 'Ronald L. Rivest'),
      a('OL1752490A', 'Clifford Stein'),
    ],
    publishers: ['MIT Press'],
    publish_date: '2009',
    pages: 1292,
    coverId: 6500461,
  },
  {
    isbn13: '9780201633610',
    isbn10: '0201633612',
    olid: 'OL1429049M',
    title: 'Design Patterns',
    subtitle: 'Elements of Reusable Object-Oriented Software',
    authors: [
      a('OL240011A', 'Erich Gamma'),
      a('OL240012A', 'Richard Helm'),
      a('OL240013A', 'Ralph Johnson'),
      a('OL240014A', 'John Vlissides'),
    ],
    publishers: ['Addison-Wesley'],
    publish_date: '1994',
    pages: 395,
    coverId: 7259873,
  },
  {
    isbn13: '9780596517748',
    isbn10: '0596517742',
    olid: 'OL23937224M',
    title: 'JavaScript',
    subtitle: 'The Good Parts',
    authors: [a('OL6930337A', 'Douglas Crockford')],
    publishers: ["O'Reilly Media"],
    publish_date: 'May 2008',
    pages: 153,
    coverId: 6287133,
  },
  {
    isbn13: '9780321486813',
    isbn10: '0321486811',
    olid: 'OL7595536M',
    title: 'Compilers',
    subtitle: 'Principles, Techniques, and Tools',
    authors: [
      a('OL1171519A', 'Alfred V. Aho'),
      a('OL3228301A', 'Monica S. Lam'),
      a('OL1171520A', 'Ravi Sethi'),
      a('OL1171521A', 'Jeffrey D. Ullman'),
    ],
    publishers: ['Pearson Addison Wesley'],
    publish_date: '2007',
    pages: 1009,
    coverId: 279931,
    inBooksApi: false,
  },
  {
    isbn13: '9780547928227',
    isbn10: '054792822X',
    olid: 'OL25429880M',
    title: 'The Hobbit',
    subtitle: 'or There and Back Again',
    authors: [a('OL26320A', 'J.R.R. Tolkien')],
    publishers: ['Houghton Mifflin Harcourt'],
    publish_date: '2012',
    pages: 300,
    coverId: 8406786,
  },
  {
    isbn13: '9780060850524',
    isbn10: '0060850523',
    olid: 'OL7386911M',
    title: 'Brave New World',
    authors: [a('OL19767A', 'Aldous Huxley')],
    publishers: ['Harper Perennial Modern Classics'],
    publish_date: '2006',
    pages: 288,
    coverId: 8231856,
    booksApiCover: 'isbn',
  },
  {
    isbn13: '9780316769488',
    isbn10: '0316769487',
    olid: 'OL7335826M',
    title: 'The Catcher in the Rye',
    authors: [a('OL32409A', 'J. D. Salinger')],
    publishers: ['Little, Brown'],
    publish_date: '1991',
    pages: 224,
  },
  {
    isbn13: '9780140449266',
    isbn10: '0140449264',
    olid: 'OL7309548M',
    title: 'The Count of Monte Cristo',
    authors: [a('OL4327048A', 'Alexandre Dumas')],
    publishers: ['Penguin Classics'],
    publish_date: '2003',
    pages: 1276,
    coverId: 8310431,
  },
  {
    isbn13: '9791090636071',
    olid: 'OL50000011M',
    title: 'Le Petit Prince',
    authors: [a('OL34253A', 'Antoine de Saint-Exupéry')],
    publishers: ['Éditions de la Lune'],
    publish_date: '2015',
    pages: 96,
    coverId: 10521370,
  },
  {
    isbn13: '9789667047955',
    isbn10: '9667047954',
    olid: 'OL50000012M',
    title: 'Кобзар',
    authors: [a('OL4391003A', 'Тарас Шевченко')],
    publishers: ['А-БА-БА-ГА-ЛА-МА-ГА'],
    publish_date: '2016',
    pages: 640,
    coverId: 10521371,
  },
  {
    isbn13: '9789660345676',
    isbn10: '9660345674',
    olid: 'OL50000013M',
    title: 'Лісова пісня',
    subtitle: 'драма-феєрія в 3-х діях',
    authors: [a('OL4391004A', 'Леся Українка')],
    publishers: ['Фоліо'],
    publish_date: '2018',
    pages: 192,
    coverId: 10521372,
  },
  {
    isbn13: '9786175851234',
    isbn10: '6175851234',
    olid: 'OL50000014M',
    title: 'Тіні забутих предків',
    authors: [a('OL4391005A', 'Михайло Коцюбинський')],
    publishers: ['Віват'],
    publish_date: '2019',
    pages: 160,
    coverId: 10521373,
    inBooksApi: false,
  },
  {
    isbn13: '9785389001237',
    isbn10: '5389001230',
    olid: 'OL50000015M',
    title: 'Мастер и Маргарита',
    authors: [a('OL4391006A', 'Михаил Булгаков')],
    publishers: ['Азбука'],
    publish_date: '2017',
    pages: 480,
    coverId: 10521374,
  },
  {
    isbn13: '9785699781232',
    isbn10: '5699781234',
    olid: 'OL50000016M',
    title: 'Анна Каренина',
    subtitle: 'роман в восьми частях',
    authors: [a('OL4391007A', 'Лев Толстой')],
    publishers: ['Эксмо'],
    publish_date: '2015',
    pages: 864,
    coverId: 10521375,
  },
];

/** A valid ISBN-13 no fixture holds: the fake answers `{}` and 404 for it everywhere. */
export const UNKNOWN_ISBN13 = '9780000000002';
