// Short labels, and splitting long texts under Telegram's limits.

/** Telegram's limit on a message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Shortens to `max` characters (code points), with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 units: never fewer than code points
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/**
 * Joins lines into as few messages as possible, each at most `max` characters of HTML source
 * (the source is never shorter than the rendered text, so the rendered text fits too). Lines
 * are never cut, so tags opened on a line are closed on it; a single over-long line is cut
 * as plain text.
 */
export function chunkLines(lines: string[], header = '', max = TELEGRAM_TEXT_LIMIT): string[] {
  const chunks: string[] = [];
  let current = header;
  for (const raw of lines) {
    const line = raw.length > max - 1 ? truncate(raw.replace(/<[^>]*>/g, ''), max - 16).replace(/&[#a-z0-9]*…$/i, '…') : raw;
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length > max) {
      if (current !== '') chunks.push(current);
      current = line;
    } else {
      current = candidate;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
