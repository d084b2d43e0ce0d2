// The sandbox web chat: a browser page where a person talks to the real bot through the local
// Telegram stand-in, as one of a few personas. This module wires the parts and starts the page.

import { press, sendText } from './composer.js';
import { isGroup, personas } from './config.js';
import { els, h, toast } from './dom.js';
import { setConnection } from './header.js';
import { renderPersonas, selectPersona } from './personas.js';
import { actions } from './state.js';
import { connect, load, loadPreviews } from './sync.js';

Object.assign(actions, { sendText, press, load });

window.addEventListener('hashchange', () => selectPersona(location.hash.slice(1)));

renderPersonas();
let saved = null;
try {
  saved = localStorage.getItem('sandbox-persona');
} catch {
  /* private mode */
}
const fromHash = location.hash.slice(1);
// A deep link (`?start=<code>`, what the API's telegram-link answers while the sandbox stands in
// for Telegram): it opens a private chat with `/start <code>` typed in, for the person to send.
const startCode = new URLSearchParams(location.search).get('start');
const deepLink = startCode && /^[A-Za-z0-9_-]{1,64}$/.test(startCode) ? startCode : null;
const chosen = personas.find((p) => p.id === fromHash) || personas.find((p) => p.id === saved) || personas[0];
const first = deepLink && chosen && isGroup(chosen) ? personas.find((p) => !isGroup(p)) || chosen : chosen;
if (!first) {
  els.messages.append(h('div', { class: 'empty' }, h('strong', { text: 'No personas configured' })));
} else {
  setConnection('connecting');
  selectPersona(first.id);
  connect();
  loadPreviews();
  if (deepLink) {
    els.input.value = `/start ${deepLink}`;
    els.input.dispatchEvent(new Event('input'));
    // Once typed in, the link has done its job: a reload does not type it again.
    history.replaceState(null, '', location.pathname + location.hash);
    els.input.focus();
    toast('Press Send to link this chat’s Telegram user to your account.');
  } else if (window.matchMedia('(min-width: 721px)').matches) {
    els.input.focus();
  }
}
