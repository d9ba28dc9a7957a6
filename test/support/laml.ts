// Parses a LaML answer the way a provider would, to compare message texts exactly.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface ParsedMessage {
  to?: string;
  body: string;
  media: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // decodes numeric references such as &#13;
  isArray: (name) => name === 'Message' || name === 'Media',
});

export function parseLaml(xml: string): ParsedMessage[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}\n${xml}`);
  const doc = parser.parse(xml);
  if (!('Response' in doc)) throw new Error(`no <Response> in ${xml}`);
  const messages = (doc.Response?.Message ?? []) as unknown[];
  return messages.map((m) => {
    if (typeof m === 'string') return { body: m, media: [] };
    const o = m as Record<string, unknown>;
    const body = typeof o.Body === 'string' ? o.Body : typeof o['#text'] === 'string' ? (o['#text'] as string) : '';
    return { ...(typeof o.to === 'string' ? { to: o.to } : {}), body, media: (o.Media as string[] | undefined) ?? [] };
  });
}
