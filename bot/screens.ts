// A screen is a message text plus the @grammyjs/menu under it. Menus edit their message in
// place: moving between screens edits the same message (text and keyboard in one call).
// Features define their screens here; every menu hangs under one root, so any screen can lead to
// any other (ctx.menu.nav) whichever feature defined it, and the bot installs the root once.
import { Menu, type MenuFlavor, type MenuOptions } from '@grammyjs/menu';
import type { MiddlewareFn } from 'grammy';
import type { BotContext } from './context.js';

/** Menu ids are one letter: they are part of every callback_data (≤ 64 bytes). */
export type ScreenId = 'm' | 'c' | 'b' | 'y' | 'r' | 'l' | 'h' | 'o' | 'x';

type TextOf = (ctx: BotContext) => Promise<string> | string;

export class Screens {
  private readonly menus = new Map<ScreenId, Menu<BotContext>>();
  private readonly texts = new Map<ScreenId, TextOf>();
  /** Never sent: it only holds every screen's menu, so that the one middleware knows them all. */
  private readonly root = new Menu<BotContext>('screens');

  /** A screen, once its menu is complete (registering freezes the menu; dynamic ranges still change). */
  define(id: ScreenId, menu: Menu<BotContext>, text: TextOf): void {
    this.menus.set(id, menu);
    this.texts.set(id, text);
    this.root.register(menu);
  }

  /**
   * The menus' middleware: answers their presses and draws a menu passed as reply_markup. Installed
   * before the features, whose answers carry menus; screens defined after it is made count too.
   */
  middleware(): MiddlewareFn<BotContext> {
    return this.root.middleware();
  }

  /**
   * Options for every menu: a press is answered exactly once — by the handler that wants to say
   * something (an alert), else once the update is done (bot/error-boundary.ts answerTracking) —
   * never by the menu plugin as well, whose own answer races the handler's (a 400 from Telegram).
   */
  options(onMenuOutdated: (ctx: BotContext & MenuFlavor) => Promise<void> = this.outdated): MenuOptions<BotContext> {
    return { autoAnswer: false, onMenuOutdated };
  }

  menu(id: ScreenId): Menu<BotContext> {
    const m = this.menus.get(id);
    if (!m) throw new Error(`screen ${id} is not defined`);
    return m;
  }

  async text(ctx: BotContext, id: ScreenId, notice?: string): Promise<string> {
    const body = await this.texts.get(id)!(ctx);
    return notice ? `${notice}\n\n${body}` : body;
  }

  /** Inside a menu button handler: switch this message to another screen. */
  async navigate(ctx: BotContext & MenuFlavor, id: ScreenId, notice?: string): Promise<void> {
    const text = await this.text(ctx, id, notice);
    ctx.menu.nav(id);
    await ctx.editMessageText(text);
  }

  /**
   * A press on an out-of-date menu (another language, a catalogue that moved, a screen whose
   * session state was replaced by a newer message): redraw that screen, text and buttons.
   */
  readonly outdated = async (ctx: BotContext & MenuFlavor): Promise<void> => {
    await ctx.answerCallbackQuery({ text: ctx.tPlain('menu-outdated') });
    const id = (ctx.callbackQuery?.data ?? '').split('/')[0] as ScreenId;
    if (this.menus.has(id)) await this.navigate(ctx, id);
  };

  /** From a plain callback button (not a menu): turn its message into a screen. */
  async edit(ctx: BotContext, id: ScreenId, notice?: string): Promise<void> {
    await ctx.editMessageText(await this.text(ctx, id, notice), { reply_markup: this.menu(id) });
  }

  /** A new message showing a screen (commands, search). */
  async send(ctx: BotContext, id: ScreenId, notice?: string): Promise<void> {
    await ctx.reply(await this.text(ctx, id, notice), { reply_markup: this.menu(id) });
  }
}
