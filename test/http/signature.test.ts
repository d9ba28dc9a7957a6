import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
// twilio is CommonJS (`export =`); the default import is module.exports.
import twilio from "twilio";
import {
  computeSignature,
  parseFormBody,
  urlVariants,
  validateFormSignature,
  validateJsonSignature,
  type FormFields,
} from "../../src/http/signature.js";

// ---------------------------------------------------------------------------
// helpers

type TwilioParams = Record<string, string | string[]>;

const fields = (entries: Array<[string, string]>): FormFields => {
  const m: FormFields = new Map();
  for (const [k, v] of entries) {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }
  return m;
};

/** FormFields -> the params object shape the twilio library expects. */
const toTwilioParams = (f: FormFields, forceArrays = false): TwilioParams => {
  const p: TwilioParams = {};
  for (const [k, vs] of f) p[k] = vs.length === 1 && !forceArrays ? vs[0]! : [...vs];
  return p;
};

/** twilio's d.ts types `params` as Record<string, any>, but the JS explicitly supports null for bodySHA256 URLs. */
const twilioSignNoParams = (token: string, url: string): string =>
  twilio.getExpectedTwilioSignature(token, url, null as unknown as Record<string, never>);

const sha256hex = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

// ---------------------------------------------------------------------------
// official vectors (twilio-node / twilio-python tests, token 12345)

const TOKEN = "12345";
const URL_NO_PORT = "https://mycompany.com/myapp.php?foo=1&bar=2";
const URL_PORT = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
const VOICE = fields([
  ["CallSid", "CA1234567890ABCDE"],
  ["Caller", "+14158675309"],
  ["Digits", "1234"],
  ["From", "+14158675309"],
  ["To", "+18005551212"],
]);
const SIG_NO_PORT = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const SIG_PORT = "kvajT1Ptam85bY51eRf/AJRuM3w=";
const DUPS = fields([
  ["Sid", "CA123"],
  ["SidAccount", "AC123"],
  ["Digits", "5678"],
  ["Digits", "1234"],
  ["Digits", "1234"],
]);
const SIG_DUPS = "IK+Dwps556ElfBT0I3Rgjkr1wJU=";
const JSON_BODY = '{"property": "value", "boolean": true}';
const JSON_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
const JSON_URL = `${URL_NO_PORT}&bodySHA256=${JSON_HASH}`;
const SIG_JSON = "a9nBmqA0ju/hNViExpshrM61xv4=";

