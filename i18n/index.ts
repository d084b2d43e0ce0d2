// The message catalogues (Fluent, i18n/locales/<lang>/*.ftl) and the translate functions the bot
// and the outbox notices share. Messages are Telegram HTML, so t() escapes every string it
// interpolates: a title like "<b>&" shows as typed and no caller escapes by hand.
import { defaultWarningHandler, I18n, TranslateWarnings, type WarningHandler } from '@grammyjs/i18n';
import { sourcePath } from '../source-files.js';
import { escapeHtml, SafeHtml } from './html.js';

export { escapeClipped, escapeHtml, html, SafeHtml } from './html.js';
export { isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language, languageOf } from './languages.js';

const LOCALES_DIR = sourcePath(import.meta.url, 'locales');

/**
 * Strings are escaped, numbers stay numbers (Fluent picks plurals by them; pass an id as a
 * string to keep it from being formatted as "1,234"), SafeHtml goes in as it is.
 */
export type TVars = Record<string, string | number | SafeHtml>;

/** A message a language's catalogue lacks: English stands in for it, or, lacking there too, `{key}`. */
export interface MissingMessage {
  language: string;
  key: string;
}

const missingListeners = new Set<(missing: MissingMessage) => void>();

/**
 * Calls `listener` for every message asked for in a language whose catalogue lacks it; returns
 * how to stop. The warning is logged as before: this makes it checkable, so a test can prove
 * every text is worded in every language (tests/bot/notice-kinds.nodb.test.ts).
 */
export function onMissingMessage(listener: (missing: MissingMessage) => void): () => void {
  missingListeners.add(listener);
  return () => missingListeners.delete(listener);
}

const warn = defaultWarningHandler();
const warningHandler: WarningHandler = (w) => {
  warn(w);
  if (w.type === TranslateWarnings.MISSING_MESSAGE) {
    for (const language of w.bundle.locales) for (const l of missingListeners) l({ language, key: w.messageId });
  } else if (w.type === TranslateWarnings.MISSING_TRANSLATION) {
    for (const language of w.locales) for (const l of missingListeners) l({ language, key: w.path });
  }
};

// The catalogues are files shipped with the code: loaded once, on first use. @grammyjs/i18n
// serves as the loader only (one Fluent bundle per folder, English the fallback).
let catalogue: I18n | undefined;
const load = (): I18n =>
  (catalogue ??= withBundlesMatchedOnce(
    new I18n({
      defaultLocale: 'en',
      directory: LOCALES_DIR,
      useSession: false,
      fluentOptions: { warningHandler },
      fluentBundleOptions: { useIsolating: false },
    }),
  ));

/**
 * Fluent picks the bundles for a language by negotiating it against every loaded locale, on
 * every message: a tenth of a bot update's time. The bundles are loaded once (above) and never
 * change, so the bundles for each language asked for are picked once.
 */
function withBundlesMatchedOnce(i18n: I18n): I18n {
  const fluent = i18n.fluent as unknown as { matchBundles(locales: string[]): unknown };
  const match = fluent.matchBundles.bind(fluent);
  const matched = new Map<string, unknown>();
  fluent.matchBundles = (locales) => {
    const key = locales.join('\n');
    let bundles = matched.get(key);
    if (bundles === undefined) {
      bundles = match(locales);
      // Languages come from callers (Telegram's language_code): keep the map small.
      if (matched.size < 64) matched.set(key, bundles);
    }
    return bundles;
  };
  return i18n;
}

/** A message as Telegram HTML, every interpolated string HTML-escaped exactly once. */
export function t(lang: string, key: string, vars?: TVars): string {
  if (!vars) return load().t(lang, key);
  const safe: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(vars)) {
    safe[name] = typeof value === 'number' ? value : value instanceof SafeHtml ? value.html : escapeHtml(value);
  }
  return load().t(lang, key, safe);
}

/**
 * A message as plain text, nothing escaped: for what Telegram does not parse as HTML —
 * button labels, command descriptions, callback query answers.
 */
export function tPlain(lang: string, key: string, vars?: Record<string, string | number>): string {
  return load().t(lang, key, vars);
}
