// Warns about a {{name}} in a reply that can never be filled in: not a field the provider posts,
// not a named part `(?<name>...)` of the rule's own patterns, and not one of args, rule, now.
// Handlebars fills such a name with nothing, so the customer would get a gap in the text.
import type { CompiledTemplate } from '../engine/templates.js';
import { positionInText } from './compile.js';
import { describePath } from './describe-path.js';
import type { Problem } from './problems.js';
import type { Path, SourceDoc } from './source-map.js';
import { closest } from './suggest.js';
import type { CompiledRule, RuleSet } from './types.js';

/** The fields a Twilio-compatible provider posts with an inbound SMS/MMS (MediaUrlN etc. below). */
export const postedFields = [
  'From', 'To', 'Body', 'MessageSid', 'SmsSid', 'SmsMessageSid', 'AccountSid', 'MessagingServiceSid',
  'NumMedia', 'NumSegments', 'SmsStatus', 'ApiVersion',
  'FromCity', 'FromState', 'FromZip', 'FromCountry', 'ToCity', 'ToState', 'ToZip', 'ToCountry',
  'OptOutType', 'ProfileName', 'WaId', 'ReferralNumMedia', 'Forwarded', 'FrequentlyForwarded',
  'ButtonText', 'Latitude', 'Longitude', 'Address', 'Label',
];
const numberedFields = /^(MediaUrl|MediaContentType)\d+$/;
const engineNames = ['args', 'rule', 'now'];

const namedGroups = (list: RegExp[] | undefined) => (list ?? []).flatMap((re) => [...re.source.matchAll(/\(\?<([\p{L}_$][\p{L}\p{N}_$]*)>/gu)].map((m) => m[1]));

/** Every template of a rule with its place in the file. */
function templatesOf(rule: CompiledRule, data: unknown): { path: Path; template: CompiledTemplate }[] {
  const raw = (data as { rules?: { reply?: unknown }[] })?.rules?.[rule.index]?.reply;
  const base: Path = ['rules', rule.index, 'reply'];
  const out: { path: Path; template: CompiledTemplate }[] = [];
  rule.replies?.forEach((r, k) => {
    const item = Array.isArray(raw) ? raw[k] : raw;
    const at: Path = Array.isArray(raw) ? [...base, k] : base;
    out.push({ path: typeof item === 'string' ? at : [...at, 'body'], template: r.body });
    if (r.to) out.push({ path: [...at, 'to'], template: r.to });
    r.media?.forEach((m, j) => out.push({ path: [...at, 'media', j], template: m }));
  });
  return out;
}

export function warnUnknownVariables(rs: RuleSet, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  const check = (path: Path, template: CompiledTemplate, groups: string[]) => {
    const known = [...postedFields, ...groups, ...engineNames];
    for (const v of template.variables) {
      if (known.includes(v.name) || numberedFields.test(v.name)) continue;
      const guess = closest(v.name, known);
      const where = describePath(doc.data, path);
      problems.push({
        file: rs.file,
        ...positionInText(doc, path, v.line, v.column),
        length: v.name.length + 4,
        severity: 'warning',
        kind: 'unknown-variable',
        message: `${where ? `${where}: ` : ''}{{${v.name}}} can never be filled in: it is not a field the provider sends${groups.length ? ' nor a named part of this rule\'s patterns' : ''}${guess ? `; did you mean "${guess}"?` : ''}`,
        hint: `names you can use here: ${[...new Set([...groups, 'From', 'To', 'Body', 'NumMedia', 'MediaUrl0', ...engineNames])].join(', ')}, and every other field the provider sends`,
      });
    }
  };
  for (const rule of rs.rules) {
    const groups = [...new Set(['body', 'from', 'to'].flatMap((k) => namedGroups(rule.match?.[k as 'body'])))];
    for (const { path, template } of templatesOf(rule, doc.data)) check(path, template, groups);
  }
  const { stopReply, startReply } = rs.settings.optOut;
  if (stopReply) check(['settings', 'opt_out', 'stop_reply'], stopReply, []);
  if (startReply) check(['settings', 'opt_out', 'start_reply'], startReply, []);
  return problems;
}
