// Issue 11.1: `npm start` and every CLI command read `.env` from the working directory; a variable
// already in the real environment wins; a malformed file is a clear message, a missing one fine.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadEnvFile, malformedEnvLines } from '../../config.js';
import { freePort, runToEnd, type Started, startMain, workDir } from '../helpers/entry-point.js';

const dirs: string[] = [];
const dir = (lines?: string[]) => {
  const d = workDir(lines);
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the .env loader', () => {
  // Names no other test or tool uses, removed again after each test.
  const A = 'LIBRARY_ENV_TEST_A';
  const B = 'LIBRARY_ENV_TEST_B';
  afterEach(() => {
    delete process.env[A];
    delete process.env[B];
  });

  it('loads the file into the environment, and a variable already set wins', () => {
    const file = path.join(dir([`${A}=from-file`, `${B}="from file"`]), '.env');
    process.env[A] = 'from-environment';
    expect(loadEnvFile(file)).toBe(true);
    expect(process.env[A]).toBe('from-environment');
    expect(process.env[B]).toBe('from file');
  });

  it('a variable set to the empty string in the environment still wins', () => {
    const file = path.join(dir([`${A}=from-file`]), '.env');
    process.env[A] = '';
    loadEnvFile(file);
    expect(process.env[A]).toBe('');
  });

  it('a missing file is fine', () => {
    expect(loadEnvFile(path.join(dir(), '.env'))).toBe(false);
  });

  it('refuses a malformed file, naming its lines but never their contents', () => {
    const file = path.join(dir(['# comment', `${A}=ok`, 'TELEGRAM_BOT_TOKEN 123456:SECRET', `${B}=never loaded`]), '.env');
    let error: unknown;
    try {
      loadEnvFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${file} line 3: expected NAME=value`);
    expect((error as Error).message).not.toContain('SECRET');
    expect(process.env[B]).toBeUndefined();
  });

  it('accepts what Node accepts: comments, blanks, export, quotes over several lines', () => {
    expect(malformedEnvLines('# c\n\nexport A=1\nB = 2\nC="one\ntwo"\nD=\'x\' # note\n  E=indented\n')).toEqual([]);
    expect(malformedEnvLines('A=1\nnot an assignment\nB=2\n=3\n')).toEqual([2, 4]);
  });
});

describe('entry points load .env from the working directory', () => {
  it('npm run seed (scripts/*.ts through openCli) uses DATABASE_PATH from .env', async () => {
    const cwd = dir(['DATABASE_PATH=./from-dotenv.db', 'LOG_LEVEL=silent']);
    const run = await runToEnd('scripts/seed.ts', { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Demo catalogue');
    expect(fs.existsSync(path.join(cwd, 'from-dotenv.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'data', 'library.db'))).toBe(false);
  });

  it('the real environment wins over .env', async () => {
    const cwd = dir(['DATABASE_PATH=./from-dotenv.db', 'LOG_LEVEL=silent']);
    const run = await runToEnd('scripts/seed.ts', { cwd, env: { DATABASE_PATH: './from-environment.db' } });
    expect(run.code, run.stderr).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'from-environment.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'from-dotenv.db'))).toBe(false);
  });

  it('a malformed .env stops a command with the line named, no stack', async () => {
    const cwd = dir(['DATABASE_PATH=./x.db', 'oops']);
    const run = await runToEnd('scripts/job.ts', { cwd, args: ['due-soon'] });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('.env line 2: expected NAME=value');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm start (main.ts) listens on the PORT and HOST that .env gives', async () => {
    const port = await freePort();
    const cwd = dir([`PORT=${port}`, 'HOST=127.0.0.1', 'SANDBOX=off', 'LOG_LEVEL=info']);
    let main: Started | undefined;
    try {
      main = await startMain({ cwd });
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(fs.existsSync(path.join(cwd, 'data', 'library.db'))).toBe(true);
    } finally {
      await main?.stop();
    }
  });
});
