// Whatever no feature took: stop the spinner of stale buttons, ignore the rest quietly.
import { Composer } from 'grammy';
import type { BotContext } from '../context.js';

export function fallbackFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: ctx.tPlain('button-expired') }));
  return composer;
}
