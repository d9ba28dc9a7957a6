import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../support/server.js';
import { message } from '../support/rules.js';

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function freshPath(): string {
  const d = tempDir();
  dirs.push(d);
  return join(d.dir, 'nested', 'folder', 'autoreply.db');
}

describe('database', () => {
  it('creates the folder and the tables, in WAL mode, at the current schema version', () => {
    const db = openDatabase(freshPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['messages', 'opt_outs', 'replies', 'rule_loads', 'rule_sets']);
    const columns = (db.prepare('PRAGMA table_info(messages)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual([
      'message_sid', 'received_at', 'from_number', 'to_number', 'body', 'num_media', 'params', 'rule', 'outcome',
      'response_xml', 'rules_version', 'deliveries', 'last_delivery_at', 'error',
    ]);
    db.close();
  });

  it('opens an existing file again without losing rows or re-running migrations', () => {
    const path = freshPath();
    const first = new Store(openDatabase(path));
    first.decideOnce('SM1', new Date(), () => ({
      msg: message(),
      decision: { outcome: 'no_match', rule: null, messages: [], notes: [] },
      responseXml: '<Response/>',
      rulesVersion: null,
    }));
    first.db.close();
    const again = openDatabase(path);
    expect(again.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 });
    again.close();
  });

  it('refuses a database written by a newer version instead of damaging it', () => {
    const path = freshPath();
    const db = openDatabase(path);
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(/newer autoreply/);
  });

  it('stores a decision and its replies in one step and answers repeats from the record', () => {
    const store = new Store(openDatabase(freshPath()));
    const decide = () => ({
      msg: message({ body: 'hi' }),
      decision: { outcome: 'replied' as const, rule: 'r', messages: [{ to: null, body: 'a', media: [] }, { to: '+2', body: 'b', media: ['u'] }], notes: [] },
      responseXml: '<x/>',
      rulesVersion: 'v',
    });
    expect(store.decideOnce('SM2', new Date('2026-01-01T00:00:00Z'), decide)).toMatchObject({ duplicate: false, responseXml: '<x/>' });
    let called = false;
    const again = store.decideOnce('SM2', new Date('2026-01-01T00:01:00Z'), () => {
      called = true;
      return decide();
    });
    expect(again).toEqual({ duplicate: true, responseXml: '<x/>' });
    expect(called).toBe(false);
    expect(store.db.prepare('SELECT deliveries, last_delivery_at FROM messages').get()).toEqual({ deliveries: 2, last_delivery_at: '2026-01-01T00:01:00.000Z' });
    expect(store.db.prepare('SELECT position, to_number, body, media FROM replies ORDER BY position').all()).toEqual([
      { position: 1, to_number: null, body: 'a', media: '[]' },
      { position: 2, to_number: '+2', body: 'b', media: '["u"]' },
    ]);
    store.db.close();
  });

  it('writes nothing when deciding fails', () => {
    const store = new Store(openDatabase(freshPath()));
    expect(() =>
      store.decideOnce('SM3', new Date(), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    store.db.close();
  });
});

describe('deciding several deliveries in one transaction', () => {
  const decision = (body: string) => () => ({
    msg: message({ body }),
    decision: { outcome: 'replied' as const, rule: 'r', messages: [{ to: null, body, media: [] }], notes: [] },
    responseXml: `<${body}/>`,
    rulesVersion: 'v',
  });

  it('stores every delivery of a batch, and a repeat inside the batch is answered from the first', () => {
    const store = new Store(openDatabase(freshPath()));
    const at = new Date('2026-01-01T00:00:00Z');
    const results = store.decideMany([
      { sid: 'SM1', at, decide: decision('a') },
      { sid: 'SM2', at, decide: decision('b') },
      { sid: 'SM1', at, decide: decision('never') },
    ]);
    expect(results).toMatchObject([
      { ok: true, value: { duplicate: false, responseXml: '<a/>' } },
      { ok: true, value: { duplicate: false, responseXml: '<b/>' } },
      { ok: true, value: { duplicate: true, responseXml: '<a/>' } },
    ]);
    expect(store.db.prepare('SELECT message_sid, deliveries FROM messages ORDER BY message_sid').all()).toEqual([
      { message_sid: 'SM1', deliveries: 2 },
      { message_sid: 'SM2', deliveries: 1 },
    ]);
    store.db.close();
  });

  it('undoes only the delivery whose decision failed; the others are stored', () => {
    const store = new Store(openDatabase(freshPath()));
    const at = new Date();
    const results = store.decideMany([
      { sid: 'SM1', at, decide: decision('a') },
      {
        sid: 'SM2',
        at,
        decide: () => {
          throw new Error('boom');
        },
      },
      { sid: 'SM3', at, decide: decision('c') },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(store.db.prepare('SELECT message_sid FROM messages ORDER BY message_sid').all()).toEqual([{ message_sid: 'SM1' }, { message_sid: 'SM3' }]);
    expect(store.db.prepare('SELECT count(*) AS n FROM replies').get()).toEqual({ n: 2 });
    store.db.close();
  });

  it('answers every delivery of a batch with the error when the transaction cannot start', () => {
    const path = freshPath();
    const store = new Store(openDatabase(path));
    const other = openDatabase(path);
    other.pragma('busy_timeout = 0');
    store.db.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run(); // another replica holds the write lock
    const results = store.decideMany([
      { sid: 'SM1', at: new Date(), decide: decision('a') },
      { sid: 'SM2', at: new Date(), decide: decision('b') },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : (r.error as { code: string }).code))).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    other.prepare('ROLLBACK').run();
    expect(store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    other.close();
    store.db.close();
  });
});