describe("official test vectors", () => {
  it("computes the port-less form signature", () => {
    expect(computeSignature(TOKEN, URL_NO_PORT, VOICE)).toBe(SIG_NO_PORT);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, SIG_NO_PORT)).toBe(true);
  });

  it("computes the :443 form signature", () => {
    expect(computeSignature(TOKEN, URL_PORT, VOICE)).toBe(SIG_PORT);
    expect(validateFormSignature(TOKEN, URL_PORT, VOICE, SIG_PORT)).toBe(true);
  });

  it("accepts the :443 signature on the port-less URL and vice versa", () => {
    expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, SIG_PORT)).toBe(true);
    expect(validateFormSignature(TOKEN, URL_PORT, VOICE, SIG_NO_PORT)).toBe(true);
  });

  it("handles repeated fields (distinct values, sorted)", () => {
    expect(computeSignature(TOKEN, URL_NO_PORT, DUPS)).toBe(SIG_DUPS);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, DUPS, SIG_DUPS)).toBe(true);
    // arrival order and duplicate count do not matter
    const reordered = fields([
      ["Digits", "1234"],
      ["SidAccount", "AC123"],
      ["Digits", "5678"],
      ["Sid", "CA123"],
    ]);
    expect(computeSignature(TOKEN, URL_NO_PORT, reordered)).toBe(SIG_DUPS);
  });

  it("validates the JSON/bodySHA256 vector", () => {
    expect(sha256hex(JSON_BODY)).toBe(JSON_HASH);
    expect(computeSignature(TOKEN, JSON_URL, null)).toBe(SIG_JSON);
    expect(validateJsonSignature(TOKEN, JSON_URL, Buffer.from(JSON_BODY), SIG_JSON)).toBe(true);
    // default-port variant of a JSON URL is accepted too
    const withPort = JSON_URL.replace("mycompany.com", "mycompany.com:443");
    expect(validateJsonSignature(TOKEN, withPort, Buffer.from(JSON_BODY), SIG_JSON)).toBe(true);
  });

  it("the twilio library agrees on every vector", () => {
    expect(twilio.getExpectedTwilioSignature(TOKEN, URL_NO_PORT, toTwilioParams(VOICE))).toBe(SIG_NO_PORT);
    expect(twilio.getExpectedTwilioSignature(TOKEN, URL_PORT, toTwilioParams(VOICE))).toBe(SIG_PORT);
    expect(twilio.getExpectedTwilioSignature(TOKEN, URL_NO_PORT, toTwilioParams(DUPS))).toBe(SIG_DUPS);
    expect(twilioSignNoParams(TOKEN, JSON_URL)).toBe(SIG_JSON);
    expect(twilio.validateRequest(TOKEN, SIG_PORT, URL_NO_PORT, toTwilioParams(VOICE))).toBe(true);
    expect(twilio.validateRequestWithBody(TOKEN, SIG_JSON, JSON_URL, JSON_BODY)).toBe(true);
  });

  it("parseFormBody URL-decodes a raw body into fields that validate", () => {
    const raw =
      "To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE";
    const parsed = parseFormBody(Buffer.from(raw));
    expect(parsed.get("From")).toEqual(["+14158675309"]);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, parsed, SIG_NO_PORT)).toBe(true);
    const dupRaw = "Sid=CA123&Digits=5678&SidAccount=AC123&Digits=1234&Digits=1234";
    expect(parseFormBody(dupRaw).get("Digits")).toEqual(["5678", "1234", "1234"]);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, parseFormBody(dupRaw), SIG_DUPS)).toBe(true);
    expect(parseFormBody("Body=Hello+w%C3%B6rld+%F0%9F%98%80").get("Body")).toEqual(["Hello wörld 😀"]);
  });
});

// ---------------------------------------------------------------------------

describe("urlVariants", () => {
  const cases: Array<[string, string[]]> = [
    ["https://h.example/p", ["https://h.example/p", "https://h.example:443/p"]],
    ["https://h.example:443/p", ["https://h.example:443/p", "https://h.example/p"]],
    ["http://h.example/p?q=1", ["http://h.example/p?q=1", "http://h.example:80/p?q=1"]],
    ["http://h.example:80/p?q=1", ["http://h.example:80/p?q=1", "http://h.example/p?q=1"]],
    // no path at all: port goes before the query / end of string
    ["https://h.example?x=1", ["https://h.example?x=1", "https://h.example:443?x=1"]],
    ["https://h.example", ["https://h.example", "https://h.example:443"]],
    ["https://h.example#frag", ["https://h.example#frag", "https://h.example:443#frag"]],
    // userinfo with colons and @ in the query must not confuse the authority parse
    ["https://u:pw@h.example/p?a=b:c@d", ["https://u:pw@h.example/p?a=b:c@d", "https://u:pw@h.example:443/p?a=b:c@d"]],
    ["https://u:pw@h.example:443/p", ["https://u:pw@h.example:443/p", "https://u:pw@h.example/p"]],
    ["https://[2001:db8::1]/p", ["https://[2001:db8::1]/p", "https://[2001:db8::1]:443/p"]],
    ["https://[2001:db8::1]:443/p", ["https://[2001:db8::1]:443/p", "https://[2001:db8::1]/p"]],
    ["HTTPS://H.Example/P", ["HTTPS://H.Example/P", "HTTPS://H.Example:443/P"]],
    // non-default ports (incl. the *other* scheme's default) are left alone
    ["https://h.example:8443/p", ["https://h.example:8443/p"]],
    ["https://h.example:80/p", ["https://h.example:80/p"]],
    ["http://h.example:443/p", ["http://h.example:443/p"]],
    ["https://h.example:0443/p", ["https://h.example:0443/p"]],
    ["https://h.example:/p", ["https://h.example:/p"]],
    // unknown scheme / not a URL
    ["ftp://h.example/p", ["ftp://h.example/p"]],
    ["not a url", ["not a url"]],
    ["https:///p", ["https:///p"]],
  ];
  it.each(cases)("%s", (input, expected) => {
    expect(urlVariants(input)).toEqual(expected);
  });

  it("keeps path and query byte-exact (no re-encoding / normalisation)", () => {
    const raw = "https://Host.Example/a b/%7e/ü?q=a%2fb&x=%7E&s=it's&sp=a b|c";
    const v = urlVariants(raw);
    expect(v[0]).toBe(raw);
    expect(v[1]).toBe("https://Host.Example:443/a b/%7e/ü?q=a%2fb&x=%7E&s=it's&sp=a b|c");
    // sanity: WHATWG URL serialisation WOULD have changed it
    expect(new URL(raw).href).not.toBe(raw);
  });
});

