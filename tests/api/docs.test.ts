// Issue 11.21: the API reference page works offline. Its viewer (Swagger UI from swagger-ui-dist)
// is served by the service itself; the page names no other host; and in a real browser with every
// request to another host aborted, the operations are rendered.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiWorld, createApiWorld } from '../helpers/api.js';
import { launchChromium } from '../helpers/browser.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld({ listen: true });
});
afterAll(async () => {
  await w?.close();
});

const EXTERNAL = /\bhttps?:\/\//i;

/** Every src= and href= of a page. */
const references = (html: string) => [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);

describe('the docs page is served whole by the service', () => {
  it('answers an HTML page that names no other host', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const r = await w.http('GET', path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.text).not.toMatch(EXTERNAL);
      expect(r.text).not.toMatch(/\/\/cdn|jsdelivr|unpkg|scalar/i);
    }
  });

  it('every asset the page references answers 200 from the service, and our start-up script names no other host', async () => {
    const page = await w.http('GET', '/api/docs/');
    const refs = references(page.text);
    expect(refs).toEqual(
      expect.arrayContaining(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css', '/api/docs/init.js']),
    );
    for (const ref of refs) {
      expect(ref.startsWith('/'), ref).toBe(true);
      const r = await fetch(`${w.url}${ref}`);
      expect(r.status, ref).toBe(200);
      expect(Number(r.headers.get('content-length') ?? (await r.clone().arrayBuffer()).byteLength), ref).toBeGreaterThan(0);
      if (ref.endsWith('.js')) expect(r.headers.get('content-type'), ref).toMatch(/javascript/);
      if (ref.endsWith('.css')) expect(r.headers.get('content-type'), ref).toMatch(/text\/css/);
      if (ref.endsWith('/init.js')) {
        const init = await r.text();
        expect(init).toContain("url: '/api/openapi.json'");
        expect(init).not.toMatch(EXTERNAL);
      } else {
        await r.arrayBuffer();
      }
    }
  });

  it('keeps the browser on this origin (Content-Security-Policy) and serves nothing else from the package', async () => {
    const r = await w.http('GET', '/api/docs/');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    for (const other of [
      '/api/docs/swagger-ui-bundle.js.map',
      '/api/docs/package.json',
      '/api/docs/..%2F..%2Fpackage.json',
      '/api/docs/index.html',
    ]) {
      expect((await fetch(`${w.url}${other}`)).status, other).toBe(404);
    }
  });
});

describe('the docs page in a real browser, offline', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the operations with every request to another host aborted', async () => {
    browser = await launchChromium();
    const context = await browser.newContext();
    const own = new URL(w.url!).host;
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.host === own) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${w.url}/api/docs/`);
    await page.getByText('Borrow a book: takes a copy', { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByText('/api/borrowings/', { exact: true }).first().waitFor({ state: 'visible' });
    expect(await page.title()).toBe('Library API · reference');
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
