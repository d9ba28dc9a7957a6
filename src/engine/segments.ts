// How many SMS a reply costs. A text that uses only the GSM 03.38 alphabet travels in 7-bit
// "GSM-7" (160 characters in one SMS, 153 per part when split); one character outside it (an
// emoji, "ł", a curly quote) turns the whole text into UCS-2 (70 in one SMS, 67 per part).
// Spec: 3GPP TS 23.038 (alphabet) and TS 23.040 (concatenation headers).

// The basic GSM-7 table: one septet each.
const gsmBasic = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
// The extension table: an escape septet plus one, so two septets each.
const gsmExtension = new Set(Array.from('\f^{}\\[~]|€'));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSize {
  encoding: SmsEncoding;
  /** How many SMS the text is sent as. 0 for an empty text. */
  segments: number;
  /** Characters as the network counts them: septets for GSM-7, UTF-16 units for UCS-2. */
  units: number;
  /** For UCS-2: the first character that is not in the GSM-7 alphabet. */
  firstNonGsm?: string;
}

export function measureSms(text: string): SmsSize {
  let septets = 0;
  for (const ch of text) {
    if (gsmBasic.has(ch)) septets += 1;
    else if (gsmExtension.has(ch)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'UCS-2', units, segments: units === 0 ? 0 : units <= 70 ? 1 : Math.ceil(units / 67), firstNonGsm: ch };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/** "1 SMS, GSM-7, 42 characters" / "3 SMS, UCS-2 because of "😀", 150 characters". */
export function describeSms(size: SmsSize): string {
  const why = size.firstNonGsm ? ` because of "${size.firstNonGsm}"` : '';
  return `${size.segments} SMS, ${size.encoding}${why}, ${size.units} characters`;
}
