// Random patterns and texts for property tests of the rule index, built from words that differ
// by case folding in the ways `iu` regexes treat specially: ß/ẞ/ss, ſ (long s), K (Kelvin sign),
// Turkish İ/ı, and Greek sigma.
import fc from 'fast-check';

export const words = ['status', 'Straße', 'STRASSE', 'ſtatus', 'Kelvin', 'kiosk', 'İstanbul', 'istanbul', 'ıi', 'ΣΟΦΟΣ', 'σοφος', 'tr1234-', 'x1234', 'help', 'order', 'money back', 'a.b', 'café', '42'];

/** A word written in another case, or with letters that fold like its own. */
export const variantArb = (word: string) =>
  fc.constantFrom(
    word,
    word.toUpperCase(),
    word.toLowerCase(),
    word.replace(/s/g, 'ſ'),
    word.replace(/k/gi, '\u212a'),
    word.replace(/i/g, 'İ').replace(/I/g, 'ı'),
    word.replace(/ss/gi, 'ß').replace(/ß/g, 'ẞ'),
    word.slice(0, -1),
  );

const escape = (s: string) => s.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&');

const literalArb = fc.constantFrom(...words).map(escape);

/**
 * Pattern pieces: literals, groups, alternations, quantifiers, classes, anchors, lookarounds.
 * Repetition is bounded everywhere except on single literals, so that no generated pattern
 * backtracks for ever (`(?:[a-z]+)+` on a long text would hang the test).
 */
const pieceArb: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
  piece: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literalArb,
    literalArb,
    fc.constantFrom('\\s{1,2}', '\\s?', '\\b', '\\d{1,3}', '.{0,3}', '[a-z]{1,3}', '#?', ' ', '-', '^', '$', '\\w'),
    fc.tuple(tie('piece'), tie('piece')).map(([a, b]) => `(${a}|${b})`),
    fc.tuple(tie('piece'), tie('piece')).map(([a, b]) => `(?:${a}${b})`),
    tie('piece').map((a) => `(?<g>${a})`),
    fc.tuple(tie('piece'), fc.constantFrom('?', '{0}', '{1}', '{2}', '{0,2}', '{1,2}', '??', '{1,2}?')).map(([a, q]) => `(?:${a})${q}`),
    fc.tuple(literalArb, fc.constantFrom('?', '*', '+', '{0}', '{1}', '{2,}')).map(([l, q]) => `${l}${q}`),
    tie('piece').map((a) => `(?=${a})`),
    tie('piece').map((a) => `(?!${a})`),
  ),
})).piece;

/** A regex source that compiles with the `u` flag. */
export const patternArb = fc
  .array(pieceArb, { minLength: 1, maxLength: 4 })
  .map((pieces) => pieces.join(''))
  .filter((source) => {
    try {
      new RegExp(source, 'u');
      return (source.match(/\(\?<g>/g) ?? []).length <= 1; // group names must be unique
    } catch {
      return false;
    }
  });

/** Message text: words in varied case and folding, with spaces, digits and punctuation. */
export const textArb = fc
  .array(fc.oneof(fc.constantFrom(...words).chain(variantArb), fc.constantFrom(' ', '  ', '#', '-', '5', '12345', '?', 'é', '😀')), { maxLength: 8 })
  .map((parts) => parts.join(''));
