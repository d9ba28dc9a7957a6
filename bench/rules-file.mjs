// Generates realistic rules files for the benchmark, each rule with message texts it answers,
// so the load can aim at rules spread over the whole list.

const q = (s) => `'${s.replace(/'/g, "''")}'`; // YAML single-quoted: backslashes stay as they are

/** A small shop's file: keywords, regexes (anchored and not), when, from, media, templates. */
function shopRules() {
  const rules = [];
  const keywords = [
    ['HOURS', 'Hours: Mon-Fri 9-18, Sat 10-14. {{#if args}}You asked about {{args}}.{{/if}}', ['hours', 'HOURS today?', 'Hours sunday']],
    ['MENU', 'Our menu: https://shop.example.com/menu?for={{upper args}}', ['menu', 'MENU vegan please']],
    ['PRICES', 'Prices start at 9.90 EUR. {{default args "Ask for any item"}}', ['prices', 'prices for kids bikes']],
    ['JOIN', 'Welcome{{#if args}}, {{args}}{{/if}}! Weekly offers are coming. Text STOP to end.', ['JOIN', 'join Anna', 'Join Müller']],
    ['HELP', 'Text HOURS, MENU, PRICES, STATUS <order> or talk to us. Reply STOP to opt out.', ['help', 'HELP!!', 'help me please']],
    ['INFO', 'Autoreply shop, Hauptstr. 1, 10115 Berlin. Today is {{date now "dd.MM.yyyy"}}.', ['info', 'Info?']],
    ['ADDRESS', 'Hauptstr. 1, 10115 Berlin: https://maps.example.com/shop', ['address', 'ADDRESS pls']],
    ['PARKING', 'Free parking behind the shop, entrance Nebenstr.', ['parking', 'Parking?']],
    ['BOOK', 'Book a slot at https://shop.example.com/book?name={{args}}', ['book', 'BOOK friday 3pm', 'book table for 4']],
    ['DEALS', "This week's deals: https://shop.example.com/deals", ['deals', 'Deals!']],
    ['GIFT', 'Gift cards from 10 EUR, in the shop or at https://shop.example.com/gift', ['gift', 'gift card 50']],
    ['WIFI', 'Wi-Fi: ShopGuest, password on the counter.', ['wifi', 'WIFI password?']],
    ['JOBS', 'We are hiring! https://shop.example.com/jobs', ['jobs', 'Jobs part time']],
    ['RETURN', 'Returns within 30 days with the receipt. {{#if args}}About "{{truncate args 40}}": bring it by.{{/if}}', ['return', 'RETURN broken lamp bought last week']],
    ['FEEDBACK', 'Thanks {{From}}! Tell us more: https://shop.example.com/feedback', ['feedback', 'Feedback: great service']],
    ['ÖFFNUNGSZEITEN', 'Mo-Fr 9-18 Uhr, Sa 10-14 Uhr.', ['Öffnungszeiten?', 'öffnungszeiten heute']],
    ['HORARIO', 'Lunes a viernes de 9 a 18 h.', ['horario', 'Horario del sábado?']],
    ['LOYALTY', 'You have points waiting: https://shop.example.com/points/{{lower From}}', ['loyalty', 'LOYALTY card']],
  ];
  for (const [word, reply, samples] of keywords) {
    rules.push({ yaml: `  - name: kw-${word.toLowerCase()}\n    match:\n      keyword: ${q(word)}\n    reply: ${JSON.stringify(reply)}\n`, samples });
  }
  const patterns = [
    ['order-status', '^\\s*status\\s+#?(?<order>\\d+)\\s*$', 'Order {{order}} is on its way: https://shop.example.com/track/{{order}}', ['status 123456', 'STATUS #998877']],
    ['track', '^(track|where is)\\s+(my\\s+)?(order|parcel|package)\\b', 'Track your parcel at https://shop.example.com/track', ['where is my parcel? ordered on monday', 'track order please']],
    ['refund', '\\b(refund|money back|chargeback)\\b', 'Refunds take 3-5 days after we receive the item.', ['I want a refund for the shoes', 'can I get my money back']],
    ['opening', '\\b(open|opening|close|closing)\\b', 'We are open Mon-Fri 9:00-18:00 and Sat 10:00-14:00.', ['are you open tomorrow?', 'when do you close today']],
    ['delivery-time', '\\bhow long\\b.*\\b(deliver|delivery|shipping)\\b', 'Delivery takes 2-3 working days in Germany.', ['how long does delivery take to Munich?']],
    ['size', '\\b(size|sizes|fit)\\b.*\\b(XS|S|M|L|XL|\\d{2})\\b', 'Our size guide: https://shop.example.com/sizes', ['do you have size M in blue?', 'does 42 fit like normal size 42']],
    ['de-lieferung', '\\b(lieferung|versand|paket)\\b', 'Die Lieferung dauert 2-3 Werktage.', ['Wann kommt meine Lieferung?', 'Paket nicht angekommen']],
    ['es-precio', '\\b(precio|cuánto cuesta)\\b', 'Los precios están en https://shop.example.com/es', ['¿cuánto cuesta la bicicleta?', 'precio del casco']],
    ['ja-hours', '営業時間', '営業時間は9時から18時までです。', ['営業時間を教えてください']],
    ['fr-bonjour', '^(bonjour|salut)\\b', 'Bonjour ! Comment pouvons-nous aider ?', ['Bonjour, vous êtes ouverts dimanche ?']],
    ['invoice', '\\binvoice\\s+(?<nr>INV-\\d{4,})\\b', 'Invoice {{nr}}: https://shop.example.com/invoices/{{nr}}', ['please resend invoice INV-20231', 'Invoice INV-4455 is wrong']],
    ['thanks', '^\\s*(thanks|thank you|thx|danke|merci|gracias)\\b', 'You are welcome! 😊', ['thanks!', 'Danke schön', 'thank you so much 🙏']],
    ['coupon', '\\b(coupon|voucher|discount)\\s+code\\b', 'Use code WELCOME10 for 10% off your first order.', ['do you have a discount code?', 'coupon code not working']],
  ];
  for (const [name, re, reply, samples] of patterns) {
    rules.push({ yaml: `  - name: ${name}\n    match:\n      body: ${q(re)}\n    reply: ${JSON.stringify(reply)}\n`, samples });
  }
  rules.push({
    yaml: `  - name: weekend-delivery\n    match:\n      body: '\\bsaturday\\b|\\bsunday\\b'\n    when:\n      days: [sat, sun]\n    reply: "We deliver on weekdays only; your parcel comes on Monday."\n`,
    samples: ['delivery on saturday?'],
  });
  rules.push({
    yaml: `  - name: lunch\n    match:\n      body: '\\blunch\\b'\n    when:\n      hours: "12:00-13:00"\n    reply: "We are at lunch until 13:00 and answer right after."\n`,
    samples: ['are you at lunch?'],
  });
  rules.push({
    yaml: `  - name: late-question\n    match:\n      body: '\\?\\s*$'\n    when:\n      hours: "20:00-07:00"\n    cooldown: 12h\n    reply: "We are closed now and answer your question in the morning."\n`,
    samples: ['is the red one back in stock?'],
  });
  rules.push({
    yaml: `  - name: vip\n    match:\n      from: ['^\\+4917', '^\\+4915']\n      body: '\\b(call|urgent|complaint)\\b'\n    reply:\n      - body: "A person from our team will call you back shortly."\n      - to: "+491700000000"\n        body: "Call back {{From}}. They wrote: {{Body}}"\n`,
    samples: ['urgent: please call me', 'I have a complaint'],
  });
  rules.push({
    yaml: `  - name: us-customers\n    match:\n      from: '^\\+1'\n      body: '\\bship(ping)?\\b'\n    reply: "We ship to the US within 7-10 days."\n`,
    samples: ['do you do shipping to the US?'],
  });
  rules.push({
    yaml: `  - name: spam\n    match:\n      body: '(https?://|www\\.)\\S+\\.(ru|xyz|top)\\b'\n    reply: null\n`,
    samples: ['cheap pills at http://pills.example.xyz now'],
  });
  rules.push({
    yaml: `  - name: photo\n    match:\n      media: true\n    reply: "Thanks for the picture! We'll look at it."\n`,
    samples: [],
  });
  rules.push({
    yaml: `  - name: complaint-cooldown\n    match:\n      body: '\\b(broken|damaged|defect)\\b'\n    unless:\n      body: '\\bwarranty\\b'\n    cooldown: 1h\n    reply: "Sorry! Send a photo of the damage and we will replace it."\n`,
    samples: ['the lamp arrived broken', 'my bike is damaged'],
  });
  return rules;
}

