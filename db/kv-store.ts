// JSON values by key in table bot_sessions (key, value JSON, updated_at): the bot's sessions
// and conversation state, so a restart resumes both. grammY's StorageAdapter is this shape, so
// the bot passes a store as its session and conversation storage; db/ knows nothing of grammY.
import type { DB } from './connection.js';

/** A JSON value per key: read (undefined when absent), write, delete, has. */
export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}

/** A KeyValueStore over bot_sessions; `prefix` keeps users apart (sessions `session:`, conversations `conversation:`). */
export class KvStore<T> implements KeyValueStore<T> {
  constructor(
    private readonly db: DB,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  async read(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('bot_sessions').select('value').where('key', '=', this.k(key)).executeTakeFirst();
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return undefined; // a damaged row behaves like no row; the next write replaces it
    }
  }

  async write(key: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    // grammY writes back every session it read; skip the page write when nothing changed.
    await this.db
      .insertInto('bot_sessions')
      .values({ key: this.k(key), value: json, updated_at: this.now().toISOString() })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))
          .where('bot_sessions.value', '<>', json),
      )
      .execute();
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('bot_sessions').where('key', '=', this.k(key)).execute();
  }

  async has(key: string): Promise<boolean> {
    const row = await this.db.selectFrom('bot_sessions').select('key').where('key', '=', this.k(key)).executeTakeFirst();
    return row !== undefined;
  }
}
