// The sandbox's fixed names: its stand-in credentials and the personas of the web chat. Small and
// free of the stand-ins themselves, so the service and the CLI can know them without loading the
// sandbox (sandbox/index.ts is imported only while the sandbox is on).
import type { Persona } from './web-chat.js';

export const SANDBOX_BOT_TOKEN = '7000000001:SANDBOX-not-a-real-token';
export const SANDBOX_STRIPE_KEY = 'sk_test_sandbox_not_a_real_key';
/** The librarian persona's Telegram user id (its own account is staff while the sandbox runs). */
export const SANDBOX_LIBRARIAN_TELEGRAM_ID = 100003;

/** Who you can be in the web chat. The librarian's own account is made staff on start. */
export function sandboxPersonas(staffChatId: number): Persona[] {
  return [
    {
      id: 'reader',
      label: 'Olena (reader)',
      user: { id: 100001, first_name: 'Olena', last_name: 'Koval', username: 'olena_reads', language_code: 'en' },
      chat: { id: 100001, type: 'private' },
    },
    {
      id: 'reader2',
      label: 'Taras (second reader)',
      user: { id: 100002, first_name: 'Taras', last_name: 'Melnyk', username: 'taras_m', language_code: 'uk' },
      chat: { id: 100002, type: 'private' },
    },
    {
      id: 'reader3',
      label: 'Dmitry (third reader)',
      user: { id: 100004, first_name: 'Dmitry', last_name: 'Sokolov', username: 'dmitry_s', language_code: 'ru' },
      chat: { id: 100004, type: 'private' },
    },
    {
      id: 'librarian',
      label: 'Iryna (librarian, staff chat)',
      user: {
        id: SANDBOX_LIBRARIAN_TELEGRAM_ID,
        first_name: 'Iryna',
        last_name: 'Librarian',
        username: 'iryna_staff',
        language_code: 'en',
      },
      chat: { id: staffChatId, type: 'supergroup', title: 'Library staff' },
    },
    {
      id: 'librarian-dm',
      label: 'Iryna (librarian, private chat)',
      user: {
        id: SANDBOX_LIBRARIAN_TELEGRAM_ID,
        first_name: 'Iryna',
        last_name: 'Librarian',
        username: 'iryna_staff',
        language_code: 'en',
      },
      chat: { id: SANDBOX_LIBRARIAN_TELEGRAM_ID, type: 'private' },
    },
  ];
}