/** N rules as a large business writes them: product keywords and anchored code patterns. */
function catalogRules(n) {
  const rules = [];
  for (let i = 0; i < n; i++) {
    const code = 1000 + i;
    const kind = i % 10;
    if (kind < 5) {
      rules.push({
        yaml: `  - name: product-${code}\n    match:\n      keyword: [P${code}, SKU${code}]\n    reply: "Product ${code}: in stock, 19.90 EUR. {{#if args}}Note: {{truncate args 30}}{{/if}}"\n`,
        samples: [`P${code}`, `sku${code} do you have it in red?`],
      });
    } else if (kind < 8) {
      rules.push({
        yaml: `  - name: store-${code}\n    match:\n      body: '^\\s*(store|shop|branch)\\s+#?${code}\\b'\n    reply: "Store ${code} is open 9-20. Call +4930${code}00."\n`,
        samples: [`store ${code} opening hours?`, `Shop #${code} phone number`],
      });
    } else if (kind === 8) {
      rules.push({
        yaml: `  - name: track-${code}\n    match:\n      body: '^\\s*track\\s+(?<nr>TR${code}-\\d{4,})\\s*$'\n    reply: "Parcel {{nr}}: out for delivery."\n`,
        samples: [`track TR${code}-55123`],
      });
    } else {
      rules.push({
        yaml: `  - name: model-${code}\n    match:\n      body: '\\b(model|type)\\s*X${code}\\b'\n    when:\n      days: [mon, tue, wed, thu, fri, sat]\n    reply: "Model X${code}: manual at https://shop.example.com/manuals/X${code}"\n`,
        samples: [`where can I find the manual for model X${code}?`],
      });
    }
  }
  return rules;
}

const fallback = { yaml: '  - name: fallback\n    reply: "Thanks for your message! We will get back to you during opening hours."\n', samples: [] };

function header() {
  return 'version: 1\nsettings:\n  timezone: Europe/Berlin\nrules:\n';
}

/**
 * A rules file with `count` rules: up to 49 shop rules, then catalogue rules, then a fallback.
 * Returns the YAML and, per rule, texts it answers.
 */
export function generateRules(count) {
  const shop = shopRules();
  const head = count <= 60 ? shop.slice(0, Math.max(0, count - 1)) : shop;
  const rules = [...head, ...catalogRules(Math.max(0, count - 1 - head.length)), fallback];
  return { yaml: header() + rules.map((r) => r.yaml).join(''), samples: rules.map((r) => r.samples) };
}

/** The same file with a different reply in its first rule (hot reload: is the new text live?). */
export function withMarker(yaml, marker) {
  return yaml.replace(/^(\s+reply: ")/m, `$1${marker} `);
}
