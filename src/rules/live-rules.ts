// The rules the server answers with right now. A reload swaps them in one step, so each request
// is answered entirely by one version; a reload with problems keeps the previous rules.
import { createHash } from 'node:crypto';
import { formatProblemForLog, type Problem } from './problems.js';
import { loadRulesFile } from './load.js';
import type { RuleSet } from './types.js';

export interface ReloadAttempt {
  at: Date;
  ok: boolean;
  version: string | null;
  problems: Problem[];
}

export interface LiveRulesEvents {
  /** A new version is live (also called for the first load). */
  loaded?(ruleSet: RuleSet, attempt: ReloadAttempt): void;
  /** A changed file was refused; the previous rules keep answering. */
  refused?(attempt: ReloadAttempt): void;
}

export class LiveRules {
  private ruleSet: RuleSet;
  loadedAt: Date;
  lastAttempt: ReloadAttempt;
  /** Hash of the text tried last, so an unchanged file is not reloaded again and again. */
  private lastTriedHash: string | null;
  private running: Promise<void> | null = null;
  private again = false;

  private constructor(
    readonly file: string,
    first: RuleSet,
    private readonly clock: () => Date,
    private readonly events: LiveRulesEvents,
  ) {
    this.ruleSet = first;
    this.loadedAt = clock();
    this.lastAttempt = { at: this.loadedAt, ok: true, version: first.version, problems: [] };
    this.lastTriedHash = first.version;
  }

  /** Loads the file once; the problems are returned when it cannot be used. */
  static async open(file: string, clock: () => Date, events: LiveRulesEvents = {}): Promise<LiveRules | Problem[]> {
    const result = await loadRulesFile(file);
    if (!result.ruleSet) return result.problems;
    const live = new LiveRules(file, result.ruleSet, clock, events);
    live.lastAttempt.problems = result.problems; // warnings
    events.loaded?.(result.ruleSet, live.lastAttempt);
    return live;
  }

  get current(): RuleSet {
    return this.ruleSet;
  }

  /** Reads the file again. Concurrent calls collapse into one extra run after the current one. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.reloadOnce();
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }

  private async reloadOnce(): Promise<void> {
    const result = await loadRulesFile(this.file);
    const hash = result.text === undefined ? null : createHash('sha256').update(result.text).digest('hex');
    // Nothing changed since the last try. An unreadable file counts once per reason (missing, a
    // folder, no permission), not on every watcher event.
    const key = hash ?? `unreadable: ${result.problems.map((p) => p.message).join('; ')}`;
    if (key === this.lastTriedHash) return;
    this.lastTriedHash = key;
    const attempt: ReloadAttempt = { at: this.clock(), ok: !!result.ruleSet, version: hash, problems: result.problems };
    this.lastAttempt = attempt;
    if (result.ruleSet) {
      this.ruleSet = result.ruleSet;
      this.loadedAt = attempt.at;
      this.events.loaded?.(result.ruleSet, attempt);
    } else {
      this.events.refused?.(attempt);
    }
  }

  /** The problems of the last attempt as the log shows them, one per line. */
  static problemText(problems: Problem[]): string {
    return problems.map(formatProblemForLog).join('\n');
  }
}
