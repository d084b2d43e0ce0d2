// The conversations plugin as the bot installs it (conversations v2, after the session): where
// conversations are kept, the API transformers they use, and /cancel leaving any of them. Each
// conversation is registered by the flow or feature that owns it (bot/flows/, bot/features/admin/).
import { type ConversationData, conversations, type VersionedState } from '@grammyjs/conversations';
import { Composer, type MiddlewareFn, type StorageAdapter, type Transformer } from 'grammy';
import { htmlParseMode, ignoreNotModified } from './api-calls.js';
import type { BotContext, ConvContext } from './context.js';
import { type AnsweredQueries, trackAnswers } from './error-boundary.js';

/** Same transformers for the API objects the conversations plugin makes for itself. */
const conversationApiPlugin =
  (answered: AnsweredQueries, payButtons: Transformer): MiddlewareFn<ConvContext> =>
  (ctx, next) => {
    ctx.api.config.use(ignoreNotModified, htmlParseMode, trackAnswers(answered), payButtons);
    return next();
  };

const leftSomething = new WeakMap<BotContext, boolean>();

/** Whether this update's /cancel left a conversation (bot/features/cancel.ts says which). */
export const leftAConversation = (ctx: BotContext): boolean => leftSomething.get(ctx) ?? false;

export function conversationsPlugin(opts: {
  storage: StorageAdapter<VersionedState<ConversationData>>;
  answered: AnsweredQueries;
  payButtons: Transformer;
}): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(
    conversations<BotContext, ConvContext>({
      storage: {
        type: 'key',
        version: 1,
        adapter: opts.storage,
        // Per person per chat: two librarians in the staff chat each have their own.
        getStorageKey: (ctx) => `${ctx.chat?.id ?? 'none'}:${ctx.from?.id ?? 'none'}`,
      },
      plugins: [conversationApiPlugin(opts.answered, opts.payButtons)],
    }),
  );
  // Leaving happens before any conversation is resumed: an active one would take the /cancel
  // message as its next answer. The answer comes later (bot/features/cancel.ts), once the menus
  // are installed, so it can carry the main menu.
  composer.command('cancel', async (ctx, next) => {
    leftSomething.set(ctx, Object.keys(ctx.conversation.active()).length > 0);
    await ctx.conversation.exitAll();
    return next();
  });
  return composer;
}
