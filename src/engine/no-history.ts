// The History of a number that never texted before: what the rules file's own tests and
// `autoreply try` (without --db) decide against, so each message is judged on its own.
import type { History } from './evaluate.js';

export const noHistory: History = {
  lastReplyAt: () => undefined,
  repliesSince: () => 0,
  isOptedOut: () => false,
};
