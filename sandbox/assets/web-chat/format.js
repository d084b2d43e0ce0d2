// Formatted text, rebuilt from text + entities and never from HTML, with the links and
// /commands Telegram clients make clickable. Only http(s) and mailto links are ever followed.
import { publicOrigin } from './config.js';
import { h } from './dom.js';
import { actions } from './state.js';

/** http(s) and mailto only; links to the service's public URL open on this page's origin. */
export function safeHref(raw) {
  if (typeof raw !== 'string') return null;
  let url;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === 'mailto:') return url.href;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (publicOrigin && url.origin === publicOrigin && url.origin !== location.origin) {
    return location.origin + url.pathname + url.search + url.hash;
  }
  return url.href;
}

function link(href, label) {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', text: label });
}

const byPosition = (a, b) => a.offset - b.offset || b.length - a.length;

let commandsClickable = false;

/** `clickable`: /commands in the text send themselves when clicked (bot messages). */
export function renderFormatted(text, entities, clickable) {
  commandsClickable = Boolean(clickable);
  const fragment = document.createDocumentFragment();
  const list = (Array.isArray(entities) ? entities : [])
    .filter(
      (e) =>
        e && Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0 && e.offset >= 0 && e.offset < text.length,
    )
    .map((e) => Object.assign({}, e))
    .sort(byPosition);
  build(fragment, text, list, 0, text.length, false);
  return fragment;
}

function build(parent, text, entities, start, end, plain) {
  let pos = start;
  let queue = entities;
  while (queue.length > 0) {
    const e = queue[0];
    const from = Math.max(e.offset, pos);
    const to = Math.min(e.offset + e.length, end);
    const inner = [];
    const rest = [];
    for (let i = 1; i < queue.length; i++) {
      const o = queue[i];
      if (o.offset >= to) rest.push(o);
      else if (o.offset + o.length <= to) inner.push(o);
      else {
        // Crosses the end of this entity: split it in two, as browsers cannot overlap elements.
        inner.push(Object.assign({}, o, { length: to - o.offset }));
        rest.push(Object.assign({}, o, { offset: to, length: o.offset + o.length - to }));
      }
    }
    queue = rest.sort(byPosition);
    if (to <= from) continue;
    if (from > pos) appendPlain(parent, text.slice(pos, from), plain);
    const { node, inside, isPlain } = entityNode(e, text.slice(from, to));
    build(inside, text, inner, from, to, plain || isPlain);
    parent.append(node);
    pos = to;
  }
  if (pos < end) appendPlain(parent, text.slice(pos, end), plain);
}

function entityNode(e, segment) {
  const simple = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's', code: 'code' };
  if (simple[e.type]) {
    const node = h(simple[e.type]);
    return { node, inside: node, isPlain: e.type === 'code' };
  }
  if (e.type === 'pre') {
    const code = h('code', e.language ? { 'data-language': e.language } : {});
    return { node: h('pre', {}, code), inside: code, isPlain: true };
  }
  if (e.type === 'blockquote' || e.type === 'expandable_blockquote') {
    const node = h('blockquote');
    return { node, inside: node, isPlain: false };
  }
  if (e.type === 'spoiler') {
    const node = h('span', { class: 'spoiler', tabindex: '0', role: 'button', 'aria-label': 'Spoiler, press to show' });
    const reveal = () => {
      node.classList.add('revealed');
      node.removeAttribute('role');
      node.removeAttribute('tabindex');
      node.removeAttribute('aria-label');
    };
    node.addEventListener('click', reveal);
    node.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        reveal();
      }
    });
    return { node, inside: node, isPlain: false };
  }
  if (e.type === 'text_link' || e.type === 'url' || e.type === 'email') {
    const raw =
      e.type === 'text_link'
        ? e.url
        : e.type === 'email'
          ? `mailto:${segment}`
          : /^[a-z][a-z0-9+.-]*:/i.test(segment)
            ? segment
            : `https://${segment}`;
    const href = safeHref(raw);
    if (href) {
      const node = h('a', { href, target: '_blank', rel: 'noopener noreferrer' });
      return { node, inside: node, isPlain: true };
    }
  }
  if (e.type === 'bot_command') {
    const node = commandButton(segment);
    return { node, inside: h('span'), isPlain: true };
  }
  const node = h('span', { class: `entity-${String(e.type).replace(/[^a-z_]/g, '')}` });
  return { node, inside: node, isPlain: false };
}

function commandButton(command) {
  if (!commandsClickable) return h('span', { class: 'cmd-text', text: command });
  return h('a', {
    href: '#',
    class: 'cmd',
    title: `Send ${command}`,
    text: command,
    onclick: (ev) => {
      ev.preventDefault();
      actions.sendText(command);
    },
  });
}

// Bare links and /commands in plain text become clickable, as Telegram clients do.
const AUTO = /(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]}»])|(^|[\s(])(\/[A-Za-z][A-Za-z0-9_]{0,31})(?![A-Za-z0-9_/@])/g;

function appendPlain(parent, str, plain) {
  if (plain) {
    parent.append(document.createTextNode(str));
    return;
  }
  let last = 0;
  AUTO.lastIndex = 0;
  for (let m = AUTO.exec(str); m !== null; m = AUTO.exec(str)) {
    const isUrl = m[1] !== undefined;
    const start = isUrl ? m.index : m.index + m[2].length;
    const token = isUrl ? m[1] : m[3];
    const href = isUrl ? safeHref(token) : null;
    if (isUrl && !href) continue;
    if (start > last) parent.append(document.createTextNode(str.slice(last, start)));
    parent.append(isUrl ? link(href, token) : commandButton(token));
    last = start + token.length;
  }
  if (last < str.length) parent.append(document.createTextNode(str.slice(last)));
}
