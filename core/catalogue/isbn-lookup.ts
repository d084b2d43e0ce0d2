// What the catalogue needs from a bibliographic source: given an ISBN, the edition's details,
// "nobody knows it", or "ask again later". Open Library answers it today
// (gateways/openlibrary.ts); a cache sits in front (isbn-cache-policy.ts).
//
// The port is declared here and the gateway only matches its shape: gateways import nothing from
// core (so swapping the source, or testing core with a stand-in, touches no core import), and the
// composition root, which hands the gateway to core, is where the compiler checks the two agree.

/** An edition as the source describes it: text NFC-normalised, control and invisible characters dropped. */
export interface BookMetadata {
  isbn13: string;
  isbn10: string | null;
  /** As the source gives it, without the subtitle; null when it gives none. */
  title: string | null;
  subtitle: string | null;
  /** Every author the source names, in its order. */
  authors: string[];
  /** Further authors the source lists but whose names were not fetched (it asks for at most three). */
  authors_omitted: number;
  publishers: string[];
  /** Free text as the source has it: "1988", "March 2006", "2003-12-01". */
  publish_date: string | null;
  pages: number | null;
  /** A cover image by cover id; never a by-ISBN address (those are rate-limited per client). */
  cover_image_url: string | null;
  /** Which of the source's answers it came from (for logs and tests). */
  source: string;
}

export type IsbnLookupFound = { status: 'found' } & BookMetadata;
export type IsbnLookupNotFound = { status: 'not_found' };
/** The source could not answer now: unreachable, too slow, garbled, or asking us to back off. */
export type LookupUnavailable = { status: 'unavailable'; retryAfterSeconds: number; reason: string };

export type IsbnLookupResult = IsbnLookupFound | IsbnLookupNotFound | LookupUnavailable;

export interface IsbnLookup {
  /**
   * Looks an ISBN up. Takes both forms from parseIsbn (only isbn13 is asked for; isbn10 is
   * echoed in the answer). Resolves — never rejects — for anything the source does.
   */
  lookup(isbn: { isbn13: string; isbn10: string | null }): Promise<IsbnLookupResult>;
}
