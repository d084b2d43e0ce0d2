// What several parts of the page share: the persona on screen, when the person last acted, and
// the actions one part asks of another (wired in main.js, so no module imports its caller).

export const state = {
  current: null, // the persona
  lastActionAt: 0, // when the person last sent or pressed something
};

/** sendText(text), press(messageId, data, button), load(initial): filled in by main.js. */
export const actions = {};
