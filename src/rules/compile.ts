// Turns the checked YAML data into a RuleSet: compiles every pattern, template, time window and
// test once, and reports each problem with its place in the file.
import { createHash } from 'node:crypto';
import { GuardedPattern } from '../engine/guarded-pattern.js';
import { createTemplateEngine, type CompiledTemplate } from '../engine/templates.js';
import { isValidTimeZone, parseDuration, parseHours, parseLocalDateTime, type Day } from '../engine/time.js';
import { normalizeWord } from '../engine/words.js';
import { indexRules } from '../engine/rule-index.js';
import { describePath, describeRule } from './describe-path.js';
import { explainPatternError } from './pattern-errors.js';
import type { Problem } from './problems.js';
import type { Path, SourceDoc } from './source-map.js';
import type {
  CompiledCondition,
  CompiledMessage,
  CompiledRule,
  RuleSet,
  RuleTest,
  Settings,
  TimeWindow,
} from './types.js';

export const defaultStopWords = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const defaultStartWords = ['START', 'YES', 'UNSTOP'];
export const defaultReplyLimit = { max: 5, per: '10m' };
/** Defaults for a test message that leaves these out (documented in docs/rules.md). */
export const testDefaults = { from: '+15550000001', to: '+15550000002', at: '2026-01-05T12:00:00' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

export interface PatternVerdict {
  /** An error refuses the pattern; a warning only reports it. */
  problem?: { message: string; hint?: string; severity: 'error' | 'warning' };
  /** Texts longer than this are searched with a time limit (engine/guarded-pattern.ts). */
  unguardedUpTo?: number;
}

export interface CompileExtras {
  /** Called for every pattern before it is accepted (slow-pattern check). */
  checkPattern?: (source: string, flags: string) => PatternVerdict | null;
}

export function compileRules(doc: SourceDoc, file: string, extras: CompileExtras = {}) {
  const problems: Problem[] = [];
  const data = isObj(doc.data) ? doc.data : {};
  const report = (path: Path, message: string, kind: string, hint?: string, severity: 'error' | 'warning' = 'error') => {
    const where = describePath(data, path.slice(0, -1));
    problems.push({ file, ...doc.valueAt(path), severity, message: where ? `${where}: ${message}` : message, kind, hint });
  };

  const settingsData = isObj(data.settings) ? data.settings : {};
  let timezone = 'UTC';
  if (typeof settingsData.timezone === 'string') {
    if (isValidTimeZone(settingsData.timezone)) timezone = settingsData.timezone;
    else
      report(
        ['settings', 'timezone'],
        `"${settingsData.timezone}" is not a time zone`,
        'time',
        'use a name like Europe/Berlin, America/New_York or UTC',
      );
  }
  const engine = createTemplateEngine(timezone);

  const compileTemplate = (path: Path, text: unknown): CompiledTemplate | undefined => {
    if (typeof text !== 'string') return undefined;
    const { template, problems: found } = engine.compile(text);
    for (const p of found) {
      const where = describePath(data, path.slice(0, -1));
      problems.push({
        file,
        ...positionInText(doc, path, p.line, p.column),
        severity: 'error',
        message: where ? `${where}: ${p.message}` : p.message,
        kind: p.kind,
        hint:
          p.kind === 'unknown-helper'
            ? 'the helpers are upper, lower, trim, truncate, default and date'
            : 'a template uses {{name}} to fill in a value; write {{ and }} in pairs',
      });
    }
    return template;
  };

  const compilePatterns = (path: Path, value: unknown, flags: string): RegExp[] | undefined => {
    if (value === undefined) return undefined;
    const list = asList(value);
    const out: RegExp[] = [];
    list.forEach((source, i) => {
      if (typeof source !== 'string' || source === '') return;
      const at = Array.isArray(value) ? [...path, i] : path;
      try {
        const re = new RegExp(source, flags);
        const verdict = extras.checkPattern?.(source, flags);
        if (verdict?.problem) report(at, verdict.problem.message, 'slow-pattern', verdict.problem.hint, verdict.problem.severity);
        if (verdict?.problem?.severity === 'error') return;
        const limit = verdict?.unguardedUpTo;
        out.push(limit !== undefined && limit !== Infinity ? new GuardedPattern(source, flags, limit) : re);
      } catch (err) {
        const { message, hint } = explainPatternError(source, (err as Error).message);
        report(at, message, 'pattern', hint);
      }
    });
    return out;
  };

  const compileCondition = (path: Path, value: unknown, flags: string): CompiledCondition | undefined => {
    if (!isObj(value)) return undefined;
    const cond: CompiledCondition = {};
    for (const key of ['body', 'from', 'to'] as const) {
      const res = compilePatterns([...path, key], value[key], flags);
      if (res) cond[key] = res;
    }
    if (value.keyword !== undefined) {
      const words = new Set<string>();
      asList(value.keyword).forEach((w, i) => {
        if (typeof w !== 'string') return;
        const norm = normalizeWord(w);
        const at = Array.isArray(value.keyword) ? [...path, 'keyword', i] : [...path, 'keyword'];
        if (!norm) report(at, `the keyword "${w}" has no letters or digits`, 'keyword');
        else if (/\s/.test(norm)) report(at, `the keyword "${w}" has a space in it; a keyword is one word`, 'keyword', 'use body: for phrases');
        else words.add(norm);
      });
      cond.keywords = words;
    }
    if (typeof value.media === 'boolean') cond.media = value.media;
    return cond;
  };

  const compileWhen = (path: Path, value: unknown): TimeWindow | undefined => {
    if (!isObj(value)) return undefined;
    const win: TimeWindow = {};
    if (Array.isArray(value.days)) win.days = new Set(value.days.filter((d): d is Day => typeof d === 'string'));
    if (typeof value.hours === 'string') {
      const hours = parseHours(value.hours);
      if (typeof hours === 'string') report([...path, 'hours'], hours, 'time', 'the start is included and the end is not; "18:00-08:00" runs past midnight');
      else win.hours = hours;
    }
    return win;
  };

  const compileReplies = (path: Path, value: unknown): CompiledMessage[] | null => {
    if (value === null || value === undefined) return null;
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    const out: CompiledMessage[] = [];
    items.forEach((item, i) => {
      const at = typeof value === 'string' ? path : [...path, i];
      const spec = typeof item === 'string' ? { body: item } : isObj(item) ? item : undefined;
      if (!spec) return;
      const bodyPath = typeof item === 'string' ? at : [...at, 'body'];
      const body = compileTemplate(bodyPath, spec.body);
      if (!body) return;
      const msg: CompiledMessage = { body };
      if (typeof spec.to === 'string') msg.to = compileTemplate([...at, 'to'], spec.to);
      if (Array.isArray(spec.media)) {
        msg.media = spec.media.flatMap((m, k) => compileTemplate([...at, 'media', k], m) ?? []);
      }
      out.push(msg);
    });
    return out;
  };

  const rules: CompiledRule[] = [];
  const names = new Map<string, number>();
  asList(data.rules).forEach((raw, index) => {
    if (!isObj(raw)) return;
    const path: Path = ['rules', index];
    const name = typeof raw.name === 'string' ? raw.name : `rule ${index + 1}`;
    if (typeof raw.name === 'string') {
      const first = names.get(raw.name);
      if (first !== undefined) {
        report(
          [...path, 'name'],
          `the name "${raw.name}" is already used by ${describeRule(first)}`,
          'duplicate-name',
          'every rule needs its own name, because the message log records which rule answered',
        );
      } else names.set(raw.name, index);
    }
    const flags = raw.case_sensitive === true ? 'u' : 'iu';
    const rule: CompiledRule = {
      index,
      name,
      line: doc.valueAt(path).line,
      match: compileCondition([...path, 'match'], raw.match, flags),
      unless: compileCondition([...path, 'unless'], raw.unless, flags),
      when: compileWhen([...path, 'when'], raw.when),
      replies: compileReplies([...path, 'reply'], raw.reply),
    };
    if (typeof raw.cooldown === 'string') rule.cooldownMs = parseDuration(raw.cooldown);
    rules.push(rule);
  });

  const settings = compileSettings(settingsData, timezone, compileTemplate);
  const tests = compileTests(data, timezone, report, doc);

  const unkeyed: number[] = [];
  const byKeyword = new Map<string, number[]>();
  for (const [pos, rule] of rules.entries()) {
    const keywords = rule.match?.keywords;
    if (!keywords || keywords.size === 0) unkeyed.push(pos);
    else for (const k of keywords) byKeyword.set(k, [...(byKeyword.get(k) ?? []), pos]);
  }

  return {
    problems,
    // indexRules: which rules a message needs tried is worked out here, once per load.
    build: (source: string): RuleSet => indexRules({
      version: createHash('sha256').update(source).digest('hex'),
      source,
      file,
      settings,
      rules,
      tests,
      unkeyed,
      byKeyword,
    }),
  };
}

function compileSettings(
  data: Obj,
  timezone: string,
  compileTemplate: (path: Path, text: unknown) => CompiledTemplate | undefined,
): Settings {
  const optOut = isObj(data.opt_out) ? data.opt_out : {};
  const words = (v: unknown, fallback: string[]) =>
    new Set((Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : fallback).map(normalizeWord));
  const limit = data.reply_limit === undefined ? defaultReplyLimit : data.reply_limit;
  const perMs = isObj(limit) && typeof limit.per === 'string' ? parseDuration(limit.per) : undefined;
  return {
    timezone,
    optOut: {
      enabled: optOut.enabled !== false,
      stopWords: words(optOut.stop_words, defaultStopWords),
      startWords: words(optOut.start_words, defaultStartWords),
      stopReply: compileTemplate(['settings', 'opt_out', 'stop_reply'], optOut.stop_reply) ?? null,
      startReply: compileTemplate(['settings', 'opt_out', 'start_reply'], optOut.start_reply) ?? null,
    },
    replyLimit: isObj(limit) && typeof limit.max === 'number' && perMs ? { max: limit.max, perMs } : null,
  };
}

function compileTests(
  data: Obj,
  timezone: string,
  report: (path: Path, message: string, kind: string, hint?: string) => void,
  doc: SourceDoc,
): RuleTest[] {
  const tests: RuleTest[] = [];
  asList(data.tests).forEach((raw, index) => {
    if (!isObj(raw) || !isObj(raw.message) || !isObj(raw.expect)) return;
    const m = raw.message;
    const atText = typeof m.at === 'string' ? m.at : testDefaults.at;
    const at = parseLocalDateTime(atText, timezone);
    if (!at) {
      report(['tests', index, 'message', 'at'], `"${atText}" is not a date and time`, 'time', 'write it like 2026-12-24T19:00');
      return;
    }
    const pos = doc.valueAt(['tests', index]);
    tests.push({
      index,
      name: typeof raw.name === 'string' ? raw.name : undefined,
      line: pos.line,
      col: pos.col,
      message: {
        from: typeof m.from === 'string' ? m.from : testDefaults.from,
        to: typeof m.to === 'string' ? m.to : testDefaults.to,
        body: typeof m.body === 'string' ? m.body : '',
        at,
        media: typeof m.media === 'number' ? m.media : 0,
      },
      expect: raw.expect as RuleTest['expect'],
    });
  });
  return tests;
}

/** A place inside a template (line/column of the template text) as a place in the file. */
export function positionInText(doc: SourceDoc, path: Path, line: number, column: number) {
  const start = doc.valueAt(path);
  const scalar = doc.scalarAt(path);
  if (!scalar) return start;
  if (scalar.block) {
    // Block text starts on the line after "|" or ">"; its indentation is that line's.
    return { line: start.line + line, col: start.col + column, length: 2 };
  }
  if (line === 1) return { line: start.line, col: start.col + (scalar.quoted ? 1 : 0) + column, length: 2 };
  return start;
}
