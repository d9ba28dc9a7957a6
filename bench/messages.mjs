// Webhook bodies as Twilio sends them: 20 urlencoded fields, a unique MessageSid per request,
// texts of varied length and language, aimed at rules spread over the whole file.

const chatter = [
  'hi',
  'Hello, I bought a jacket last week and wanted to ask whether you also have it in a darker colour, maybe navy or black?',
  'ok',
  '👍',
  'Guten Tag, ich hätte gern eine Rückmeldung zu meiner Anfrage von gestern. Vielen Dank und schöne Grüße aus Köln!',
  '¿Tienen tienda en Madrid? Me gustaría pasar el fin de semana.',
  'مرحبا، هل لديكم هذا المنتج باللون الأزرق؟',
  'こんにちは、在庫はありますか？',
  'Can someone call me back about my order from last Tuesday? It was a birthday present and it still has not arrived and I am getting worried because the party is on Saturday.',
  'Bonjour',
  'yes',
  'Привет! Есть ли скидки для студентов?',
  'see you soon 🚲🚲',
  'Is the café next to the shop yours too?',
];

const cities = [['BERLIN', 'BE', '10115', 'DE'], ['MUNICH', 'BY', '80331', 'DE'], ['NEW YORK', 'NY', '10001', 'US'], ['MADRID', 'MD', '28001', 'ES']];
const prefixes = ['+4917', '+4915', '+4916', '+1212', '+3460', '+4930'];

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const enc = encodeURIComponent;

/**
 * `count` distinct bodies with a `%SID%` spot for the MessageSid: about 70% aimed at a rule's
 * own texts (rules picked evenly over the file), the rest everyday chatter.
 */
export function buildMessagePool(samples, { count = 2000, seed = 42, senders = 20000 } = {}) {
  const random = rng(seed);
  const aimed = samples.map((s, i) => [i, s]).filter(([, s]) => s.length > 0);
  const pool = [];
  for (let n = 0; n < count; n++) {
    let body;
    if (random() < 0.7 && aimed.length) {
      const [, texts] = aimed[Math.floor(random() * aimed.length)];
      body = texts[Math.floor(random() * texts.length)];
    } else body = chatter[Math.floor(random() * chatter.length)];
    const from = prefixes[Math.floor(random() * prefixes.length)] + String(Math.floor(random() * senders)).padStart(7, '0');
    const [city, state, zip, country] = cities[Math.floor(random() * cities.length)];
    const media = random() < 0.03 ? 1 : 0;
    const fields = [
      ['ToCountry', 'DE'],
      ['ToState', ''],
      ['SmsMessageSid', '%SID%'],
      ['NumMedia', String(media)],
      ['ToCity', ''],
      ['FromZip', zip],
      ['SmsSid', '%SID%'],
      ['FromState', state],
      ['SmsStatus', 'received'],
      ['FromCity', city],
      ['Body', body],
      ['FromCountry', country],
      ['To', '+4930123456'],
      ['MessagingServiceSid', 'MG0123456789abcdef0123456789abcdef'],
      ['ToZip', ''],
      ['NumSegments', String(Math.max(1, Math.ceil(body.length / 153)))],
      ['MessageSid', '%SID%'],
      ['AccountSid', 'AC0123456789abcdef0123456789abcdef'],
      ['From', from],
      ['ApiVersion', '2010-04-01'],
    ];
    if (media) fields.push(['MediaUrl0', 'https://api.twilio.com/2010-04-01/Accounts/AC01/Messages/MM01/Media/ME01'], ['MediaContentType0', 'image/jpeg']);
    pool.push(fields.map(([k, v]) => `${k}=${v === '%SID%' ? v : enc(v)}`).join('&'));
  }
  return pool;
}

/** A MessageSid like Twilio's: "SM" and 32 hex digits, unique per (run, number). */
export function sidFor(run, n) {
  return `SM${run.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;
}

export function fillSid(template, sid) {
  return template.replaceAll('%SID%', sid);
}
