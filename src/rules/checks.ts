// The checks that run on every rules file the server or `autoreply check` loads: how slow each
// pattern can get, the file's own tests, and the warnings. Both use exactly this list, so a file
// that `check` passes is a file the server loads.
import type { PatternVerdict } from './compile.js';
import { runFileTests } from './file-tests.js';
import type { ParseOptions } from './parse.js';
import { judgePattern, unguardedLength } from './pattern-safety.js';
import { warnStopWordRules, warnUnreachableRules } from './reachability.js';
import { warnLongFixedReplies } from './reply-size.js';
import { warnUnknownVariables } from './template-variables.js';
import { patternTimeLimitMs } from '../engine/guarded-pattern.js';

export function standardChecks(): ParseOptions {
  return {
    checkPattern: checkPatternSpeed,
    checks: [
      (rs, doc) => runFileTests(rs, doc).problems,
      warnUnreachableRules,
      warnStopWordRules,
      warnUnknownVariables,
      warnLongFixedReplies,
    ],
  };
}

export function checkPatternSpeed(source: string, flags: string): PatternVerdict {
  const j = judgePattern(source, flags);
  const part = j.hotspot ? ` (look at "${j.hotspot}")` : '';
  if (j.exponential) {
    return {
      problem: {
        severity: 'error',
        message: `the pattern "${source}" can take practically forever on some messages${part}: a repeated group can match the same text in many different ways, and the computer tries them all`,
        hint: 'repeat single characters or sets instead of groups of repeats: write (a+)+ as a+, (\\w+\\s?)* as [\\w\\s]*, and (.*)* as .*',
      },
    };
  }
  const unguardedUpTo = unguardedLength(j.degree);
  // Only a degree recheck confirmed is worth a warning: a guess would make `check` flaky.
  if (j.confirmed && j.degree >= 3 && Number.isFinite(j.degree)) {
    return {
      unguardedUpTo,
      problem: {
        severity: 'warning',
        message: `the pattern "${source}" can become very slow on long messages${part}: a message twice as long can take ${2 ** j.degree} times as long to check, so autoreply stops it after ${patternTimeLimitMs / 1000} seconds and records the message as an error`,
        hint: 'each ".*", "\\s*" or "+" that can take the same characters as its neighbour multiplies the work; remove those that are not needed, or split the pattern into a list',
      },
    };
  }
  return { unguardedUpTo };
}
