// The shape of a loaded rules file: everything compiled once at load time, so answering a message
// does no parsing at all.
import type { CompiledTemplate } from '../engine/templates.js';
import type { Day, HourRange } from '../engine/time.js';

export interface CompiledCondition {
  body?: RegExp[];
  from?: RegExp[];
  to?: RegExp[];
  /** Normalised keywords (upper case, outer punctuation removed). */
  keywords?: ReadonlySet<string>;
  media?: boolean;
}

export interface TimeWindow {
  days?: ReadonlySet<Day>;
  hours?: HourRange;
}

export interface CompiledMessage {
  body: CompiledTemplate;
  to?: CompiledTemplate;
  media?: CompiledTemplate[];
}

export interface CompiledRule {
  /** 0-based position in the file. */
  index: number;
  name: string;
  match?: CompiledCondition;
  unless?: CompiledCondition;
  when?: TimeWindow;
  cooldownMs?: number;
  /** null: match, record, and send nothing. */
  replies: CompiledMessage[] | null;
  /** Where the rule starts in the file, for warnings and `try --explain`. */
  line: number;
}

export interface OptOutSettings {
  enabled: boolean;
  stopWords: ReadonlySet<string>;
  startWords: ReadonlySet<string>;
  stopReply: CompiledTemplate | null;
  startReply: CompiledTemplate | null;
}

export interface ReplyLimit {
  max: number;
  perMs: number;
}

export interface Settings {
  timezone: string;
  optOut: OptOutSettings;
  replyLimit: ReplyLimit | null;
}

export interface RuleTest {
  index: number;
  name?: string;
  line: number;
  col: number;
  message: { from: string; to: string; body: string; at: Date; media: number };
  expect: { rule?: string; reply?: string; reply_contains?: string; no_reply?: boolean };
}

export interface RuleSet {
  /** sha256 (hex) of the file text: the rules version recorded with every message. */
  version: string;
  source: string;
  file: string;
  settings: Settings;
  rules: CompiledRule[];
  tests: RuleTest[];
  /** Rule positions that have no keyword condition: they are candidates for every message. */
  unkeyed: number[];
  /** Keyword → positions of the rules that start with it (ascending). */
  byKeyword: ReadonlyMap<string, number[]>;
}
