// The persona picker: one tab per persona (a sidebar on desktop, a row of chips on a phone),
// each with the chat's last line and a count of bot messages not yet seen; choosing one
// switches the page to that chat.

import { renderChips, setReplyKeyboard } from './composer.js';
import { isGroup, personas } from './config.js';
import { $, els, h } from './dom.js';
import { renderHeader } from './header.js';
import { clearMessages, messageCount } from './messages.js';
import { actions, state } from './state.js';

const unread = new Map(); // chat id → count of bot messages not yet seen
const previews = new Map(); // chat id → { id, text, from }

function initials(p) {
  const parts = [p.user.first_name, p.user.last_name].filter(Boolean);
  return (
    parts
      .map((s) => s.trim()[0] || '')
      .join('')
      .toUpperCase()
      .slice(0, 2) || '?'
  );
}

function chatKind(p) {
  return isGroup(p) ? `${p.chat.title || 'Group'} · group chat` : 'Private chat with the bot';
}

/** On a phone the personas are one row that scrolls sideways: the hint shows while more is to the right. */
function updateScrollHint() {
  const row = els.personas;
  els.personasMore.hidden = row.scrollLeft + row.clientWidth >= row.scrollWidth - 2;
  row.parentElement.toggleAttribute('data-scrolled', row.scrollLeft > 2);
}

export function renderPersonas() {
  els.personas.replaceChildren();
  personas.forEach((p, index) => {
    const avatar = h('span', { class: `avatar${isGroup(p) ? ' group' : ''}`, 'aria-hidden': 'true', text: initials(p) });
    avatar.style.setProperty('--hue', String([205, 150, 330, 275, 30, 180][index % 6]));
    const tab = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'persona',
        id: `persona-${p.id}`,
        'aria-selected': 'false',
        'aria-controls': 'chat',
        'aria-label': p.label,
        'data-testid': 'persona-tab',
        'data-persona-id': p.id,
        tabindex: '-1',
        title: `${p.label} — ${chatKind(p)}`,
      },
      avatar,
      h(
        'span',
        { class: 'p-main' },
        h('span', { class: 'p-name', text: p.label }),
        h('span', { class: 'p-sub', 'data-role': 'preview', text: chatKind(p) }),
      ),
      h('span', { class: 'badge', 'data-role': 'badge', hidden: true }),
    );
    tab.addEventListener('click', () => selectPersona(p.id));
    els.personas.append(tab);
  });
  els.personas.addEventListener('scroll', updateScrollHint, { passive: true });
  window.addEventListener('resize', updateScrollHint);
  els.personasMore.addEventListener('click', () =>
    els.personas.scrollBy({ left: els.personas.clientWidth * 0.7, behavior: 'smooth' }),
  );
  updateScrollHint();
  els.personas.addEventListener('keydown', (ev) => {
    const keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
    if (!(ev.key in keys) && ev.key !== 'Home' && ev.key !== 'End') return;
    ev.preventDefault();
    const i = personas.indexOf(state.current);
    const next =
      ev.key === 'Home' ? 0 : ev.key === 'End' ? personas.length - 1 : (i + keys[ev.key] + personas.length) % personas.length;
    selectPersona(personas[next].id);
    $(`persona-${personas[next].id}`).focus();
  });
}

function tabsFor(chatId) {
  return personas
    .filter((p) => p.chat.id === chatId)
    .map((p) => $(`persona-${p.id}`))
    .filter(Boolean);
}

export function refreshPersonaInfo(chatId) {
  const preview = previews.get(chatId);
  const count = unread.get(chatId) || 0;
  for (const tab of tabsFor(chatId)) {
    const p = personas.find((x) => x.id === tab.dataset.personaId);
    tab.querySelector('[data-role="preview"]').textContent = preview
      ? (preview.from === 'user' ? 'You: ' : '') + preview.text
      : chatKind(p);
    const badge = tab.querySelector('[data-role="badge"]');
    badge.hidden = count === 0;
    badge.textContent = String(count);
    tab.setAttribute('aria-label', count ? `${p.label} (${count} new)` : p.label);
  }
}

export function notePreview(chatId, entry) {
  if (!entry || entry.deleted) return;
  const firstLine =
    String(entry.text || '')
      .split('\n')
      .find((l) => l.trim()) || '';
  previews.set(chatId, { id: entry.message_id, text: firstLine.slice(0, 120), from: entry.from });
  refreshPersonaInfo(chatId);
}

/** The message a chat's preview line shows, so that an edit of it updates the preview. */
export function previewedMessageId(chatId) {
  return previews.get(chatId)?.id;
}

/** One more bot message in a chat that is not on screen. */
export function countUnread(chatId) {
  unread.set(chatId, (unread.get(chatId) || 0) + 1);
  refreshPersonaInfo(chatId);
}

export function selectPersona(id) {
  const p = personas.find((x) => x.id === id) || personas[0];
  if (!p) return;
  const changed = state.current !== p;
  state.current = p;
  try {
    localStorage.setItem('sandbox-persona', p.id);
  } catch {
    /* private mode */
  }
  if (location.hash !== `#${p.id}`) history.replaceState(null, '', `#${p.id}`);
  for (const tab of els.personas.children) {
    const selected = tab.dataset.personaId === p.id;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  const tab = $(`persona-${p.id}`);
  if (tab) tab.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  updateScrollHint();
  unread.delete(p.chat.id);
  refreshPersonaInfo(p.chat.id);
  if (!changed && messageCount() > 0) return;
  renderHeader();
  renderChips(p);
  setReplyKeyboard(null);
  clearMessages();
  document.title = `${p.label} · Sandbox chat`;
  actions.load(true);
}
