// Request logs (issue 13, item 12): at the default LOG_LEVEL=info a request writes nothing, so the
// start-up line stays on screen; LOG_LEVEL=debug shows every request; a 5xx is always an error.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiWorld, type ApiWorld } from './helpers/api.js';

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
    api: { extraRoutes: (app) => app.get('/test/boom', () => { throw new Error('kaboom'); }) },
  });
  return { world: w, requests: () => lines.filter((l) => l.msg === 'request') };
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
    expect(seen).toEqual(expect.arrayContaining([[20, 200], [20, 401], [20, 404], [50, 500]]));
    expect(seen.filter(([, s]) => s !== 500).every(([lvl]) => lvl === 20)).toBe(true);
  });
});
