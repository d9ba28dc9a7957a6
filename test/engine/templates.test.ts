import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { createTemplateEngine, formatDate } from '../../src/engine/templates.js';

const engine = createTemplateEngine('Europe/Berlin');
const render = (text: string, context: Record<string, unknown> = {}) => {
  const { template, problems } = engine.compile(text);
  if (!template) throw new Error(problems.map((p) => p.message).join('; '));
  return template.render(context);
};

describe('templates', () => {
  it('render plain text without HTML escaping', () => {
    expect(render('{{Body}}', { Body: `<a href="x">&'</a>` })).toBe(`<a href="x">&'</a>`);
  });

  it.each([
    ['{{upper Body}}', 'Grüße', 'GRÜSSE'],
    ['{{lower Body}}', 'HeLLo', 'hello'],
    ['{{trim Body}}', '  hi  ', 'hi'],
    ['{{truncate Body 3}}', 'a😀bcd', 'a😀b'],
    ['{{default Body "friend"}}', '  ', 'friend'],
    ['{{default Body "friend"}}', 'Anna', 'Anna'],
    ['{{#if Body}}yes{{else}}no{{/if}}', '', 'no'],
  ])('%s with %j → %j', (text, body, expected) => {
    expect(render(text, { Body: body })).toBe(expected);
  });

  it('renders text without placeholders exactly as Handlebars does, braces and backslashes included', () => {
    const pieces = fc.constantFrom('{', '}', '\\', '{{', '\\{{', 'a', ' ', '\n', '~', '#', '/', '&', 'é', '😀', '{{{');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }).map((xs) => xs.join('')), (text) => {
        let expected: string;
        try {
          expected = Handlebars.compile(text, { noEscape: true })({});
        } catch {
          return; // not a valid template: refused at load, tested elsewhere
        }
        const { template } = engine.compile(text);
        if (!template) return; // refused by our own checks (unknown helper, ...)
        expect(template.render({})).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('formats dates in the rules time zone', () => {
    expect(render('{{date now "ddd dd.MM.yyyy HH:mm"}}', { now: '2026-12-24T18:30:00.000Z' })).toBe('Thu 24.12.2026 19:30');
    expect(formatDate('2026-07-01T12:00:00Z', 'HH:mm', 'Europe/Berlin')).toBe('14:00');
  });

  it('leaves unknown variables empty', () => {
    expect(render('Hi {{name}}!')).toBe('Hi !');
  });

  it('refuses unknown helpers when loading, with their position', () => {
    const { template, problems } = engine.compile('Hi\n  {{shout Body}}');
    expect(template).toBeUndefined();
    expect(problems).toEqual([{ message: 'unknown helper "shout"', line: 2, column: 4, kind: 'unknown-helper' }]);
  });

  it.each([
    ['{{#if x}}open', /never closed/],
    ['{{Body', /closing }} missing|not closed/],
    ['{{#if x}}a{{/each}}', /names must be the same/],
    ['{{/if}}', /no matching/],
  ])('explains the syntax error in %j', (text, message) => {
    const { problems } = engine.compile(text);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(message);
  });

  it('lists the variables a template reads', () => {
    const { template } = engine.compile('{{upper name}} {{#if order}}{{order}}{{/if}} {{@index}} {{this}}');
    expect(template!.variables.map((v) => v.name)).toEqual(['name', 'order', 'order']);
  });
});
