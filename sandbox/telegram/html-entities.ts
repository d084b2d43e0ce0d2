// Telegram's HTML parse mode, parsed as the Bot API parses it: the text a client shows plus
// its entities, or the very error a bot would get for markup Telegram refuses.
import type { MessageEntity } from 'grammy/types';
import { bad, isBlank, isRecord, utf8Length } from './params.js';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const SIMPLE_TAG_TYPES: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface PendingEntity {
  type: MessageEntity['type'];
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

interface OpenTag {
  name: string;
  start: number;
  entity?: PendingEntity;
}

/**
 * Parses Telegram's HTML subset into plain text plus entities (offsets in
 * UTF-16 code units), failing the way the Bot API does.
 */
export function parseTelegramHtml(source: string): FormattedText {
  const fail = (message: string): never => {
    throw bad(`can't parse entities: ${message}`);
  };
  const byteAt = (index: number) => utf8Length(source.slice(0, index));
  const decodeAt = (index: number): [string, number] => {
    const re = /&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]{0,31}));/y;
    re.lastIndex = index;
    const m = re.exec(source);
    if (!m) return ['&', 1];
    if (m[3] !== undefined) {
      const named = NAMED_ENTITIES[m[3]];
      if (named === undefined) fail(`Unsupported HTML entity "${m[0]}" at byte offset ${byteAt(index)}`);
      return [named as string, m[0].length];
    }
    const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2] as string, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      fail(`Invalid numeric HTML entity "${m[0]}" at byte offset ${byteAt(index)}`);
    }
    return [String.fromCodePoint(code), m[0].length];
  };
  const decodeAttr = (raw: string, base: number): string => {
    let out = '';
    for (let k = 0; k < raw.length; ) {
      if (raw[k] === '&') {
        const re = /&(?:#\d{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});/y;
        re.lastIndex = k;
        const m = re.exec(raw);
        if (m) {
          const [ch] = decodeAt(base + k);
          out += ch;
          k += m[0].length;
          continue;
        }
      }
      out += raw[k];
      k++;
    }
    return out;
  };

  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  const startName = /<([A-Za-z][A-Za-z0-9-]*)?/y;
  const endTag = /<\/([A-Za-z][A-Za-z0-9-]*)?\s*>/y;
  const tagClose = /\s*\/?>/y;
  const attribute = /\s+([A-Za-z_][A-Za-z0-9_:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;

  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '&') {
      const [decoded, used] = decodeAt(i);
      text += decoded;
      i += used;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    if (source[i + 1] === '/') {
      endTag.lastIndex = i;
      const m = endTag.exec(source);
      if (!m) fail(`Unclosed end tag at byte offset ${byteAt(i)}`);
      const name = (m?.[1] ?? '').toLowerCase();
      const open = stack.pop();
      if (!open) fail(`Unexpected end tag at byte offset ${byteAt(i)}`);
      if (open && open.name !== name) {
        fail(`Unmatched end tag at byte offset ${byteAt(i)}, expected "</${open.name}>", found "</${name}>"`);
      }
      if (open?.entity && text.length > open.start) {
        const { type, ...extra } = open.entity;
        entities.push({ type, offset: open.start, length: text.length - open.start, ...extra } as MessageEntity);
      }
      i = endTag.lastIndex;
      continue;
    }
    startName.lastIndex = i;
    const nameMatch = startName.exec(source);
    const rawName = nameMatch?.[1] ?? '';
    const name = rawName.toLowerCase();
    if (!HTML_TAGS.has(name)) fail(`Unsupported start tag "${rawName}" at byte offset ${byteAt(i)}`);
    let pos = startName.lastIndex;
    const attrs: Record<string, string> = {};
    for (;;) {
      tagClose.lastIndex = pos;
      if (tagClose.exec(source)) {
        pos = tagClose.lastIndex;
        break;
      }
      attribute.lastIndex = pos;
      const a = attribute.exec(source);
      if (!a) fail(`Unclosed start tag at byte offset ${byteAt(i)}`);
      if (!a) break; // unreachable: fail() threw
      const quoted = a[2] ?? a[3];
      const valueRaw = quoted ?? a[4] ?? '';
      const valueStart = attribute.lastIndex - valueRaw.length - (quoted !== undefined ? 1 : 0);
      attrs[(a[1] as string).toLowerCase()] = decodeAttr(valueRaw, valueStart);
      pos = attribute.lastIndex;
    }
    const tag: OpenTag = { name, start: text.length };
    const simple = SIMPLE_TAG_TYPES[name];
    if (simple) {
      tag.entity = { type: simple };
    } else if (name === 'span') {
      if (attrs.class !== 'tg-spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteAt(i)}`);
      tag.entity = { type: 'spoiler' };
    } else if (name === 'a') {
      if (attrs.href !== undefined && attrs.href !== '') tag.entity = { type: 'text_link', url: attrs.href };
    } else if (name === 'code') {
      const pre = [...stack].reverse().find((t) => t.name === 'pre');
      if (pre?.entity) {
        const lang = attrs.class?.startsWith('language-') ? attrs.class.slice('language-'.length) : undefined;
        if (lang) pre.entity.language = lang;
      } else {
        tag.entity = { type: 'code' };
      }
    } else if (name === 'pre') {
      tag.entity = { type: 'pre' };
    } else if (name === 'blockquote') {
      tag.entity = { type: 'expandable' in attrs ? 'expandable_blockquote' : 'blockquote' };
    } else if (name === 'tg-emoji') {
      if (!attrs['emoji-id']) fail(`Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${byteAt(i)}`);
      tag.entity = { type: 'custom_emoji', custom_emoji_id: attrs['emoji-id'] };
    }
    stack.push(tag);
    i = pos;
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  // Outer entities first, as Telegram orders them.
  const order = new Map(entities.map((e, k) => [e, k]));
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || (order.get(b) ?? 0) - (order.get(a) ?? 0));
  return { text, entities };
}

export function parseEntitiesParam(raw: unknown, text: string): MessageEntity[] {
  if (isBlank(raw)) return [];
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw bad("can't parse entities JSON object");
    }
  }
  if (!Array.isArray(value)) throw bad("can't parse entities JSON object");
  return value.map((e, k) => {
    if (!isRecord(e) || typeof e.type !== 'string') throw bad(`can't parse entities: entity ${k} has no type`);
    const { offset, length } = e;
    if (typeof offset !== 'number' || typeof length !== 'number' || offset < 0 || length <= 0 || offset + length > text.length) {
      throw bad(`can't parse entities: entity ${k} is out of the text bounds`);
    }
    return e as unknown as MessageEntity;
  });
}
