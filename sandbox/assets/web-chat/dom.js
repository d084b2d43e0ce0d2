// Small DOM helpers (text only ever goes in through textContent), the page's elements, and the
// notices it shows: toasts and the alert box a callback answer can ask for.

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
export const $ = (id) => document.getElementById(id);

export const els = {
  personas: $('personas'),
  personasMore: $('personas-more'),
  messages: $('messages'),
  title: $('chat-title'),
  sub: $('chat-sub'),
  avatar: $('chat-avatar'),
  conn: $('conn'),
  chips: $('chips'),
  replyKb: $('reply-kb'),
  form: $('composer'),
  input: $('input'),
  send: $('send'),
  toasts: $('toasts'),
  alert: $('alert'),
  alertText: $('alert-text'),
  alertOk: $('alert-ok'),
  toBottom: $('to-bottom'),
  toBottomCount: $('to-bottom-count'),
};

export function toast(text, isError) {
  const node = h('div', { class: `toast${isError ? ' error' : ''}`, 'data-testid': 'toast', text });
  els.toasts.append(node);
  while (els.toasts.children.length > 3) els.toasts.firstChild.remove();
  setTimeout(() => node.remove(), isError ? 5000 : 3500);
}

export function showAlert(text) {
  els.alertText.textContent = text;
  els.alert.hidden = false;
  els.alertOk.focus();
}
els.alertOk.addEventListener('click', () => {
  els.alert.hidden = true;
  els.input.focus();
});
els.alert.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') els.alertOk.click();
});
