// /cancel: says whether it left a conversation (leaving happened before the conversations,
// bot/conversations.ts) and, in a private chat, shows the main menu.
import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { leftAConversation } from '../conversations.js';
import type { BotDeps } from '../deps.js';

export function cancelFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command('cancel', async (ctx) => {
    const text = ctx.t(leftAConversation(ctx) ? 'cancel-done' : 'cancel-nothing');
    if (ctx.chat.type !== 'private') return ctx.reply(text);
    ctx.session.returnId = null;
    return deps.screens.send(ctx, 'm', text);
  });
  return composer;
}
