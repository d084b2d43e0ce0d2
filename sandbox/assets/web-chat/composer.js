// Where the person writes: the message box, the quick-command chips, the bot's reply keyboard,
// and the two things one can do to the bot — send a text, press an inline button.
import { BASE } from './config.js';
import { els, h, toast } from './dom.js';
import { messageElement, scrollToBottom, upsert } from './messages.js';
import { actions, state } from './state.js';

let replyKeyboard = null;

async function postJson(path, body) {
  const res = await fetch(`${BASE}api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* empty */
  }
  return { ok: res.ok, status: res.status, data };
}

const errorText = (r, fallback) => r?.data?.error?.message || fallback;

export async function sendText(text) {
  if (!state.current || typeof text !== 'string' || text.trim() === '') return false;
  const persona = state.current;
  state.lastActionAt = Date.now();
  els.send.disabled = true;
  try {
    const r = await postJson(`chats/${encodeURIComponent(persona.id)}/send`, { text });
    if (!r.ok) {
      toast(errorText(r, 'Could not send the message'), true);
      return false;
    }
    if (persona === state.current && r.data && r.data.message) upsert(r.data.message, { stick: true });
    scrollToBottom(true);
    if (replyKeyboard?.one_time_keyboard) setReplyKeyboard(null);
    return true;
  } catch {
    toast('The sandbox server cannot be reached', true);
    return false;
  } finally {
    els.send.disabled = false;
  }
}

const busyTimers = new Map();

export function clearBusy(messageId) {
  const node = messageElement(messageId);
  if (node)
    for (const b of node.querySelectorAll('.kb-btn.busy')) {
      b.classList.remove('busy');
      b.removeAttribute('aria-busy');
    }
  clearTimeout(busyTimers.get(messageId));
  busyTimers.delete(messageId);
}

export async function press(messageId, data, button) {
  if (button.classList.contains('busy')) return;
  button.classList.add('busy');
  button.setAttribute('aria-busy', 'true');
  state.lastActionAt = Date.now();
  clearTimeout(busyTimers.get(messageId));
  busyTimers.set(
    messageId,
    setTimeout(() => clearBusy(messageId), 5000),
  );
  try {
    const r = await postJson(`chats/${encodeURIComponent(state.current.id)}/press`, { messageId, data });
    if (!r.ok) {
      clearBusy(messageId);
      toast(r.status === 409 ? 'This button is no longer available' : errorText(r, 'Could not press the button'), true);
      if (r.status === 404 || r.status === 409) actions.load(false);
    }
  } catch {
    clearBusy(messageId);
    toast('The sandbox server cannot be reached', true);
  }
}

export function setReplyKeyboard(markup) {
  replyKeyboard = markup && Array.isArray(markup.keyboard) ? markup : null;
  els.replyKb.replaceChildren();
  els.replyKb.hidden = !replyKeyboard;
  if (!replyKeyboard) return;
  for (const row of replyKeyboard.keyboard) {
    const buttons = row.map((b) => {
      const label = typeof b === 'string' ? b : String(b.text || '');
      return h('button', {
        type: 'button',
        class: 'kb-btn',
        'data-testid': 'reply-keyboard-button',
        text: label,
        onclick: () => sendText(label),
      });
    });
    els.replyKb.append(h('div', { class: 'kb-row' }, ...buttons));
  }
}

// The chips are the bot's own command menu for the chat (what setMyCommands set, as Telegram
// shows it beside the message box): the server sends it with the transcript. Kept per persona, so
// switching back shows them at once.
const chipsOf = new Map();

export function renderChips(p, commands) {
  if (Array.isArray(commands)) chipsOf.set(p.id, commands);
  const list = chipsOf.get(p.id) || [];
  els.chips.replaceChildren(
    ...list.map((c) => {
      const cmd = `/${c.command}`;
      return h('button', {
        type: 'button',
        class: 'chip',
        'data-testid': 'quick-command',
        'data-command': cmd,
        title: c.description || cmd,
        text: cmd,
        onclick: () => sendText(cmd),
      });
    }),
  );
}

function autosize() {
  els.input.style.height = 'auto';
  els.input.style.height = `${Math.min(els.input.scrollHeight + 2, 144)}px`;
}

els.input.addEventListener('input', autosize);
els.input.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    els.form.requestSubmit();
  }
});
els.form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = els.input.value;
  if (text.trim() === '') {
    els.input.focus();
    return;
  }
  els.input.value = '';
  autosize();
  const ok = await sendText(text);
  if (!ok && els.input.value === '') {
    els.input.value = text;
    autosize();
  }
  els.input.focus();
});
