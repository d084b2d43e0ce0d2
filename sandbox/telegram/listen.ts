/**
 * Serves the fake Telegram Bot API on a random loopback port so real grammY
 * clients can talk to it: `new Bot(token, { client: { apiRoot } })`.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createFakeBotApi, type FakeBotApi, type FakeBotApiOptions } from './fake-bot-api.js';

export interface FakeTelegram {
  /** Pass as grammY's `client.apiRoot` (or TELEGRAM_API_ROOT). */
  apiRoot: string;
  api: FakeBotApi;
  close(): Promise<void>;
}

export async function startFakeTelegram(opts: FakeBotApiOptions = {}): Promise<FakeTelegram> {
  const api = createFakeBotApi(opts);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  const prefix = base === '' || base.startsWith('/') ? base : `/${base}`;
  let closing: Promise<void> | undefined;
  return {
    apiRoot: `http://127.0.0.1:${port}${prefix}`,
    api,
    close() {
      closing ??= new Promise<void>((resolve) => {
        api.close();
        // grammY keeps connections alive; without this, close() would wait for them to time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
