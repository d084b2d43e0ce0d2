// The fake Telegram Bot API on a loopback port (sandbox/telegram/listen.ts), for tests.
export { type FakeTelegram, startFakeTelegram } from '../../sandbox/telegram/listen.js';
