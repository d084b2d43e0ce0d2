// The languages the library speaks: one list for the catalogues (i18n/locales/<lang>/), the
// bot's language menu and command menus, the REST API's `language` field and the language a
// Telegram reader starts in. Free of Fluent, so core can validate a user's language with it.

/** The languages with a catalogue; any other falls back to English. */
export const LANGUAGES = ['en', 'uk', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language in its own words, as the language menu offers it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', uk: 'Українська', ru: 'Русский' };

export const isLanguage = (code: unknown): code is Language => (LANGUAGES as readonly unknown[]).includes(code);

// Telegram's language_code is an IETF tag ("ru", "uk", "en-US"). Belarusian has no catalogue of
// its own; Russian is the one of ours its readers read (README, "In Telegram").
const CLOSEST = new Map<string, Language>([['be', 'ru']]);

/**
 * Telegram's language_code, or a stored language, as one of ours: by its primary subtag ("uk-UA"
 * is Ukrainian), Belarusian as Russian, anything else English.
 */
export function languageOf(code: string | undefined | null): Language {
  const primary = code?.toLowerCase().split(/[-_]/)[0] ?? '';
  if (isLanguage(primary)) return primary;
  return CLOSEST.get(primary) ?? 'en';
}
