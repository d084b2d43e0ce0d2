// What the server told the page (the JSON in #sandbox-config): where its API lives, who one
// can be, the bot's name and the service's public URL.

export const config = JSON.parse(document.getElementById('sandbox-config').textContent);
export const personas = config.personas;
export const BASE = config.base;
export const publicOrigin = (() => {
  try {
    return new URL(config.publicUrl).origin;
  } catch {
    return null;
  }
})();

export const isGroup = (p) => p && p.chat.type !== 'private';
