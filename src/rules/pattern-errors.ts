// The JavaScript engine's reasons for refusing a pattern, said in plain words (the engine's own
// words stay in the message, since they are what a search engine will find).

const explanations: [RegExp, string, string?][] = [
  [/Unterminated group/, 'a "(" is never closed with ")"', 'add the missing ")", or write \\( for a real bracket'],
  [/Unmatched '\)'/, 'a ")" has no "(" before it', 'remove it, or write \\) for a real bracket'],
  [/Nothing to repeat/, '"*", "+", "?" or "{" has nothing before it to repeat', 'write \\* \\+ \\? or \\{ to mean the character itself'],
  [/Unterminated character class/, 'a "[" is never closed with "]"', 'add the missing "]", or write \\[ for a real bracket'],
  [/Lone quantifier brackets|Incomplete quantifier/, 'a "{" or "}" is not part of a count like {2} or {1,3}', 'write \\{ or \\} to mean the character itself'],
  [/Invalid escape|Invalid Unicode escape|Invalid decimal escape/, 'a backslash is followed by a character that has no special meaning', 'remove the backslash before ordinary letters, spaces and punctuation such as - or !'],
  [/Duplicate capture group name/, 'the same group name is used twice in one pattern', 'give each (?<name>...) its own name'],
  [/Invalid capture group name/, 'a group name must start with a letter and contain only letters, digits and _', undefined],
  [/Invalid group/, '"(?" must be followed by ":", "=", "!", "<=", "<!" or "<name>"', 'write \\( and \\? to mean the characters themselves'],
  [/Range out of order/, 'a range like [z-a] runs backwards', 'write the smaller character first, e.g. [a-z]'],
  [/numbers out of order/, 'a count like {5,2} has the bigger number first', 'write the smaller number first, e.g. {2,5}'],
  [/Invalid property name/, 'unknown \\p{...} character class', 'e.g. \\p{L} (letters) or \\p{N} (digits)'],
];

export function explainPatternError(source: string, engineMessage: string): { message: string; hint?: string } {
  const reason = engineMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  const found = explanations.find(([re]) => re.test(reason));
  const plain = found ? found[1] : 'this is not a valid pattern';
  return { message: `the pattern "${source}" cannot be used: ${plain} (the engine says: ${reason})`, hint: found?.[2] };
}
