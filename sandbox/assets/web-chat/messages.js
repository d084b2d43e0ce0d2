// The message list of the chat on screen: bubbles with their inline keyboards, kept in
// message_id order, updated in place on edits, and scrolled the way a chat app scrolls (new
// messages follow the bottom; below it they are counted on the "scroll down" button).
import { config, isGroup } from './config.js';
import { els, h, toast } from './dom.js';
import { renderFormatted, safeHref } from './format.js';
import { actions, state } from './state.js';

const FOLLOW_MS = 5000; // answers within this time scroll into view

let nodes = new Map(); // message_id → element, for the current chat
let unseenBelow = 0;
let shownSeq = 0; // the list holds the chat as of this event (see sync.js)

const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

function signature(entry) {
  return JSON.stringify([entry.text, entry.entities || null, entry.reply_markup || null, entry.edited]);
}

function messageNode(entry) {
  const node = h('div', {
    class: `msg ${entry.from === 'bot' ? 'bot' : 'user'}`,
    'data-testid': 'message',
    'data-message-id': entry.message_id,
    'data-from': entry.from,
  });
  fillMessage(node, entry);
  return node;
}

function fillMessage(node, entry) {
  node.dataset.sig = signature(entry);
  node.classList.toggle('edited', Boolean(entry.edited));
  node.toggleAttribute('data-edited', Boolean(entry.edited));
  const bubble = h('div', { class: 'bubble' });
  if (entry.from === 'bot' && isGroup(state.current)) bubble.append(h('div', { class: 'sender', text: config.bot.first_name }));
  const content = h('span', { class: 'content', 'data-testid': 'message-text' });
  content.append(renderFormatted(String(entry.text || ''), entry.entities, entry.from === 'bot'));
  const sent = new Date(entry.date * 1000);
  const meta = h(
    'span',
    { class: 'meta', title: sent.toLocaleString() },
    entry.edited ? 'edited · ' : '',
    h('time', { datetime: sent.toISOString(), text: timeFormat.format(sent) }),
  );
  bubble.append(h('div', { class: 'text' }, content, meta));
  const children = [bubble];
  const keyboard = inlineKeyboard(entry);
  if (keyboard) children.push(keyboard);
  node.replaceChildren(...children);
}

function inlineKeyboard(entry) {
  const markup = entry.reply_markup;
  if (!markup || !Array.isArray(markup.inline_keyboard)) return null;
  const rows = markup.inline_keyboard.filter((row) => Array.isArray(row) && row.length > 0);
  if (rows.length === 0) return null;
  const kb = h('div', { class: 'kb', role: 'group', 'aria-label': 'Message buttons', 'data-testid': 'inline-keyboard' });
  for (const row of rows) kb.append(h('div', { class: 'kb-row' }, ...row.map((b) => inlineButton(entry, b))));
  return kb;
}

function inlineButton(entry, b) {
  const label = String(b.text || '');
  if (typeof b.callback_data === 'string') {
    const button = h('button', {
      type: 'button',
      class: 'kb-btn',
      'data-testid': 'keyboard-button',
      'data-callback-data': b.callback_data,
      text: label,
    });
    button.addEventListener('click', () => actions.press(entry.message_id, b.callback_data, button));
    return button;
  }
  if (typeof b.url === 'string') {
    const href = safeHref(b.url);
    if (href)
      return h('a', {
        class: 'kb-btn url',
        href,
        target: '_blank',
        rel: 'noopener',
        'data-testid': 'keyboard-button',
        'data-url': href,
        text: label,
      });
  }
  if (b.copy_text && typeof b.copy_text.text === 'string') {
    return h('button', {
      type: 'button',
      class: 'kb-btn',
      'data-testid': 'keyboard-button',
      text: label,
      onclick: () =>
        navigator.clipboard.writeText(b.copy_text.text).then(
          () => toast('Copied'),
          () => toast('Could not copy', true),
        ),
    });
  }
  return h('button', {
    type: 'button',
    class: 'kb-btn',
    'data-testid': 'keyboard-button',
    disabled: true,
    title: 'This kind of button is not available in the sandbox',
    text: label,
  });
}

