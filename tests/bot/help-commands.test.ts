// Help says what the shortcuts offer (issue 13, item 9): a reader's /help lists exactly the
// commands of Telegram's command menu (setMyCommands), the staff help every staff command, and
// the sandbox web chat's quick-command chips are that same menu for each chat — so the
// librarian's private chat offers no /admin shortcut, which is refused there.
import { describe, expect, it } from 'vitest';
import { ADMIN_SUBCOMMANDS } from '../../bot/features/admin/index.js';
import { READER_COMMANDS, setCommands } from '../../bot/index.js';
import { sandboxPersonas } from '../../sandbox/index.js';
import { createWebChat } from '../../sandbox/web-chat.js';
import { ann, librarian, linkStaff, olena, STAFF_CHAT_ID, staffChat, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const commandsIn = (text: string) => [...text.matchAll(/^\/([a-z_]+)/gm)].map((m) => m[1]);

describe('help lists the commands the command menu offers', () => {
  it('for readers, in both languages', async () => {
    await setCommands(w.bot, undefined);
    for (const [who, lang] of [
      [ann, 'en'],
      [olena, 'uk'],
    ] as const) {
      await w.send(who, '/help');
      const help = w.last(who.id).text;
      const menu = (
        await w.bot.api.getMyCommands({ scope: { type: 'all_private_chats' }, ...(lang === 'uk' ? { language_code: 'uk' } : {}) })
      ).map((c) => c.command);
      expect(commandsIn(help)).toEqual([...READER_COMMANDS]);
      expect(menu).toEqual([...READER_COMMANDS]);
      for (const c of await w.bot.api.getMyCommands({
        scope: { type: 'all_private_chats' },
        ...(lang === 'uk' ? { language_code: 'uk' } : {}),
      })) {
        expect(help).toContain(`/${c.command} — ${c.description}`);
      }
    }
  });

  it("for staff: every staff command, which the staff chat's menu offers as /admin_<command>", async () => {
    w.tg.api.registerChat(staffChat);
    await linkStaff(w);
    await setCommands(w.bot, STAFF_CHAT_ID);
    await w.send(librarian, '/admin help', staffChat);
    const help = w.last(STAFF_CHAT_ID).text;
    const listed = [...help.matchAll(/^\/admin(?: ([a-z]+))?/gm)].map((m) => m[1] ?? '');
    expect(listed).toEqual(['', ...ADMIN_SUBCOMMANDS]);
    const menu = (await w.bot.api.getMyCommands({ scope: { type: 'chat', chat_id: STAFF_CHAT_ID } })).map((c) => c.command);
    expect(menu).toEqual(['admin', ...ADMIN_SUBCOMMANDS.map((s) => `admin_${s}`), 'cancel']);
  });
});

describe('the sandbox web chat offers each chat its own command menu', () => {
  it("readers get the reader commands; the librarian's private chat no /admin; the staff chat the staff commands", async () => {
    const personas = sandboxPersonas(STAFF_CHAT_ID);
    for (const p of personas) w.tg.api.registerChat(p.chat);
    await setCommands(w.bot, STAFF_CHAT_ID);
    const chat = createWebChat({ telegram: w.tg.api, personas, publicUrl: 'http://library.test' });
    const chips = async (id: string) =>
      (
        (await (await chat.request(`http://library.test/api/chats/${id}/messages`)).json()) as {
          commands: { command: string; description: string }[];
        }
      ).commands;

    expect((await chips('reader')).map((c) => c.command)).toEqual([...READER_COMMANDS]);
    const dm = await chips('librarian-dm');
    expect(dm.map((c) => c.command)).toEqual([...READER_COMMANDS]);
    expect(dm.some((c) => c.command.startsWith('admin'))).toBe(false);
    const staff = (await chips('librarian')).map((c) => c.command);
    expect(staff[0]).toBe('admin');
    expect(staff).toContain('admin_overdue');
    // Taras writes Telegram in Ukrainian: his menu is the Ukrainian one.
    expect((await chips('reader2')).find((c) => c.command === 'mybooks')?.description).toBe(
      'Мої книжки: повернути, продовжити й оплатити',
    );
  });
});
