// Request logs (issue 13, item 12): at the default LOG_LEVEL=info a request writes nothing, so the
// start-up line stays on screen; LOG_LEVEL=debug shows every request; a 5xx is always an error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { errorForLog } from '../../logger.js';
import { type ApiWorld, createApiWorld } from '../helpers/api.js';
import { startTestService } from '../helpers/service.js';

let w: ApiWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function worldLoggingAt(level: string) {
  const lines: { level: number; msg: string; status?: number; path?: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      cb();
    },
  });
  w = await createApiWorld({
    logger: pino({ level }, sink),
    api: {
      extraRoutes: (app) => {
        app.get('/test/boom', () => {
          throw new Error('kaboom');
        });
        app.get('/test/boom/:id', (c) => {
          throw new Error(`kaboom at ${c.req.url}`);
        });
      },
    },
  });
  return { world: w, requests: () => lines.filter((l) => l.msg === 'request'), all: () => lines };
}

async function traffic(world: ApiWorld) {
  const user = await world.user();
  await world.req('GET', '/api/books/');
  await world.req('POST', '/api/users/token/', { body: { email: user.email, password: 'wrong password!' } }); // 401
  await world.req('GET', '/api/books/999999/'); // 404
  await world.req('PATCH', '/api/users/me/', { token: user.access, body: { first_name: 'New' } }); // 200 write
  await world.req('GET', '/test/boom'); // 500
}

describe('request logs', () => {
  it('at info: nothing for 2xx and 4xx, the 5xx at error', async () => {
    const { world, requests } = await worldLoggingAt('info');
    await traffic(world);
    expect(requests()).toEqual([expect.objectContaining({ level: 50, status: 500, path: '/test/boom' })]);
  });

  it('at debug: one line per request', async () => {
    const { world, requests } = await worldLoggingAt('debug');
    await traffic(world);
    const seen = requests().map((l) => [l.level, l.status]);
    expect(seen).toEqual(
      expect.arrayContaining([
        [20, 200],
        [20, 401],
        [20, 404],
        [50, 500],
      ]),
    );
    expect(seen.filter(([, s]) => s !== 500).every(([lvl]) => lvl === 20)).toBe(true);
  });
});

// The debug log shows paths, and some paths are capabilities: a pay link opens a payment's
// checkout, a Checkout Session id opens the anonymous success page. At most their first 8
// characters are logged, the sandbox's own requests (its Stripe stand-in, its checkout page) too.
describe('request logs keep no capability whole', () => {
  it('a pay link, a checkout session id, through the API and the sandbox, at debug', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-log-secrets-'));
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        cb();
      },
    });
    const service = await startTestService(
      loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: '0', SANDBOX: 'on', LOG_LEVEL: 'debug' }),
      {
        logger: pino({ level: 'debug' }, sink),
        startJobs: false,
      },
    );
    try {
      const base = service.localUrl;
      const post = (route: string, body: unknown, token?: string) =>
        fetch(`${base}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      await post('/api/users/', { email: 'logs@example.test', password: 'a fine password', first_name: 'L', last_name: 'G' });
      const { access } = (await (
        await post('/api/users/token/', { email: 'logs@example.test', password: 'a fine password' })
      ).json()) as { access: string };
      const book = ((await (await fetch(`${base}/api/books/`)).json()) as { results: { id: number }[] }).results[0]!;
      const due = new Date(Date.parse(`${service.core.borrowings.today()}T00:00:00Z`) + 3 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const loan = (await (await post('/api/borrowings/', { book_id: book.id, expected_return_date: due }, access)).json()) as {
        session_url: string;
        payments: { id: number; session_id: string }[];
      };
      const sessionId = loan.payments[0]!.session_id;
      const link = (await service.core.payments.links.urlFor(loan.payments[0]!.id))!;
      const token = link.split('/').at(-2)!;
      expect(sessionId).toMatch(/^cs_test_\w{20,}$/);
      expect(token).toMatch(/^\d+\.[\w-]{22}$/);

      expect((await fetch(link, { redirect: 'manual' })).status).toBe(303); // the pay link
      expect((await fetch(loan.session_url)).status).toBe(200); // the sandbox's checkout page
      expect((await fetch(`${loan.session_url}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
      expect((await fetch(`${base}/api/payments/success/?session_id=${sessionId}`)).status).toBe(200);
      expect((await fetch(`${base}/api/payments/checkout/${token}x/`)).status).toBe(404); // a wrong token is logged cut too

      const requests = lines.filter((l) => l.msg === 'request');
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain(sessionId);
      expect(logged).not.toContain(sessionId.slice(0, 9));
      expect(logged).not.toContain(token);
      expect(logged).not.toContain(token.slice(0, 9));
      // Still one line per request, the path cut, not dropped.
      const paths = requests.map((l) => String(l.path));
      expect(paths).toContain(`/api/payments/checkout/${token.slice(0, 8)}…/`);
      expect(paths).toContain(`/sandbox/checkout/${sessionId.slice(0, 8)}…`);
      expect(paths).toContain(`/sandbox/checkout/${sessionId.slice(0, 8)}…/pay`);
      expect(paths.some((p) => p.startsWith('/sandbox/stripe/v1/checkout/sessions'))).toBe(true);
    } finally {
      await service.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failing request whose path carries a session id is logged cut, its error too', async () => {
    const { world, all } = await worldLoggingAt('info');
    const id = 'cs_test_a1b2c3d4e5f6g7h8i9j0';
    expect((await world.req('GET', `/test/boom/${id}`)).status).toBe(500);
    const logged = JSON.stringify(all());
    expect(logged).toContain('kaboom at');
    expect(logged).toContain('/test/boom/cs_test_…');
    expect(logged).not.toContain(id.slice(0, 9));
  });

  it('an error whose message carries a pay link or a session id is logged cut', () => {
    const err = new Error(
      'fetch http://x/api/payments/checkout/12.abcdefghijklmnopqrstuv/ failed for cs_test_a1b2c3d4e5f6g7h8i9j0',
    );
    const text = JSON.stringify(errorForLog(err));
    expect(text).not.toContain('abcdefghijklmnopqrstuv');
    expect(text).not.toContain('a1b2c3d4e5f6g7h8i9j0');
    expect(text).toContain('/api/payments/checkout/12.abcde…/');
    expect(text).toContain('cs_test_…');
  });
});
