// The fake Telegram Bot API on a loopback port (sandbox/telegram/listen.ts), for tests.
export { startFakeTelegram, type FakeTelegram } from '../../sandbox/telegram/listen.js';
