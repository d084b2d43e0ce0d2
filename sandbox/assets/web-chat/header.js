// The chat's header: who the chat is with, who you are, "typing…" while the bot says it is,
// and whether live updates are connected.
import { config, isGroup } from './config.js';
import { els } from './dom.js';
import { state } from './state.js';

const TYPING_MS = 5000;
let typingTimer = null;

function bookIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M12 6.5C10.3 5.2 7.9 4.5 5 4.5c-1 0-2 .1-3 .3v14c1-.2 2-.3 3-.3 2.9 0 5.3.7 7 2 1.7-1.3 4.1-2 7-2 1 0 2 .1 3 .3v-14c-1-.2-2-.3-3-.3-2.9 0-5.3.7-7 2zm-1 11.6c-1.7-.8-3.7-1.1-6-1.1-.3 0-.7 0-1 .1V6.6c.3 0 .7-.1 1-.1 2.4 0 4.4.5 6 1.5zm9-1c-.3-.1-.7-.1-1-.1-2.3 0-4.3.3-6 1.1V8c1.6-1 3.6-1.5 6-1.5.3 0 .7 0 1 .1z',
  );
  svg.append(path);
  return svg;
}

function headerIdle() {
  const who = [state.current.user.first_name, state.current.user.last_name].filter(Boolean).join(' ');
  return isGroup(state.current) ? `Group chat with the bot · you are ${who}` : `bot · @${config.bot.username} · you are ${who}`;
}

export function renderHeader() {
  clearTimeout(typingTimer);
  const group = isGroup(state.current);
  els.title.textContent = group ? state.current.chat.title || 'Group' : config.bot.first_name;
  els.sub.textContent = headerIdle();
  els.sub.classList.remove('typing');
  if (group) els.avatar.textContent = (state.current.chat.title || 'G').slice(0, 1).toUpperCase();
  else els.avatar.replaceChildren(bookIcon());
  els.avatar.className = `avatar${group ? ' group' : ''}`;
  els.avatar.style.setProperty('--hue', group ? '30' : '210');
}

export function showTyping() {
  els.sub.textContent = 'typing…';
  els.sub.classList.add('typing');
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, TYPING_MS);
}

export function stopTyping() {
  clearTimeout(typingTimer);
  if (!state.current) return;
  els.sub.textContent = headerIdle();
  els.sub.classList.remove('typing');
}

export function setConnection(status) {
  els.conn.dataset.state = status;
  els.conn.textContent = status === 'live' ? 'live' : status === 'polling' ? 'reconnecting' : 'connecting';
  els.conn.title = status === 'live' ? 'Live updates' : 'Live updates unavailable; checking for new messages every few seconds';
}
