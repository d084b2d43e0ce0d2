import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';

// Every rule of SPEC §1 that a constraint can hold lives here as well as in core/.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') return upPostgres(db);
  await sql`
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      email TEXT COLLATE NOCASE CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%')),
      password_hash TEXT,
      first_name TEXT NOT NULL DEFAULT '' CHECK (length(first_name) <= 255),
      last_name TEXT NOT NULL DEFAULT '' CHECK (length(last_name) <= 255),
      is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
      telegram_user_id INTEGER,
      telegram_username TEXT,
      language TEXT NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 8),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      CHECK (password_hash IS NULL OR email IS NOT NULL)
    ) STRICT`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_unique ON users (email COLLATE NOCASE) WHERE email IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX users_telegram_unique ON users (telegram_user_id) WHERE telegram_user_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE books (
      id INTEGER PRIMARY KEY,
      title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255 AND title = trim(title)),
      author TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 255 AND author = trim(author)),
      isbn TEXT CHECK (isbn IS NULL OR length(isbn) BETWEEN 1 AND 32),
      cover TEXT NOT NULL CHECK (cover IN ('HARD', 'SOFT')),
      inventory INTEGER NOT NULL CHECK (inventory >= 0 AND inventory <= 1000000),
      daily_fee_cents INTEGER NOT NULL CHECK (daily_fee_cents > 0 AND daily_fee_cents <= 100000000),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      deleted_at TEXT
    ) STRICT`.execute(db);
  await sql`CREATE UNIQUE INDEX books_isbn_unique ON books (isbn) WHERE isbn IS NOT NULL AND deleted_at IS NULL`.execute(db);
  // Catalogue order (title, id) for keyset paging over live books.
  await sql`CREATE INDEX books_title_id ON books (title, id) WHERE deleted_at IS NULL`.execute(db);
  // Full-text search over title, author and isbn (prefix queries), kept in sync by triggers.
  await sql`
    CREATE VIRTUAL TABLE books_fts USING fts5(
      title, author, isbn, content='books', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    CREATE TRIGGER books_fts_ai AFTER INSERT ON books BEGIN
      INSERT INTO books_fts(rowid, title, author, isbn) VALUES (new.id, new.title, new.author, coalesce(new.isbn, ''));
    END`.execute(db);
  await sql`
    CREATE TRIGGER books_fts_ad AFTER DELETE ON books BEGIN
      INSERT INTO books_fts(books_fts, rowid, title, author, isbn) VALUES ('delete', old.id, old.title, old.author, coalesce(old.isbn, ''));
    END`.execute(db);
  await sql`
    CREATE TRIGGER books_fts_au AFTER UPDATE OF title, author, isbn ON books BEGIN
      INSERT INTO books_fts(books_fts, rowid, title, author, isbn) VALUES ('delete', old.id, old.title, old.author, coalesce(old.isbn, ''));
      INSERT INTO books_fts(rowid, title, author, isbn) VALUES (new.id, new.title, new.author, coalesce(new.isbn, ''));
    END`.execute(db);

  await sql`
    CREATE TABLE borrowings (
      id INTEGER PRIMARY KEY,
      book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE RESTRICT,
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      borrow_date TEXT NOT NULL CHECK (date(borrow_date) IS borrow_date),
      expected_return_date TEXT NOT NULL CHECK (date(expected_return_date) IS expected_return_date),
      actual_return_date TEXT CHECK (actual_return_date IS NULL OR date(actual_return_date) IS actual_return_date),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      CHECK (expected_return_date > borrow_date),
      CHECK (actual_return_date IS NULL OR actual_return_date >= borrow_date)
    ) STRICT`.execute(db);
  // Own borrowings, newest first; the same filtered to active ones (loan limit, "my books").
  await sql`CREATE INDEX borrowings_user_id ON borrowings (user_id, id)`.execute(db);
  await sql`CREATE INDEX borrowings_user_active ON borrowings (user_id, id) WHERE actual_return_date IS NULL`.execute(db);
  // Staff list of active loans; overdue and due-soon jobs scan only active loans by due date.
  await sql`CREATE INDEX borrowings_active_id ON borrowings (id) WHERE actual_return_date IS NULL`.execute(db);
  await sql`CREATE INDEX borrowings_active_due ON borrowings (expected_return_date, id) WHERE actual_return_date IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX borrowings_returned_id ON borrowings (id) WHERE actual_return_date IS NOT NULL`.execute(db);
  // "Is this book on loan?" for delete.
  await sql`CREATE INDEX borrowings_book_active ON borrowings (book_id) WHERE actual_return_date IS NULL`.execute(db);
  await sql`CREATE INDEX borrowings_book_id ON borrowings (book_id)`.execute(db);

  await sql`
    CREATE TABLE payments (
      id INTEGER PRIMARY KEY,
      borrowing_id INTEGER NOT NULL REFERENCES borrowings (id) ON DELETE RESTRICT,
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      type TEXT NOT NULL CHECK (type IN ('PAYMENT', 'FINE')),
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED')),
      money_to_pay_cents INTEGER NOT NULL CHECK (money_to_pay_cents > 0),
      session_id TEXT UNIQUE,
      session_url TEXT,
      session_expires_at TEXT,
      payment_intent_id TEXT,
      session_attempt INTEGER NOT NULL DEFAULT 0 CHECK (session_attempt >= 0),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      paid_at TEXT,
      refunded_at TEXT,
      CHECK (status NOT IN ('PAID', 'REFUNDED') OR paid_at IS NOT NULL),
      CHECK (status <> 'REFUNDED' OR refunded_at IS NOT NULL)
    ) STRICT`.execute(db);
  // A borrowing has at most one rent payment.
  await sql`CREATE UNIQUE INDEX payments_one_rent ON payments (borrowing_id) WHERE type = 'PAYMENT'`.execute(db);
  await sql`CREATE INDEX payments_borrowing ON payments (borrowing_id)`.execute(db);
  await sql`CREATE INDEX payments_user_id ON payments (user_id, id)`.execute(db);
  // The unpaid block: does this reader owe anything?
  await sql`CREATE INDEX payments_user_unpaid ON payments (user_id) WHERE status IN ('PENDING', 'EXPIRED')`.execute(db);
  // The expiry job: pending sessions by age.
  await sql`CREATE INDEX payments_pending_expiry ON payments (session_expires_at, id) WHERE status = 'PENDING'`.execute(db);

  await sql`
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY,
      chat_id INTEGER NOT NULL,
      kind TEXT NOT NULL,
      payload TEXT NOT NULL CHECK (json_valid(payload)),
      language TEXT NOT NULL DEFAULT 'en',
      dedup_key TEXT UNIQUE,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      sent_at TEXT,
      failed_at TEXT,
      last_error TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT`.execute(db);
  await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);
  await sql`CREATE INDEX outbox_chat_pending ON outbox (chat_id, id) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE stripe_events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      processed_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID`.execute(db);

  await sql`
    CREATE TABLE telegram_link_codes (
      code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at TEXT NOT NULL,
      used_at TEXT,
      used_by_telegram_user_id INTEGER
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE bot_sessions (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID`.execute(db);

  await sql`
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID`.execute(db);
}

/**
 * The same schema on PostgreSQL, kept as close to SQLite's as the engines allow, so core reads
 * the same values from both and a library can be copied from one to the other:
 * - ids: bigint identities, BY DEFAULT so a copy keeps its ids (its sequences are moved past
 *   them); `pg` hands int8 out as JS numbers (db/postgres.ts).
 * - dates and instants stay ISO text, booleans 0/1 integers, money integer cents, as on SQLite.
 * - every text column is COLLATE "C": comparison and order by code point, as SQLite's BINARY,
 *   whatever the server's default collation — the catalogue's title, id order and its keyset
 *   cursors, ISO date ranges and every ORDER BY match SQLite's exactly.
 * - email: SQLite's COLLATE NOCASE becomes "stored lower case" (core lowercases every email
 *   it writes and looks up), so `=` and a plain unique index mean what NOCASE meant.
 * - date(x) IS x and json_valid(x) become small IMMUTABLE functions that answer false instead
 *   of raising, so a bad value is a CHECK violation here too.
 * - full-text search: a GIN index over the folded document of db/search.ts, live books only.
 */
async function upPostgres(db: Kysely<unknown>): Promise<void> {
  const nowIso = sql.raw(`to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  await sql`
    CREATE FUNCTION iso_date_ok(d text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
    BEGIN
      RETURN d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND to_char(d::date, 'YYYY-MM-DD') = d;
    EXCEPTION WHEN others THEN
      RETURN false;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION json_text_ok(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
    BEGIN
      PERFORM t::json;
      RETURN true;
    EXCEPTION WHEN others THEN
      RETURN false;
    END $$`.execute(db);

  await sql`
    CREATE TABLE users (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      email text COLLATE "C" CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%' AND email = lower(email))),
      password_hash text COLLATE "C",
      first_name text COLLATE "C" NOT NULL DEFAULT '' CHECK (length(first_name) <= 255),
      last_name text COLLATE "C" NOT NULL DEFAULT '' CHECK (length(last_name) <= 255),
      is_staff integer NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
      telegram_user_id bigint,
      telegram_username text COLLATE "C",
      language text COLLATE "C" NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 8),
      created_at text COLLATE "C" NOT NULL DEFAULT ${nowIso},
      CHECK (password_hash IS NULL OR email IS NOT NULL)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_unique ON users (email) WHERE email IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX users_telegram_unique ON users (telegram_user_id) WHERE telegram_user_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE books (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      title text COLLATE "C" NOT NULL CHECK (length(title) BETWEEN 1 AND 255 AND title = trim(title)),
      author text COLLATE "C" NOT NULL CHECK (length(author) BETWEEN 1 AND 255 AND author = trim(author)),
      isbn text COLLATE "C" CHECK (isbn IS NULL OR length(isbn) BETWEEN 1 AND 32),
      cover text COLLATE "C" NOT NULL CHECK (cover IN ('HARD', 'SOFT')),
      inventory integer NOT NULL CHECK (inventory >= 0 AND inventory <= 1000000),
      daily_fee_cents integer NOT NULL CHECK (daily_fee_cents > 0 AND daily_fee_cents <= 100000000),
      created_at text COLLATE "C" NOT NULL DEFAULT ${nowIso},
      deleted_at text COLLATE "C"
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX books_isbn_unique ON books (isbn) WHERE isbn IS NOT NULL AND deleted_at IS NULL`.execute(db);
  // Catalogue order (title, id) for keyset paging over live books; title is COLLATE "C".
  await sql`CREATE INDEX books_title_id ON books (title, id) WHERE deleted_at IS NULL`.execute(db);
  await sql.raw(`CREATE INDEX books_search ON books USING gin (${pgBookDocumentV1()}) WHERE deleted_at IS NULL`).execute(db);

  await sql`
    CREATE TABLE borrowings (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      book_id bigint NOT NULL REFERENCES books (id) ON DELETE RESTRICT,
      user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      borrow_date text COLLATE "C" NOT NULL CHECK (iso_date_ok(borrow_date)),
      expected_return_date text COLLATE "C" NOT NULL CHECK (iso_date_ok(expected_return_date)),
      actual_return_date text COLLATE "C" CHECK (actual_return_date IS NULL OR iso_date_ok(actual_return_date)),
      created_at text COLLATE "C" NOT NULL DEFAULT ${nowIso},
      CHECK (expected_return_date > borrow_date),
      CHECK (actual_return_date IS NULL OR actual_return_date >= borrow_date)
    )`.execute(db);
  await sql`CREATE INDEX borrowings_user_id ON borrowings (user_id, id)`.execute(db);
  await sql`CREATE INDEX borrowings_user_active ON borrowings (user_id, id) WHERE actual_return_date IS NULL`.execute(db);
  await sql`CREATE INDEX borrowings_active_id ON borrowings (id) WHERE actual_return_date IS NULL`.execute(db);
  await sql`CREATE INDEX borrowings_active_due ON borrowings (expected_return_date, id) WHERE actual_return_date IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX borrowings_returned_id ON borrowings (id) WHERE actual_return_date IS NOT NULL`.execute(db);
  await sql`CREATE INDEX borrowings_book_active ON borrowings (book_id) WHERE actual_return_date IS NULL`.execute(db);
  await sql`CREATE INDEX borrowings_book_id ON borrowings (book_id)`.execute(db);

  await sql`
    CREATE TABLE payments (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      borrowing_id bigint NOT NULL REFERENCES borrowings (id) ON DELETE RESTRICT,
      user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      type text COLLATE "C" NOT NULL CHECK (type IN ('PAYMENT', 'FINE')),
      status text COLLATE "C" NOT NULL CHECK (status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED')),
      money_to_pay_cents integer NOT NULL CHECK (money_to_pay_cents > 0),
      session_id text COLLATE "C" UNIQUE,
      session_url text COLLATE "C",
      session_expires_at text COLLATE "C",
      payment_intent_id text COLLATE "C",
      session_attempt integer NOT NULL DEFAULT 0 CHECK (session_attempt >= 0),
      created_at text COLLATE "C" NOT NULL DEFAULT ${nowIso},
      paid_at text COLLATE "C",
      refunded_at text COLLATE "C",
      CHECK (status NOT IN ('PAID', 'REFUNDED') OR paid_at IS NOT NULL),
      CHECK (status <> 'REFUNDED' OR refunded_at IS NOT NULL)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX payments_one_rent ON payments (borrowing_id) WHERE type = 'PAYMENT'`.execute(db);
  await sql`CREATE INDEX payments_borrowing ON payments (borrowing_id)`.execute(db);
  await sql`CREATE INDEX payments_user_id ON payments (user_id, id)`.execute(db);
  await sql`CREATE INDEX payments_user_unpaid ON payments (user_id) WHERE status IN ('PENDING', 'EXPIRED')`.execute(db);
  await sql`CREATE INDEX payments_pending_expiry ON payments (session_expires_at, id) WHERE status = 'PENDING'`.execute(db);

  await sql`
    CREATE TABLE outbox (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      chat_id bigint NOT NULL,
      kind text COLLATE "C" NOT NULL,
      payload text COLLATE "C" NOT NULL CHECK (json_text_ok(payload)),
      language text COLLATE "C" NOT NULL DEFAULT 'en',
      dedup_key text COLLATE "C" UNIQUE,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL,
      sent_at text COLLATE "C",
      failed_at text COLLATE "C",
      last_error text COLLATE "C",
      created_at text COLLATE "C" NOT NULL DEFAULT ${nowIso}
    )`.execute(db);
  await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);
  await sql`CREATE INDEX outbox_chat_pending ON outbox (chat_id, id) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);

  await sql`CREATE TABLE stripe_events (id text COLLATE "C" PRIMARY KEY, type text COLLATE "C" NOT NULL, processed_at text COLLATE "C" NOT NULL)`.execute(
    db,
  );
  await sql`
    CREATE TABLE telegram_link_codes (
      code text COLLATE "C" PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
      user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at text COLLATE "C" NOT NULL,
      used_at text COLLATE "C",
      used_by_telegram_user_id bigint
    )`.execute(db);
  await sql`CREATE TABLE bot_sessions (key text COLLATE "C" PRIMARY KEY, value text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL)`.execute(
    db,
  );
  await sql`CREATE TABLE settings (key text COLLATE "C" PRIMARY KEY, value text COLLATE "C" NOT NULL)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') {
    await sql`DROP TABLE IF EXISTS settings, bot_sessions, telegram_link_codes, stripe_events, outbox, payments, borrowings, books, users`.execute(
      db,
    );
    await sql`DROP FUNCTION IF EXISTS iso_date_ok(text), json_text_ok(text)`.execute(db);
    return;
  }
  for (const t of [
    'settings',
    'bot_sessions',
    'telegram_link_codes',
    'stripe_events',
    'outbox',
    'payments',
    'borrowings',
    'books_fts',
    'books',
    'users',
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}

// The search document of this migration's GIN index (replaced by migration 007's search_text
// index), kept here as it was so that the migration builds the same index it always did.
/** Latin letters with diacritics (Latin-1 to Latin Extended Additional) → base letter, lower case. */
function diacriticPairs(): [string, string] {
  let from = '';
  let to = '';
  const ranges: Array<[number, number]> = [
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ];
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (base !== ch && /^[A-Za-z]$/.test(base)) {
        from += ch;
        to += base.toLowerCase();
      }
    }
  }
  return [from, to];
}

const [DIACRITICS_FROM, DIACRITICS_TO] = diacriticPairs();

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The folded document of a book as SQL over its columns (`prefix` qualifies them). Frozen: the
 * GIN index of this migration is built on exactly this text (migration 007 drops it).
 */
function pgBookDocumentV1(prefix = ''): string {
  const col = (c: string) => `${prefix}${c}`;
  return `to_tsvector('simple'::regconfig, regexp_replace(translate(lower((${col('title')} || ' ' || ${col('author')} || ' ' || coalesce(${col('isbn')}, '')) COLLATE "default"), ${quote(DIACRITICS_FROM)}, ${quote(DIACRITICS_TO)}), '[^[:alnum:]]+', ' ', 'g'))`;
}
