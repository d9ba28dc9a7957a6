// How keywords and stop words are compared: upper case, with punctuation around the word ignored.

const outerPunctuation = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function normalizeWord(word: string): string {
  return word.trim().toUpperCase().replace(outerPunctuation, '');
}

/** The message's first word (normalised) and the rest of the text after it. */
export function splitFirstWord(body: string): { word: string; args: string } {
  const text = body.trim();
  const m = /\s/.exec(text);
  if (!m) return { word: normalizeWord(text), args: '' };
  return { word: normalizeWord(text.slice(0, m.index)), args: text.slice(m.index).trim() };
}
