import { describe, expect, it } from 'vitest';
import { cleanText, emptyResponse, escapeXml, renderLaml } from '../src/laml.js';
import { parseLaml } from './support/laml.js';

describe('LaML', () => {
  it('answers no messages with an empty <Response/>', () => {
    expect(renderLaml([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(emptyResponse).toBe(renderLaml([]));
  });

  it('escapes markup characters in text and attributes', () => {
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
    const xml = renderLaml([{ to: '+1"<>', body: 'a & b', media: ['https://x/?a=1&b=2'] }]);
    expect(xml).toContain('to="+1&quot;&lt;&gt;"');
    expect(parseLaml(xml)).toEqual([{ to: '+1"<>', body: 'a & b', media: ['https://x/?a=1&b=2'] }]);
  });

  it.each([
    ['C0 controls except tab, LF, CR', 'a\u0000\u0001\u0008\u000B\u000C\u000E\u001Fb\t\n\r', 'ab\t\n\r'],
    ['lone surrogates', 'a\uD800b\uDC00c', 'abc'],
    ['U+FFFE and U+FFFF', 'a\uFFFEb\uFFFFc', 'abc'],
    ['emoji (surrogate pairs) stay', 'hi 😀👍🏽', 'hi 😀👍🏽'],
    ['right-to-left text stays', 'שלום مرحبا', 'שלום مرحبا'],
  ])('removes what XML cannot carry: %s', (_name, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it('keeps CR through XML parsing', () => {
    expect(parseLaml(renderLaml([{ to: null, body: 'a\r\nb\rc', media: [] }]))[0].body).toBe('a\r\nb\rc');
  });
});
