// The sandbox web chat: a browser page where a person talks to the real bot through the local
// Telegram stand-in, as one of a few personas. This module wires the parts and starts the page.
import { personas } from './config.js';
import { press, sendText } from './composer.js';
import { els, h } from './dom.js';
import { setConnection } from './header.js';
import { renderPersonas, selectPersona } from './personas.js';
import { actions } from './state.js';
import { connect, load, loadPreviews } from './sync.js';

Object.assign(actions, { sendText, press, load });

window.addEventListener('hashchange', () => selectPersona(location.hash.slice(1)));

renderPersonas();
let saved = null;
try { saved = localStorage.getItem('sandbox-persona'); } catch { /* private mode */ }
const fromHash = location.hash.slice(1);
const first = personas.find((p) => p.id === fromHash) || personas.find((p) => p.id === saved) || personas[0];
if (!first) {
  els.messages.append(h('div', { class: 'empty' }, h('strong', { text: 'No personas configured' })));
} else {
  setConnection('connecting');
  selectPersona(first.id);
  connect();
  loadPreviews();
  if (window.matchMedia('(min-width: 721px)').matches) els.input.focus();
}
