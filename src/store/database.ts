// Opens the SQLite file and brings its tables up to date. Auditors query these tables directly:
// names and meanings are a contract (see README, "The database").
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Each entry moves the database one version up; PRAGMA user_version records how far it is. */
const migrations: string[] = [
  `
  CREATE TABLE messages (
    message_sid      TEXT PRIMARY KEY,
    received_at      TEXT NOT NULL,            -- ISO-8601 UTC with milliseconds
    from_number      TEXT NOT NULL,
    to_number        TEXT NOT NULL,
    body             TEXT NOT NULL,
    num_media        INTEGER NOT NULL DEFAULT 0,
    params           TEXT NOT NULL,            -- JSON object of every posted field
    rule             TEXT,                     -- the rule that answered, or NULL
    outcome          TEXT NOT NULL,            -- replied, silent, no_match, cooldown, error, opted_out, opted_in, rate_limited
    response_xml     TEXT NOT NULL,            -- exactly what was returned to the provider
    rules_version    TEXT,                     -- rule_sets.version that decided it
    deliveries       INTEGER NOT NULL DEFAULT 1,
    last_delivery_at TEXT NOT NULL,
    error            TEXT
  );
  CREATE INDEX messages_by_time ON messages (received_at);
  CREATE INDEX messages_by_sender ON messages (from_number, received_at);
  CREATE INDEX messages_by_rule ON messages (rule, received_at);
  CREATE INDEX messages_by_pair ON messages (from_number, to_number, received_at);

  CREATE TABLE replies (
    message_sid TEXT NOT NULL REFERENCES messages (message_sid) ON DELETE CASCADE,
    position    INTEGER NOT NULL,              -- 1, 2, ... in the order sent
    to_number   TEXT,                          -- NULL: back to the sender
    body        TEXT NOT NULL,
    media       TEXT NOT NULL DEFAULT '[]',    -- JSON array of URLs
    PRIMARY KEY (message_sid, position)
  );

  CREATE TABLE rule_sets (
    version         TEXT PRIMARY KEY,          -- sha256 of the file text
    first_loaded_at TEXT NOT NULL,
    source          TEXT NOT NULL              -- the full YAML text
  );

  CREATE TABLE rule_loads (
    id        INTEGER PRIMARY KEY,
    loaded_at TEXT NOT NULL,
    version   TEXT,                            -- sha256 of the text that was tried (NULL if unreadable)
    ok        INTEGER NOT NULL,                -- 1 loaded, 0 refused
    problems  TEXT                             -- the problems, one per line, as the log shows them
  );
  CREATE INDEX rule_loads_by_time ON rule_loads (loaded_at);

  CREATE TABLE opt_outs (
    from_number  TEXT NOT NULL,
    to_number    TEXT NOT NULL,
    opted_out_at TEXT NOT NULL,
    keyword      TEXT NOT NULL,
    PRIMARY KEY (from_number, to_number)
  );
  `,
];

export const schemaVersion = migrations.length;

export interface OpenOptions {
  readonly?: boolean;
  /** 'normal' (default) survives a process crash in WAL mode; 'full' also survives power loss. */
  sync?: 'normal' | 'full';
  /**
   * The server checkpoints from a worker (checkpointer.ts); this connection then checkpoints
   * only if the WAL grows past 10,000 pages (40 MB), when the worker has fallen far behind.
   */
  backgroundCheckpoints?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (options.readonly) return db;
  try {
    // Switching a new file to WAL takes a lock for which SQLite does not call the busy handler,
    // so two replicas starting on one new file at once can see SQLITE_BUSY here: retry a while.
    retryWhileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma(`synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    if (options.backgroundCheckpoints) db.pragma('wal_autocheckpoint = 10000');
    retryWhileBusy(() => migrate(db));
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Runs `step` again while another process holds the lock it needs, for at most `ms`. */
function retryWhileBusy<T>(step: () => T, ms = 5000): T {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw err;
      if (Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

function migrate(db: Db): void {
  // IMMEDIATE: two processes starting on one new file must not both run the same migration.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`the database was written by a newer autoreply (schema ${current}; this version knows ${migrations.length})`);
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]);
    if (current !== migrations.length) db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
