import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Context } from 'grammy';

export const LOCALES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales');

/**
 * One Fluent bundle per language folder (bot/locales/<lang>/*.ftl). The bot uses it as
 * middleware; the outbox dispatcher renders notifications with `i18n.t(lang, key, vars)`.
 */
export function createI18n<C extends Context = Context>(): I18n<C> {
  return new I18n<C>({
    defaultLocale: 'en',
    directory: LOCALES_DIR,
    useSession: false,
    fluentBundleOptions: { useIsolating: false },
  });
}
