// Issue 11.3: a busy port is a sentence for the operator (which port, how to choose another),
// exit 1, no stack.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { ListenError, startService } from '../service.js';
import { runToEnd, workDir } from './helpers/entry-point.js';

let taken: net.Server;
let port: number;
const dirs: string[] = [];

beforeAll(async () => {
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('a port already in use', () => {
  it('startService rejects with a ListenError naming the port and how to choose another', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-port-'));
    dirs.push(dir);
    const config = loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SANDBOX: 'off' });
    const error = await startService(config, { logger: silentLogger(), startJobs: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('EADDRINUSE');
    expect((error as Error).message).toContain(`Port ${port} is already in use`);
    expect((error as Error).message).toContain(`PORT=${port + 1} npm start`);
  });

  it('npm start prints that sentence and exits 1, without a stack trace', async () => {
    const cwd = workDir();
    dirs.push(cwd);
    const run = await runToEnd('main.ts', { cwd, env: { PORT: String(port), HOST: '127.0.0.1', SANDBOX: 'off', LOG_LEVEL: 'silent' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Port ${port} is already in use on 127.0.0.1`);
    expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('EADDRINUSE');
  });
});
