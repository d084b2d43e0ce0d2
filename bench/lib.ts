// Shared benchmark plumbing: arguments, seeded databases, server processes, tables.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { searchWords } from '../core/catalogue/index.js';
import { openDatabase } from '../db/connection.js';
import { bulkSeed } from '../db/seed.js';
import { phaseProgress } from '../scripts/progress.js';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = path.join(BENCH_DIR, 'data');
export const TODAY = new Date().toISOString().slice(0, 10);

export const { values: args } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string', default: 'api,flood,bot,jobs,holds,pg,memory' },
    fresh: { type: 'boolean', default: false },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
  },
});

export interface Row {
  scenario: string;
  [column: string]: string | number;
}

export function table(title: string, rows: Row[]): string {
  const cols = Object.keys(rows[0] ?? { scenario: '' });
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ''));
  const lines = [`### ${title}`, '', `| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
  return lines.join('\n');
}

/** Seeds a benchmark database once (kept under bench/data/ and reused unless --fresh). */
export async function seededDb(name: string, counts: { books: number; users: number; borrowings: number }): Promise<string> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `${name}.db`);
  const marker = `${file}.seeded.json`;
  // `search`: the data carries core's search text (migration 007); older seeds are remade.
  const want = JSON.stringify({ ...counts, today: TODAY, search: 1 });
  if (!args.fresh && fs.existsSync(file) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) {
    // Kept data, brought up to the latest migration (a new index is built once, not reseeded).
    const started = Date.now();
    const { db, applied } = await openDatabase(file);
    await db.destroy();
    if (applied.length)
      console.log(`migrated ${name} (${applied.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return file;
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`, marker]) fs.rmSync(f, { force: true });
  const { db, sqlite } = await openDatabase(file);
  const progress = phaseProgress(`seed ${name}: `);
  const started = Date.now();
  await bulkSeed({ db, sqlite }, { ...counts, today: TODAY, fold: foldWord, onProgress: progress.onProgress });
  progress.stop();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await db.destroy();
  fs.writeFileSync(marker, want);
  console.log(`seeded ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/** Starts `tsx bench/server.ts …` in its own process and waits for its port. */
export async function startServer(argv: string[]): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'server.ts'), ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** How core folds one word for search: what bulkSeed writes into search_text. */
export const foldWord = (word: string) => searchWords(word).join(' ');

export const durationSeconds = () => Number(args.duration);

export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
