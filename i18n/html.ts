// Telegram HTML (parse_mode HTML) escaping: the one escaper for message texts. Values reach
// messages through t(), which escapes them here; a caller never escapes by hand.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]!);

/**
 * Markup that is already safe HTML — another translated text, a line built by t() — so t()
 * inserts it as it is instead of escaping it a second time.
 */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** The escape hatch: wrap text that is already HTML (never text that came from a person). */
export const html = (markup: string): SafeHtml => new SafeHtml(markup);

/**
 * A value escaped and cut so that its escaped form has at most `max` characters: a name full of
 * "&" grows fivefold when escaped, so cutting before escaping bounds nothing. Never cuts inside
 * an entity or a surrogate pair.
 */
export function escapeClipped(text: string, max: number): SafeHtml {
  const whole = escapeHtml(text);
  if (whole.length <= max) return html(whole);
  let out = '';
  for (const ch of text) {
    const piece = ESCAPES[ch] ?? ch;
    if (out.length + piece.length > max - 1) return html(`${out}…`);
    out += piece;
  }
  return html(out);
}