// ---------------------------------------------------------------------------

describe("computeSignature ordering", () => {
  it("sorts names case-sensitively by UTF-16 code unit (not locale, not code point)", () => {
    // 'B' (0x42) < 'a' (0x61); '😀' is \uD83D\uDE00 which sorts BEFORE '！' (\uFF01) by code unit
    const f = fields([
      ["a", "1"],
      ["B", "2"],
      ["！", "3"],
      ["😀", "4"],
      ["é", "5"],
    ]);
    // same as signing the pre-sorted concatenation directly: B < a < é < 😀 < ！
    expect(computeSignature(TOKEN, "https://x.test/", f)).toBe(
      computeSignature(TOKEN, "https://x.test/B2a1é5😀4！3", null),
    );
    expect(computeSignature(TOKEN, "https://x.test/", f)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, "https://x.test/", toTwilioParams(f)),
    );
  });

  it("sorts repeated values the same way and dedupes them", () => {
    const f = fields([
      ["K", "！"],
      ["K", "😀"],
      ["K", "b"],
      ["K", "B"],
      ["K", "b"],
    ]);
    expect(computeSignature(TOKEN, "https://x.test/", f)).toBe(
      computeSignature(TOKEN, "https://x.test/KBKbK😀K！", null),
    );
    expect(computeSignature(TOKEN, "https://x.test/", f)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, "https://x.test/", toTwilioParams(f)),
    );
  });

  it("null fields == empty fields == URL only", () => {
    expect(computeSignature(TOKEN, URL_NO_PORT, null)).toBe(computeSignature(TOKEN, URL_NO_PORT, new Map()));
    expect(computeSignature(TOKEN, URL_NO_PORT, fields([]))).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, URL_NO_PORT, {}),
    );
  });

  it("documents the algorithm's inherent ambiguity (name/value boundary is not encoded)", () => {
    // Both providers' algorithm: a=bc and ab=c sign identically. Not a bug in this module.
    expect(computeSignature(TOKEN, URL_NO_PORT, fields([["a", "bc"]]))).toBe(
      computeSignature(TOKEN, URL_NO_PORT, fields([["ab", "c"]])),
    );
  });
});

// ---------------------------------------------------------------------------

