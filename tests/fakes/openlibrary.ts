/**
 * The fake Open Library served over real HTTP on 127.0.0.1 (random port), for tests that point
 * the Open Library gateway at it. With `basePath`, it is mounted below that prefix, as the
 * sandbox mounts it (`/sandbox/openlibrary`).
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import {
  createFakeOpenLibrary,
  type FakeOpenLibrary,
  type FakeOpenLibraryOptions,
} from '../../sandbox/openlibrary/fake-openlibrary.js';

export interface StartedFakeOpenLibrary {
  /** e.g. `http://127.0.0.1:54321` or, with a basePath, `http://127.0.0.1:54321/sandbox/openlibrary` */
  baseUrl: string;
  /** The same server, named `localhost`: another host as far as a URL goes. */
  otherHostBaseUrl: string;
  api: FakeOpenLibrary;
  close(): Promise<void>;
}

export async function startFakeOpenLibrary(
  opts: FakeOpenLibraryOptions & { basePath?: string } = {},
): Promise<StartedFakeOpenLibrary> {
  const { basePath = '', ...fakeOpts } = opts;
  const api = createFakeOpenLibrary(fakeOpts);
  const app = basePath ? new Hono().route(basePath, api.app) : api.app;
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    otherHostBaseUrl: `http://localhost:${port}${basePath}`,
    api,
    close() {
      closing ??= new Promise<void>((resolve) => {
        api.close();
        server.close(() => resolve());
        // Keep-alive sockets (fetch keeps them) would hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
