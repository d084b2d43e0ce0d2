// /cancel leaves any conversation. Two parts: leaving must happen before the conversations
// (an active one would take the /cancel message as its next answer); answering happens after
// the menus are installed, so the answer can carry the main menu.
import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';

const leftSomething = new WeakMap<BotContext, boolean>();

export function leaveConversations(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command('cancel', async (ctx, next) => {
    leftSomething.set(ctx, Object.keys(ctx.conversation.active()).length > 0);
    await ctx.conversation.exitAll();
    return next();
  });
  return composer;
}

export function cancelFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command('cancel', async (ctx) => {
    const text = ctx.t(leftSomething.get(ctx) ? 'cancel-done' : 'cancel-nothing');
    if (ctx.chat.type !== 'private') return ctx.reply(text);
    ctx.session.returnId = null;
    return deps.screens.send(ctx, 'm', text);
  });
  return composer;
}
