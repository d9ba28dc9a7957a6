// The posted fields of a made-up message, named as a provider's webhook names them (Twilio's
// names), so `autoreply try` and the rules file's own tests show templates exactly what they
// would see live.
import type { Fields } from '../http/body.js';
import { measureSms } from './segments.js';

export interface SampleInput {
  sid: string;
  from: string;
  to: string;
  body: string;
  media: number;
}

/** The posted fields of one inbound SMS/MMS, as the provider would send them. */
export function buildSampleFields(input: SampleInput): Fields {
  const fields: Fields = new Map();
  const put = (name: string, value: string) => fields.set(name, [value]);
  put('MessageSid', input.sid);
  put('SmsMessageSid', input.sid);
  put('SmsSid', input.sid);
  put('AccountSid', 'ACtry');
  put('From', input.from);
  put('To', input.to);
  put('Body', input.body);
  put('NumMedia', String(input.media));
  put('NumSegments', String(Math.max(1, measureSms(input.body).segments)));
  put('SmsStatus', 'received');
  put('ApiVersion', '2010-04-01');
  for (let i = 0; i < input.media; i++) {
    put(`MediaContentType${i}`, 'image/jpeg');
    put(`MediaUrl${i}`, `https://media.example.com/sample/${input.sid}/picture-${i + 1}.jpg`);
  }
  return fields;
}
