// The LaML (TwiML) answer document. This is the only place that writes XML: every text that
// reaches the provider is cleaned and escaped here.
import type { RenderedMessage } from './engine/evaluate.js';

const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
export const emptyResponse = `${declaration}<Response/>`;

// XML 1.0 cannot carry C0 controls other than tab, LF and CR, lone surrogates, or U+FFFE/U+FFFF
// (https://www.w3.org/TR/xml/#charsets). The `u` flag makes \uD800-\uDFFF match only lone halves.
const notXmlChar = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;

/** Removes what XML cannot carry; everything else (emoji, right-to-left text) stays as it is. */
export function cleanText(text: string): string {
  return text.replace(notXmlChar, '');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Escapes text for element content and attribute values alike. CR is kept as a character reference so XML parsers do not turn CRLF into LF. */
export function escapeXml(text: string): string {
  return cleanText(text).replace(/[&<>"'\r]/g, (c) => escapes[c]);
}

export function renderLaml(messages: readonly RenderedMessage[]): string {
  if (messages.length === 0) return emptyResponse;
  let xml = `${declaration}<Response>`;
  for (const m of messages) {
    const to = m.to === null ? '' : ` to="${escapeXml(m.to)}"`;
    if (m.media.length === 0) {
      xml += `<Message${to}>${escapeXml(m.body)}</Message>`;
    } else {
      xml += `<Message${to}><Body>${escapeXml(m.body)}</Body>`;
      for (const url of m.media) xml += `<Media>${escapeXml(url)}</Media>`;
      xml += '</Message>';
    }
  }
  return `${xml}</Response>`;
}
