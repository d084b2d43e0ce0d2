// The files the service creates are its own: a data directory it creates is 0700, the database
// and its -wal/-shm 0600 (the JWT secret lives in the database), whatever the umask it was
// started with; database files made before this are set to 0600 at start; npm start and the
// command-line tools run with a umask of 077.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { freePort, runToEnd, startMain, workDir } from '../helpers/entry-point.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'library-modes-'));
  dirs.push(d);
  return d;
};
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const octal = (m: number) => m.toString(8).padStart(4, '0');

/** The umask of a process, or of the node process tsx started for it (Linux: /proc). */
function umaskOf(pid: number): string | undefined {
  const read = (p: number) => /^Umask:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
  const children = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    });
  return children.length > 0 ? read(Number(children[0])) : read(pid);
}

describe('Opening a SQLite database', () => {
  it('creates a missing data directory 0700 and the database, -wal and -shm 0600, even under umask 022', async () => {
    const old = process.umask(0o022);
    try {
      const dir = path.join(tmp(), 'data', 'nested');
      const file = path.join(dir, 'library.db');
      const { db } = await openDatabase(file);
      try {
        expect(octal(mode(dir))).toBe('0700');
        expect(octal(mode(path.dirname(dir)))).toBe('0700');
        for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, octal(mode(f))]).toEqual([f, '0600']);
      } finally {
        await db.destroy();
      }
    } finally {
      process.umask(old);
    }
  });

  it('sets an existing database and its -wal/-shm to 0600, and leaves an existing directory as it was', async () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'library.db');
    const first = await openDatabase(file);
    await first.db.destroy();
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(`${file}-wal`, '');
    fs.chmodSync(`${file}-wal`, 0o644);
    const { db } = await openDatabase(file);
    try {
      expect(octal(mode(file))).toBe('0600');
      expect(octal(mode(`${file}-wal`))).toBe('0600');
      expect(octal(mode(`${file}-shm`))).toBe('0600');
      expect(octal(mode(dir))).toBe('0755');
    } finally {
      await db.destroy();
    }
  });
});

describe('The entry points run with umask 077', () => {
  it('npm start (main.ts): its ./data is 0700, library.db 0600, and the process umask 0077', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const port = await freePort();
    const started = await startMain({ cwd, env: { PORT: String(port), HOST: '127.0.0.1', SANDBOX: 'off', LOG_LEVEL: 'info' } });
    try {
      expect(umaskOf(started.child.pid!)).toBe('0077');
      expect(octal(mode(path.join(cwd, 'data')))).toBe('0700');
      expect(octal(mode(path.join(cwd, 'data', 'library.db')))).toBe('0600');
    } finally {
      await started.stop();
    }
  });

  it('a command-line tool (npm run staff) makes ./data 0700 and library.db 0600', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const run = await runToEnd('scripts/staff.ts', { cwd, args: ['modes@example.test'], env: { LOG_LEVEL: 'silent' } });
    expect(run.code).toBe(0);
    expect(octal(mode(path.join(cwd, 'data')))).toBe('0700');
    expect(octal(mode(path.join(cwd, 'data', 'library.db')))).toBe('0600');
  });
});
