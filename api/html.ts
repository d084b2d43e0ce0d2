// The shell and escaping of the small self-contained HTML pages served to a browser (the API's
// payment pages, the sandbox's checkout stand-in). No imports: anything may use it.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML page: element content and quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/**
 * A whole page: doctype, UTF-8, a mobile viewport and noindex, then `head` (title, styles…)
 * and `body` (the <body> element itself).
 */
export function htmlDocument(head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${head}
</head>
${body}
</html>`;
}
