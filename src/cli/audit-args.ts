// What the audit commands (log, stats, rules-history, purge, backup) share: where the database
// is, opening it, reading times and durations, and turning mistakes into plain messages.
import { existsSync } from 'node:fs';
import { defaults } from '../config.js';
import { parseDuration } from '../engine/time.js';
import { openDatabase, schemaVersion, type Db } from '../store/database.js';
import { exitCodes, type Io } from './io.js';

/** A mistake to tell the user about; `code` is the exit code (1 a problem, 2 called wrongly). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = exitCodes.usage,
  ) {
    super(message);
  }
}

export const dbOptionHelp = `SQLite database file (env DATABASE_PATH, default ${defaults.databasePath})`;

/** --db, then DATABASE_PATH, then the server's default — the same file the server writes. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env.DATABASE_PATH || defaults.databasePath;
}

/** Opens an existing database; never creates one (a typo in --db must not make an empty file). */
export function openExisting(path: string, options: { readonly: boolean }): Db {
  if (!existsSync(path)) {
    throw new CliError(`There is no database at ${path}. Give the right file with --db PATH or set DATABASE_PATH.`, exitCodes.problem);
  }
  // Look before writing: opening for writing would add autoreply's tables to any other file.
  let version: number;
  try {
    const probe = openDatabase(path, { readonly: true });
    try {
      version = probe.pragma('user_version', { simple: true }) as number; // also fails for a file that is not SQLite
    } finally {
      probe.close();
    }
  } catch (err) {
    throw new CliError(`Cannot open the database ${path}: ${(err as Error).message}`, exitCodes.problem);
  }
  if (version === 0 || version > schemaVersion) {
    throw new CliError(
      version === 0
        ? `${path} is not an autoreply database (it has none of its tables). Give the right file with --db PATH.`
        : `${path} was written by a newer autoreply (schema ${version}; this version knows ${schemaVersion}). Use the newer autoreply to read it.`,
      exitCodes.problem,
    );
  }
  try {
    return openDatabase(path, { readonly: options.readonly });
  } catch (err) {
    throw new CliError(`Cannot open the database ${path}: ${(err as Error).message}`, exitCodes.problem);
  }
}

/**
 * A point in time from "24h" / "7d" (that long before now), a date "2026-12-01" (midnight UTC;
 * with `endOfDay`, the midnight after it, so "--until 2026-12-01" includes that day), or a full
 * ISO-8601 time.
 */
export function parseTimeArg(text: string, flag: string, now: Date, options: { endOfDay?: boolean } = {}): Date {
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00.000Z`);
    if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(text)) {
      return options.endOfDay ? new Date(day.getTime() + 86_400_000) : day;
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const t = new Date(text);
    if (!Number.isNaN(t.getTime())) return t;
  }
  throw new CliError(
    `${flag} "${text}" is not a time. Write a duration back from now like 24h or 7d, a date like 2026-12-01, or a time like 2026-12-01T09:30:00Z.`,
  );
}

/** A positive whole number for flags like --limit. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CliError(`${flag} must be a whole number of 1 or more, not "${text}".`);
  return Number(text);
}

export function checkChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new CliError(`${flag} "${text}" is not known. Choose one of: ${choices.join(', ')}.`);
}

/** Runs a command body; a CliError becomes its message on stderr and its exit code. */
export async function runAudit(io: Io, done: (code: number) => void, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
    done(exitCodes.ok);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.stderr(`autoreply: ${err.message}\n`);
    done(err.code);
  }
}

/** Opens read-only for the duration of `use`. */
export async function withDb<T>(path: string, readonly: boolean, use: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openExisting(path, { readonly });
  try {
    return await use(db);
  } finally {
    db.close();
  }
}