export function nearBottom() {
  const list = els.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

export function scrollToBottom(smooth) {
  els.messages.scrollTo({ top: els.messages.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
  unseenBelow = 0;
  updateToBottom();
}

export function updateToBottom() {
  els.toBottom.hidden = nearBottom();
  els.toBottomCount.hidden = unseenBelow === 0;
  els.toBottomCount.textContent = String(unseenBelow);
}

export function showEmpty() {
  if (nodes.size > 0 || els.messages.querySelector('.empty')) return;
  const hint = isGroup(state.current)
    ? 'Staff notifications from the library arrive here. Try /admin or /admin overdue.'
    : 'Say hello to the library bot: press /start below or type a message.';
  els.messages.append(h('div', { class: 'empty', 'data-testid': 'empty-chat' }, h('strong', { text: 'No messages yet' }), hint));
}

function hideEmpty() {
  const empty = els.messages.querySelector('.empty');
  if (empty) empty.remove();
}

/** Adds a message or updates it in place; returns true when something changed. */
export function upsert(entry, opts) {
  if (!entry || entry.deleted) return false;
  const existing = nodes.get(entry.message_id);
  const atBottom = nearBottom();
  if (existing) {
    if (existing.dataset.sig === signature(entry)) return false;
    fillMessage(existing, entry);
    // An edit can grow the message: stay at the bottom if we were there.
    if (atBottom) scrollToBottom(false);
    else updateToBottom();
    return true;
  }
  // New messages follow the bottom, and so does the answer to something just sent or pressed.
  const stick = opts?.stick || atBottom || (!opts?.quiet && Date.now() - state.lastActionAt < FOLLOW_MS);
  hideEmpty();
  const node = messageNode(entry);
  let before = null;
  for (const [id, other] of nodes)
    if (id > entry.message_id && (!before || id < Number(before.dataset.messageId))) before = other;
  els.messages.insertBefore(node, before);
  nodes.set(entry.message_id, node);
  if (stick) scrollToBottom(false);
  else if (!opts?.quiet) {
    unseenBelow++;
    updateToBottom();
  }
  return true;
}

export function removeMessage(id, animate) {
  const node = nodes.get(id);
  if (!node) return;
  nodes.delete(id);
  if (!animate) {
    node.remove();
    showEmpty();
    return;
  }
  node.removeAttribute('data-testid');
  node.classList.add('leaving');
  setTimeout(() => {
    node.remove();
    showEmpty();
  }, 200);
}

/** Makes the list match the chat as of event `seq` (a transcript with later events replayed). */
export function reconcile(messages, seq) {
  const keep = new Set(messages.map((m) => m.message_id));
  for (const id of [...nodes.keys()]) if (!keep.has(id)) removeMessage(id, false);
  for (const m of messages) upsert(m, { quiet: true });
  if (nodes.size === 0) showEmpty();
  shownSeq = seq;
  els.messages.dataset.seq = String(seq);
}

/** The event the list is current to: a message, edit or delete numbered up to it is in it already. */
export function listSeq() {
  return shownSeq;
}

/** The element of a message on screen, if it is. */
export function messageElement(id) {
  return nodes.get(id);
}

export function messageCount() {
  return nodes.size;
}

/** Empties the list for another chat. */
export function clearMessages() {
  nodes = new Map();
  shownSeq = 0;
  delete els.messages.dataset.seq;
  els.messages.replaceChildren();
  unseenBelow = 0;
  updateToBottom();
}

els.messages.addEventListener(
  'scroll',
  () => {
    if (nearBottom()) unseenBelow = 0;
    updateToBottom();
  },
  { passive: true },
);
els.toBottom.addEventListener('click', () => scrollToBottom(true));
