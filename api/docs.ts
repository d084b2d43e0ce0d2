// The API reference page (/api/docs/): Swagger UI from the swagger-ui-dist package, served by the
// service itself, so the page works offline and behind a firewall (SPEC §10). The page's
// Content-Security-Policy keeps the browser on this origin, so nothing can be fetched from a
// CDN even if a future viewer release tried.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { html } from 'hono/html';
import type { App } from './types.js';

export const DOCS_PATH = '/api/docs';

const DIST = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// Only what the page uses; the package's other files (source maps, the ES bundles) stay unserved.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// Our own start-up script, a file rather than inline so the policy needs no 'unsafe-inline'
// scripts. validatorUrl null: the default asks validator.swagger.io for a badge.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  persistAuthorization: true,
});
`;

const PAGE = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Library API · reference</title>
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<style>body { margin: 0; background: #fafafa; }</style>
</head>
<body>
<noscript><p>This reference needs JavaScript; the OpenAPI document itself is <a href="/api/openapi.json">/api/openapi.json</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>`;

// Swagger UI sets style attributes (React) and shows data: images from its stylesheet.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerDocsRoutes(app: App): void {
  const cache = new Map<string, Buffer>();
  const read = (file: string) => {
    let body = cache.get(file);
    if (!body) {
      body = fs.readFileSync(path.join(DIST, file));
      cache.set(file, body);
    }
    return body;
  };

  app.get(DOCS_PATH, (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP }));
  app.get(`${DOCS_PATH}/init.js`, (c) => c.body(INIT_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get(`${DOCS_PATH}/:file`, async (c, next) => {
    const file = c.req.param('file');
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return next();
    // The files change only with the package version: let browsers keep them for a day.
    return c.body(new Uint8Array(read(file)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
