// The database holds the JWT secret and every reader's data: its files are the service's own.
// A data directory the service creates is 0700, the database and its -wal/-shm are 0600 (also
// when they were made before, with a looser mode), and the entry points run with a umask of 077
// so anything else they create is private too (README, "Security settings").
import fs from 'node:fs';

/** The umask of npm start and the command-line tools: new files 0600, new directories 0700. */
export const PRIVATE_UMASK = 0o077;

/** Called first by each entry point (main.ts, the CLI tools). */
export function restrictNewFiles(): void {
  process.umask(PRIVATE_UMASK);
}

/** Creates the directory (and missing parents) 0700; an existing one is left as it is. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Sets the database file and its -wal/-shm, where they exist, to 0600. Called before opening
 * (SQLite gives a -wal or -shm it creates the database file's mode) and after (a new database).
 */
export function makeDatabaseFilesPrivate(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== 0o600) fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
