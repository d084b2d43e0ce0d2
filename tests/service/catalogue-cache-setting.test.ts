// CATALOGUE_CACHE_SECONDS reaches the service's core: the catalogue cache holds answers by default
// and none with 0 (README, Configuration). Freshness never depends on it (tests/core/catalogue-cache).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { startTestService } from '../helpers/service.js';

let service: RunningService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

async function serviceWith(env: Record<string, string>): Promise<RunningService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-cache-setting-'));
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'library.db'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SANDBOX: 'off',
    ...env,
  });
  return startTestService(config, { logger: silentLogger(), startJobs: false }, { awaitTelegram: false });
}

/** Lists the catalogue over HTTP, twice, and says how many answers the core's cache then holds. */
async function cachedAfterTwoReads(s: RunningService): Promise<number> {
  await s.core.books.create(SYSTEM_ACTOR, { title: 'Cached', author: 'A', cover: 'SOFT', inventory: 1, daily_fee: '1.00' });
  for (let i = 0; i < 2; i++) expect((await fetch(`${s.localUrl}/api/books/`)).status).toBe(200);
  return s.core.books.cacheStats().entries;
}

describe('CATALOGUE_CACHE_SECONDS', () => {
  it('unset: catalogue answers are kept (30 s)', async () => {
    service = await serviceWith({});
    expect(await cachedAfterTwoReads(service)).toBeGreaterThan(0);
  });

  it('0: no catalogue answer is kept', async () => {
    service = await serviceWith({ CATALOGUE_CACHE_SECONDS: '0' });
    expect(await cachedAfterTwoReads(service)).toBe(0);
  });
});
