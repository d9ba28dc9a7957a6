import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

// The flags the issue fixes are a contract: each must be offered by its command.
describe('audit command flags', () => {
  it.each([
    ['log', ['--since', '--until', '--from', '--to', '--rule', '--outcome', '--search', '--sid', '--limit', '--format', '--db']],
    ['stats', ['--since', '--by', '--db']],
    ['rules-history', ['--diff', '--db']],
    ['purge', ['--older-than', '--dry-run', '--db']],
    ['backup', ['<file>', '--db']],
    ['serve', ['--retention-days', '--admin-token', '--log-bodies', '--log-format']],
    ['check', ['[file]', '--format']],
    ['try', ['--body', '--from', '--to', '--media', '--at', '--rules', '--explain', '--db', '--format']],
  ])('%s offers %j', async (command, flags) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    for (const f of flags) expect(r.stdout).toContain(f);
  });

  it('lists the commands in autoreply --help', async () => {
    const r = await cli(['--help']);
    for (const c of ['serve', 'check', 'try', 'log', 'stats', 'rules-history', 'purge', 'backup']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
});
