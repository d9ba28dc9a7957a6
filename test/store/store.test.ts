// The record's questions the rules ask (a real SQLite file): how many replies a sender got.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RenderedMessage } from '../../src/engine/evaluate.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../support/server.js';

const dir = tempDir();
afterAll(() => dir.remove());

const store = new Store(openDatabase(join(dir.dir, 'store.db')));
let n = 0;

/** Records a message from `from` to `to` at `at` (ms) that sent `messages`. */
function record(from: string, to: string, at: number, messages: RenderedMessage[]): void {
  const receivedAt = new Date(at);
  store.decideOnce(`SM${++n}`, receivedAt, () => ({
    msg: { from, to, body: 'hi', numMedia: 0, params: { From: from, To: to, Body: 'hi' }, receivedAt },
    decision: { outcome: messages.length ? 'replied' : 'no_match', rule: messages.length ? 'r' : null, messages, notes: [] },
    responseXml: '<Response/>',
    rulesVersion: null,
  }));
}

const reply: RenderedMessage = { to: null, body: 'thanks', media: [] };
const forward = (to: string): RenderedMessage => ({ to, body: 'fwd', media: [] });
const t0 = Date.parse('2026-12-04T10:00:00Z');

describe('Store.repliesSince', () => {
  const from = '+4917000000001';
  const to = '+4930000000';
  // 7 answered messages, one with only a forward to staff, one unanswered, one to another number.
  for (let i = 0; i < 7; i++) record(from, to, t0 + i * 1000, [reply]);
  record(from, to, t0 + 7000, [forward('+4930999')]);
  record(from, to, t0 + 8000, []);
  record(from, '+4930111111', t0 + 9000, [reply]);

  it('counts the messages of the pair that got something back to the sender, after the given time', () => {
    expect(store.repliesSince(from, to, t0 - 1, 100)).toBe(7);
    expect(store.repliesSince(from, to, t0 + 2500, 100)).toBe(4);
    expect(store.repliesSince(from, '+4930111111', t0 - 1, 100)).toBe(1);
    expect(store.repliesSince('+4917000000002', to, t0 - 1, 100)).toBe(0);
  });

  it('stops counting at the limit it is asked about', () => {
    expect(store.repliesSince(from, to, t0 - 1, 5)).toBe(5);
    expect(store.repliesSince(from, to, t0 + 2500, 5)).toBe(4);
    expect(store.repliesSince(from, to, t0 - 1, 1)).toBe(1);
  });
});
