import { sql } from 'kysely';
import type { DB } from './connection.js';

/** Resolves when the database answers a trivial query, rejects when it does not (GET /health). */
export async function ping(db: DB): Promise<void> {
  await sql`select 1`.execute(db);
}