describe("negative cases", () => {
  it("rejects a tampered value", () => {
    const t = fields([...VOICE].map(([k, v]) => [k, k === "Digits" ? "1235" : v[0]!] as [string, string]));
    expect(validateFormSignature(TOKEN, URL_NO_PORT, t, SIG_NO_PORT)).toBe(false);
  });
  it("rejects a wrong token", () => {
    expect(validateFormSignature("12346", URL_NO_PORT, VOICE, SIG_NO_PORT)).toBe(false);
    expect(validateJsonSignature("12346", JSON_URL, Buffer.from(JSON_BODY), SIG_JSON)).toBe(false);
  });
  it("rejects a missing field", () => {
    const m = new Map(VOICE);
    m.delete("To");
    expect(validateFormSignature(TOKEN, URL_NO_PORT, m, SIG_NO_PORT)).toBe(false);
  });
  it("rejects an extra field", () => {
    const m = new Map(VOICE);
    m.set("Extra", ["1"]);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, m, SIG_NO_PORT)).toBe(false);
  });
  it("rejects an extra distinct value of a repeated field", () => {
    const m = new Map(DUPS);
    m.set("Digits", ["5678", "1234", "9999"]);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, m, SIG_DUPS)).toBe(false);
  });
  it("rejects an empty signature", () => {
    expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, "")).toBe(false);
    expect(validateJsonSignature(TOKEN, JSON_URL, Buffer.from(JSON_BODY), "")).toBe(false);
  });
  it("rejects signatures of a different length (no throw from timingSafeEqual)", () => {
    for (const s of [SIG_NO_PORT.slice(1), SIG_NO_PORT + "A", SIG_NO_PORT.slice(0, -1), "x", SIG_NO_PORT + SIG_NO_PORT]) {
      expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, s)).toBe(false);
      expect(validateJsonSignature(TOKEN, JSON_URL, Buffer.from(JSON_BODY), s)).toBe(false);
    }
    // same string length, different UTF-8 byte length
    const multibyte = "é" + SIG_NO_PORT.slice(1);
    expect(multibyte.length).toBe(SIG_NO_PORT.length);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, multibyte)).toBe(false);
  });
  it("rejects a one-character flip of a valid signature", () => {
    const flipped = (SIG_NO_PORT[0] === "A" ? "B" : "A") + SIG_NO_PORT.slice(1);
    expect(validateFormSignature(TOKEN, URL_NO_PORT, VOICE, flipped)).toBe(false);
  });
  it("rejects a different URL (path, query, scheme)", () => {
    expect(validateFormSignature(TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", VOICE, SIG_NO_PORT)).toBe(false);
    expect(validateFormSignature(TOKEN, "https://mycompany.com/myapp.php?bar=2&foo=1", VOICE, SIG_NO_PORT)).toBe(false);
    expect(validateFormSignature(TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", VOICE, SIG_NO_PORT)).toBe(false);
    expect(validateFormSignature(TOKEN, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", VOICE, SIG_NO_PORT)).toBe(false);
  });
  it("JSON: rejects a wrong body hash / tampered body", () => {
    const otherBody = Buffer.from('{"property": "value", "boolean": false}');
    expect(validateJsonSignature(TOKEN, JSON_URL, otherBody, SIG_JSON)).toBe(false);
    const badHashUrl = `${URL_NO_PORT}&bodySHA256=${sha256hex(otherBody)}`;
    // correctly signed URL, but hash does not match the body
    const sig = computeSignature(TOKEN, badHashUrl, null);
    expect(validateJsonSignature(TOKEN, badHashUrl, Buffer.from(JSON_BODY), sig)).toBe(false);
    // uppercase hex is not what the provider sends; strict like the twilio library
    const upperUrl = `${URL_NO_PORT}&bodySHA256=${JSON_HASH.toUpperCase()}`;
    expect(
      validateJsonSignature(TOKEN, upperUrl, Buffer.from(JSON_BODY), computeSignature(TOKEN, upperUrl, null)),
    ).toBe(false);
  });
  it("JSON: rejects URLs without a bodySHA256 parameter (or an empty one)", () => {
    const sig = computeSignature(TOKEN, URL_NO_PORT, null);
    expect(validateJsonSignature(TOKEN, URL_NO_PORT, Buffer.from(JSON_BODY), sig)).toBe(false);
    const emptyUrl = `${URL_NO_PORT}&bodySHA256=`;
    expect(
      validateJsonSignature(TOKEN, emptyUrl, Buffer.from(""), computeSignature(TOKEN, emptyUrl, null)),
    ).toBe(false);
    // a parameter that merely contains the name does not count
    const lookalike = `${URL_NO_PORT}&xbodySHA256=${JSON_HASH}`;
    expect(
      validateJsonSignature(TOKEN, lookalike, Buffer.from(JSON_BODY), computeSignature(TOKEN, lookalike, null)),
    ).toBe(false);
  });
  it("JSON: hashes raw bytes, not a re-decoded string", () => {
    const raw = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"} invalid UTF-8
    const url = `https://x.test/hook?bodySHA256=${sha256hex(raw)}`;
    const sig = computeSignature(TOKEN, url, null);
    expect(validateJsonSignature(TOKEN, url, raw, sig)).toBe(true);
    expect(validateJsonSignature(TOKEN, url, Buffer.from(raw.toString("utf8")), sig)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Documented differences from the twilio library (its validateRequest
// normalises the URL through WHATWG `new URL()`; the spec here says byte-exact).

describe("differences vs twilio.validateRequest (documented, intentional)", () => {
  it("twilio strips ANY port (even non-default) when validating; we only toggle default ports", () => {
    const configured = "https://h.example:8443/p?x=1";
    const sigWithoutPort = computeSignature(TOKEN, "https://h.example/p?x=1", VOICE);
    expect(twilio.validateRequest(TOKEN, sigWithoutPort, configured, toTwilioParams(VOICE))).toBe(true);
    expect(validateFormSignature(TOKEN, configured, VOICE, sigWithoutPort)).toBe(false);
  });

  it("twilio re-serialises the URL (host case, spaces, empty path...), so it rejects a byte-exact signature of a non-canonical URL; we accept it", () => {
    for (const configured of [
      "https://MyCompany.com/myapp.php?foo=1",
      "https://mycompany.com/my app.php?foo=1",
      "https://mycompany.com?foo=1",
      'https://mycompany.com/a?s="x"',
    ]) {
      const sig = computeSignature(TOKEN, configured, VOICE);
      expect(sig).toBe(twilio.getExpectedTwilioSignature(TOKEN, configured, toTwilioParams(VOICE)));
      expect(validateFormSignature(TOKEN, configured, VOICE, sig)).toBe(true);
      expect(twilio.validateRequest(TOKEN, sig, configured, toTwilioParams(VOICE))).toBe(false);
    }
  });

  it("twilio's add-port variant drops an empty trailing '?', so it rejects the :443 signature of 'https://h/p?'; we accept it", () => {
    const configured = "https://h.example/p?";
    const sigPort = computeSignature(TOKEN, "https://h.example:443/p?", VOICE);
    expect(validateFormSignature(TOKEN, configured, VOICE, sigPort)).toBe(true);
    expect(twilio.validateRequest(TOKEN, sigPort, configured, toTwilioParams(VOICE))).toBe(false);
  });

  it("twilio also tries a 'legacy querystring' re-encoding of the query; we do not", () => {
    const configured = "https://h.example/p?a=%7e";
    // querystring.stringify(parse('a=%7e')) === 'a=~'
    const legacySig = computeSignature(TOKEN, "https://h.example/p?a=~", VOICE);
    expect(twilio.validateRequest(TOKEN, legacySig, configured, toTwilioParams(VOICE))).toBe(true);
    expect(validateFormSignature(TOKEN, configured, VOICE, legacySig)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// property-style cross-check against the twilio library (seeded, reproducible)

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  bool(p = 0.5): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  str(pool: readonly string[], min: number, max: number): string {
    let s = "";
    const n = min + this.int(max - min + 1);
    for (let i = 0; i < n; i++) s += this.pick(pool);
    return s;
  }
}

const ASCII = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];
const PUNCT = [..." !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\n\t"];
const UNICODE = ["é", "ü", "ß", "Ω", "中", "文", "ｱ", "！", "\uE000", "😀", "🎉", "👍🏽", "e\u0301", "\u00a0", "\u200b"];
const SMALL = [..."aAbB"]; // forces collisions, case-only differences and prefixes
const HOST = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
const PATH = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@"];
const QUERY = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$()*+,;:@/?"];
const ESC = ["%20", "%2B", "%2F", "%3D", "%26", "%C3%A9", "%F0%9F%98%80", "%7E", "%25"];

function randomText(g: Gen, max: number): string {
  const kind = g.int(4);
  const pool = kind === 0 ? ASCII : kind === 1 ? [...ASCII, ...PUNCT] : kind === 2 ? [...ASCII, ...UNICODE] : [...ASCII, ...PUNCT, ...UNICODE];
  return g.str(pool, 0, max);
}

function randomFields(g: Gen): FormFields {
  const f: FormFields = new Map();
  const n = g.int(12);
  for (let i = 0; i < n; i++) {
    const name = g.bool(0.25) ? g.str(SMALL, 1, 3) : g.bool(0.05) ? "" : randomText(g, 10);
    if (name === "__proto__") continue; // cannot be an own key of a plain params object
    const count = g.bool(0.3) ? 2 + g.int(4) : 1;
    const values = f.get(name) ?? [];
    for (let j = 0; j < count; j++) {
      values.push(values.length > 0 && g.bool(0.3) ? g.pick(values) : randomText(g, 20));
    }
    f.set(name, values);
  }
  return f;
}

/** A random URL that WHATWG URL serialisation leaves alone (modulo default port), so twilio's normalising validator is comparable. */
function randomUrl(g: Gen): string {
  for (;;) {
    const scheme = g.pick(["https", "http"]);
    const host = g.bool(0.1)
      ? g.pick(["10.0.0.1", "[2001:db8::1]", "[::1]", "localhost"])
      : Array.from({ length: 1 + g.int(3) }, () => g.str(HOST, 1, 8)).join(".") + "." + g.pick(["com", "io", "test"]);
    const userinfo = g.bool(0.05) ? "user:pw@" : "";
    const dflt = scheme === "https" ? "443" : "80";
    const portKind = g.int(3);
    const port = portKind === 0 ? "" : portKind === 1 ? `:${dflt}` : `:${g.pick(["8080", "8443", "3000", scheme === "https" ? "80" : "443", String(1 + g.int(65535))])}`;
    const segs = Array.from({ length: 1 + g.int(3) }, () =>
      g.bool(0.2) ? g.pick(ESC) + g.str(PATH, 0, 4) : g.str(PATH, 0, 8),
    );
    const path = "/" + segs.join("/");
    let query = "";
    if (g.bool(0.7)) {
      const pairs = Array.from({ length: 1 + g.int(3) }, () => {
        const k = g.str(QUERY, 1, 6).replace(/\?/g, "");
        const v = g.bool(0.3) ? g.pick(ESC) + g.str(QUERY, 0, 4) : g.str(QUERY, 0, 8);
        return `${k || "k"}=${v}`;
      });
      query = "?" + pairs.join("&");
    }
    const url = `${scheme}://${userinfo}${host}${port}${path}${query}`;
    if (url.includes("bodySHA256")) continue;
    if (urlVariants(url).includes(new URL(url).href)) return url;
  }
}

function randomToken(g: Gen): string {
  return g.bool(0.8) ? g.str([..."0123456789abcdef"], 32, 32) : randomText(g, 40) + "t";
}

/** Appends to one value so the signed data changes length (cannot collide). */
function tamper(g: Gen, f: FormFields): FormFields | null {
  const names = [...f.keys()].filter((k) => (f.get(k) ?? []).length > 0);
  if (names.length === 0) return null;
  const name = g.pick(names);
  const values = [...f.get(name)!];
  const i = g.int(values.length);
  const target = values[i]!;
  // change every copy of that value so the distinct set really changes
  const copy = new Map(f);
  copy.set(name, values.map((v) => (v === target ? v + "x" : v)));
  return copy;
}

const CASES = 400;

describe("cross-check with twilio (property-style, seeded)", () => {
  it(`form: ${CASES} random payloads, signatures identical and mutually verifiable`, () => {
    const g = new Gen(0xc0ffee);
    let toggled = 0;
    let repeated = 0;
    for (let i = 0; i < CASES; i++) {
      const token = randomToken(g);
      const url = randomUrl(g);
      const f = randomFields(g);
      const params = toTwilioParams(f, g.bool(0.2));
      if ([...f.values()].some((v) => v.length > 1)) repeated++;
      const ctx = JSON.stringify({ i, token, url, fields: [...f] });

      const sigT = twilio.getExpectedTwilioSignature(token, url, params);
      const sigO = computeSignature(token, url, f);
      expect(sigO, ctx).toBe(sigT);

      // twilio signs, we verify; we sign, twilio verifies
      expect(validateFormSignature(token, url, f, sigT), ctx).toBe(true);
      expect(twilio.validateRequest(token, sigO, url, params), ctx).toBe(true);

      // default-port toggled variant, both directions
      for (const v of urlVariants(url).slice(1)) {
        toggled++;
        expect(validateFormSignature(token, url, f, twilio.getExpectedTwilioSignature(token, v, params)), ctx).toBe(true);
        expect(twilio.validateRequest(token, computeSignature(token, v, f), url, params), ctx).toBe(true);
      }

      // negatives agree
      const t = tamper(g, f);
      if (t) {
        expect(validateFormSignature(token, url, t, sigT), ctx).toBe(false);
        expect(twilio.validateRequest(token, sigO, url, toTwilioParams(t)), ctx).toBe(false);
      }
      expect(validateFormSignature(token + "x", url, f, sigT), ctx).toBe(false);
      expect(twilio.validateRequest(token + "x", sigO, url, params), ctx).toBe(false);
    }
    // make sure the generator actually exercised the interesting paths
    expect(toggled).toBeGreaterThan(CASES / 2);
    expect(repeated).toBeGreaterThan(CASES / 5);
  });

  it(`form: ${CASES} random payloads survive a real urlencoded round trip`, () => {
    const g = new Gen(0xbadc0de);
    for (let i = 0; i < CASES; i++) {
      const token = randomToken(g);
      const url = randomUrl(g);
      const f = randomFields(g);
      const body = new URLSearchParams([...f].flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))).toString();
      const parsed = parseFormBody(Buffer.from(body));
      const sigT = twilio.getExpectedTwilioSignature(token, url, toTwilioParams(f));
      expect(validateFormSignature(token, url, parsed, sigT), body).toBe(true);
    }
  });

  it(`json: ${CASES} random bodies, mutually verifiable, tampering rejected by both`, () => {
    const g = new Gen(0x5eed);
    for (let i = 0; i < CASES; i++) {
      const token = randomToken(g);
      const base = randomUrl(g);
      const obj: Record<string, unknown> = {};
      for (let j = g.int(6); j > 0; j--) obj[randomText(g, 8)] = g.bool() ? randomText(g, 20) : g.int(1e6);
      const body = JSON.stringify(obj, null, g.bool() ? 2 : undefined);
      const raw = Buffer.from(body, "utf8");
      const url = `${base}${base.includes("?") ? "&" : "?"}bodySHA256=${sha256hex(raw)}`;
      const ctx = JSON.stringify({ i, token, url, body });

      const sigT = twilioSignNoParams(token, url);
      const sigO = computeSignature(token, url, null);
      expect(sigO, ctx).toBe(sigT);
      expect(validateJsonSignature(token, url, raw, sigT), ctx).toBe(true);
      expect(twilio.validateRequestWithBody(token, sigO, url, body), ctx).toBe(true);

      for (const v of urlVariants(url).slice(1)) {
        expect(validateJsonSignature(token, url, raw, twilioSignNoParams(token, v)), ctx).toBe(true);
        expect(twilio.validateRequestWithBody(token, computeSignature(token, v, null), url, body), ctx).toBe(true);
      }

      const tampered = body + " ";
      expect(validateJsonSignature(token, url, Buffer.from(tampered), sigT), ctx).toBe(false);
      expect(twilio.validateRequestWithBody(token, sigO, url, tampered), ctx).toBe(false);
      expect(validateJsonSignature(token + "x", url, raw, sigT), ctx).toBe(false);
      expect(twilio.validateRequestWithBody(token + "x", sigO, url, body), ctx).toBe(false);
    }
  });
});
