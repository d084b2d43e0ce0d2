// A worker thread with a read-only connection to the library's SQLite file (db/read-pool.ts):
// it runs the statements of long reads (searches) so that the service's thread, where
// better-sqlite3 would run them synchronously, keeps answering every other request meanwhile.
// WAL lets this connection read while the service's own connection writes; each statement sees
// every commit made before it started. Only this file and the search function are loaded here.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { registerSearchFunctions } from './search-match.js';

export interface ReadWorkerData {
  file: string;
  /** This connection's page cache, KiB. */
  cacheKib: number;
}

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

export type ReadReply = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

const { file, cacheKib } = workerData as ReadWorkerData;
const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
// Memory: pages past this cache come from the OS page cache (shared), as for the service's own
// connection (db/connection.ts); no memory map, whose pages would count in the resident set.
sqlite.pragma(`cache_size = -${cacheKib}`);
sqlite.pragma('mmap_size = 0');
sqlite.pragma('temp_store = MEMORY');
sqlite.pragma('busy_timeout = 5000');
registerSearchFunctions(sqlite);

// Prepared once per SQL text (a search is a handful of shapes), a bounded number of them.
const statements = new Map<string, SQLite.Statement>();
const MAX_STATEMENTS = 200;

function run(sql: string, parameters: readonly unknown[]): unknown[] {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = sqlite.prepare(sql);
    if (statements.size < MAX_STATEMENTS) statements.set(sql, stmt);
  }
  if (!stmt.reader) throw new Error('the read worker runs statements that return rows only');
  return stmt.all(parameters as unknown[]);
}

parentPort!.on('message', ({ id, sql, parameters }: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { id, rows: run(sql, parameters) };
  } catch (e) {
    const err = e as { message?: string; code?: string };
    reply = { id, error: { message: err.message ?? String(e), code: err.code } };
  }
  parentPort!.postMessage(reply);
});
