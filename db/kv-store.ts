// JSON values by key in table bot_sessions (key, value JSON, updated_at): the bot's sessions
// and conversation state, so a restart resumes both. grammY's StorageAdapter is this shape, so
// the bot passes a store as its session and conversation storage; db/ knows nothing of grammY.
import type { CompiledQuery } from 'kysely';
import type { DB } from './connection.js';

/** A JSON value per key: read (undefined when absent), write, delete, has. */
export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}

// Stand-ins compiled into each statement once; every call swaps in its own values.
const KEY = Symbol('key');
const VALUE = Symbol('value');
const NOW = Symbol('now');
type Slot = typeof KEY | typeof VALUE | typeof NOW;

/** A statement built by Kysely once, then run with new parameters (no builder, no compiler per call). */
function prepared(query: { compile(): CompiledQuery }): (values: Partial<Record<Slot, unknown>>) => CompiledQuery {
  const compiled = query.compile();
  const slots = compiled.parameters.map((p) =>
    p === KEY_TEXT ? KEY : p === VALUE_TEXT ? VALUE : p === NOW_TEXT ? NOW : undefined,
  );
  return (values) => ({ ...compiled, parameters: compiled.parameters.map((p, i) => (slots[i] ? values[slots[i]] : p)) });
}
const KEY_TEXT = '\u0000kv-key';
const VALUE_TEXT = '\u0000kv-value';
const NOW_TEXT = '\u0000kv-now';

/**
 * A KeyValueStore over bot_sessions; `prefix` keeps users apart (sessions `session:`,
 * conversations `conversation:`).
 *
 * grammY writes back every session it read. A value written back unchanged — the very object
 * read() returned, serialising to the JSON it was read from — is not written at all: no
 * statement, and no overwriting a change another instance made meanwhile. Nothing is kept
 * between calls but that per-object note, so a read always goes to the database.
 */
export class KvStore<T> implements KeyValueStore<T> {
  /** The JSON each object read() returned was parsed from (gone with the object). */
  private readonly readAs = new WeakMap<object, { key: string; json: string }>();
  private readonly selectValue;
  private readonly selectKey;
  private readonly upsert;
  private readonly remove;

  constructor(
    private readonly db: DB,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.selectValue = prepared(db.selectFrom('bot_sessions').select('value').where('key', '=', KEY_TEXT));
    this.selectKey = prepared(db.selectFrom('bot_sessions').select('key').where('key', '=', KEY_TEXT));
    this.upsert = prepared(
      db
        .insertInto('bot_sessions')
        .values({ key: KEY_TEXT, value: VALUE_TEXT, updated_at: NOW_TEXT })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))
            .where('bot_sessions.value', '<>', VALUE_TEXT),
        ),
    );
    this.remove = prepared(db.deleteFrom('bot_sessions').where('key', '=', KEY_TEXT));
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async read(key: string): Promise<T | undefined> {
    const { rows } = await this.db.executeQuery<{ value: string }>(this.selectValue({ [KEY]: this.k(key) }));
    const row = rows[0];
    if (!row) return undefined;
    let value: T;
    try {
      value = JSON.parse(row.value) as T;
    } catch {
      return undefined; // a damaged row behaves like no row; the next write replaces it
    }
    if (typeof value === 'object' && value !== null) this.readAs.set(value, { key, json: row.value });
    return value;
  }

  async write(key: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    if (typeof value === 'object' && value !== null) {
      const was = this.readAs.get(value);
      if (was?.key === key && was.json === json) return; // read and left as it was
    }
    // The WHERE skips the page write when the row already holds this value.
    await this.db.executeQuery(this.upsert({ [KEY]: this.k(key), [VALUE]: json, [NOW]: this.now().toISOString() }));
    if (typeof value === 'object' && value !== null) this.readAs.set(value, { key, json });
  }

  async delete(key: string): Promise<void> {
    await this.db.executeQuery(this.remove({ [KEY]: this.k(key) }));
  }

  async has(key: string): Promise<boolean> {
    const { rows } = await this.db.executeQuery(this.selectKey({ [KEY]: this.k(key) }));
    return rows.length > 0;
  }
}
