// Keeping the page in step with the chat: the transcript read from the server, then live
// events over server-sent events (with polling while the stream is down), and the last line of
// every other chat for the persona picker.
//
// A transcript and the event stream arrive by different roads, so either can overtake the
// other. The server numbers every event (`seq`) and says up to which event a transcript is
// current; events that come in while a transcript is on its way are kept, and those after it
// are replayed on top of it, so a transcript read a moment ago never deletes a message or
// undoes an edit that the stream has already shown.

import { clearBusy, renderChips, setReplyKeyboard } from './composer.js';
import { BASE, personas } from './config.js';
import { showAlert, toast } from './dom.js';
import { safeHref } from './format.js';
import { setConnection, showTyping, stopTyping } from './header.js';
import { listSeq, reconcile, removeMessage, scrollToBottom, upsert } from './messages.js';
import { countUnread, notePreview, previewedMessageId } from './personas.js';
import { state } from './state.js';

const POLL_MS = 2000;
const CHANGES = new Set(['message', 'edit', 'delete']);
let loadSeq = 0;
let loadsInFlight = 0;
let arrivedDuringLoad = []; // message, edit and delete events, while a transcript is on its way
let live = false;
let pollTimer = null;

export async function load(initial) {
  const persona = state.current;
  const seq = ++loadSeq;
  loadsInFlight++;
  let data = null;
  try {
    const res = await fetch(`${BASE}api/chats/${encodeURIComponent(persona.id)}/messages`, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    data = await res.json();
  } catch {
    if (initial) toast('Could not load the chat; retrying…', true);
  }
  const arrived = arrivedDuringLoad;
  if (--loadsInFlight === 0) arrivedDuringLoad = [];
  if (!data || seq !== loadSeq || persona !== state.current) return;
  // Events up to data.seq are in the transcript; the later ones (already on screen) go on top.
  const later = arrived.filter((ev) => ev.chatId === persona.chat.id && ev.seq > data.seq);
  const chat = replay(data.messages, data.reply_keyboard, later);
  reconcile(chat.messages, data.seq);
  setReplyKeyboard(chat.replyKeyboard);
  renderChips(persona, data.commands);
  const last = chat.messages[chat.messages.length - 1];
  if (last) notePreview(persona.chat.id, last);
  if (initial) scrollToBottom(false);
}

/** The transcript with these (later) events applied, as the server applied them. */
function replay(messages, replyKeyboard, events) {
  const byId = new Map(messages.map((m) => [m.message_id, m]));
  let keyboard = replyKeyboard;
  for (const ev of events) {
    const m = ev.message;
    if (ev.type === 'delete') byId.delete(m.message_id);
    else byId.set(m.message_id, m);
    if (ev.type !== 'message') continue;
    const markup = m.reply_markup;
    if (m.from === 'bot' && markup && Array.isArray(markup.keyboard)) keyboard = markup;
    else if (m.from === 'bot' && markup && markup.remove_keyboard) keyboard = null;
    else if (m.from === 'user' && keyboard && keyboard.one_time_keyboard) keyboard = null;
  }
  return { messages: [...byId.values()].sort((a, b) => a.message_id - b.message_id), replyKeyboard: keyboard };
}

function startPolling() {
  if (pollTimer) return;
  pollTimer = setInterval(() => {
    if (state.current) load(false);
  }, POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function handleEvent(ev) {
  if (!ev || typeof ev.chatId !== 'number') return;
  const isChange = CHANGES.has(ev.type) && ev.message;
  if (isChange && loadsInFlight > 0) arrivedDuringLoad.push(ev);
  const here = state.current && ev.chatId === state.current.chat.id;
  // Already in the transcript the list shows: applying it again could only go back in time.
  if (here && isChange && ev.seq <= listSeq()) {
    if (ev.type === 'edit') clearBusy(ev.message.message_id);
    return;
  }
  if (ev.type === 'message' || (ev.type === 'edit' && previewedMessageId(ev.chatId) === ev.message.message_id)) {
    notePreview(ev.chatId, ev.message);
  }
  if (!here) {
    if (ev.type === 'message' && ev.message && ev.message.from === 'bot') {
      countUnread(ev.chatId);
    }
    return;
  }
  switch (ev.type) {
    case 'message': {
      if (ev.message.from === 'bot') {
        stopTyping();
        const markup = ev.message.reply_markup;
        if (markup && Array.isArray(markup.keyboard)) setReplyKeyboard(markup);
        else if (markup?.remove_keyboard) setReplyKeyboard(null);
      }
      upsert(ev.message, { stick: ev.message.from === 'user' });
      break;
    }
    case 'edit':
      upsert(ev.message);
      clearBusy(ev.message.message_id);
      break;
    case 'delete':
      removeMessage(ev.message.message_id, true);
      break;
    case 'callback_answer': {
      const answer = ev.answer || {};
      if (answer.messageId !== undefined) clearBusy(answer.messageId);
      if (answer.text) (answer.show_alert ? showAlert : toast)(answer.text);
      const href = answer.url ? safeHref(answer.url) : null;
      if (href) window.open(href, '_blank', 'noopener');
      break;
    }
    case 'chat_action':
      if (ev.action === 'typing') showTyping();
      break;
  }
}

let source = null;
export function connect() {
  if (!('EventSource' in window)) {
    setConnection('polling');
    startPolling();
    return;
  }
  source = new EventSource(`${BASE}api/events`);
  source.addEventListener('ready', () => {
    const wasLive = live;
    live = true;
    setConnection('live');
    stopPolling();
    // Events sent while we were away are gone: read the chat again.
    if (!wasLive && state.current) load(false);
  });
  source.onmessage = (e) => {
    let ev;
    try {
      ev = JSON.parse(e.data);
    } catch {
      return;
    }
    handleEvent(ev);
  };
  source.onerror = () => {
    live = false;
    setConnection('polling');
    startPolling();
    if (source.readyState === EventSource.CLOSED) {
      source = null;
      setTimeout(connect, 5000);
    }
  };
}

export async function loadPreviews() {
  await Promise.all(
    personas
      .filter((p) => p !== state.current)
      .map(async (p) => {
        try {
          const res = await fetch(`${BASE}api/chats/${encodeURIComponent(p.id)}/messages`, {
            headers: { accept: 'application/json' },
          });
          if (!res.ok) return;
          const data = await res.json();
          const last = data.messages[data.messages.length - 1];
          if (last) notePreview(p.chat.id, last);
        } catch {
          /* previews are a nicety */
        }
      }),
  );
}
