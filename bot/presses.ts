// The conversations' one way of waiting for an answer (borrow, extend).
import type { BotConversation, ConvContext } from './context.js';

/**
 * Waits for a press on this conversation's buttons (`answers` parses their callback data). Anything
 * else (a command, a search, another menu) ends the conversation and is handled as usual, so the
 * reader is never stuck in it.
 */
export async function nextPress<T>(
  conversation: BotConversation,
  answers: { parse(data: string): T | undefined },
): Promise<{ press: ConvContext; answer: T }> {
  const press = await conversation.wait();
  const data = press.callbackQuery?.data;
  const answer = data === undefined ? undefined : answers.parse(data);
  if (answer === undefined) return conversation.halt({ next: true });
  await press.answerCallbackQuery();
  return { press, answer };
}
