// CSV as RFC 4180 describes it: CRLF line ends, a header row, and fields quoted when they hold
// a comma, a quote, or a line break (quotes doubled). Values are written exactly as stored.

/** Excel reads a CSV without this mark as the local 8-bit code page and garbles ä, é, emoji. */
export const utf8Bom = '\uFEFF';

export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
