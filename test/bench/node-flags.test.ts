// The benchmark measures the server as it runs in production: with the Node flags the Docker
// image sets (NODE_OPTIONS) and `npm start` passes. If one of them changes, the others must too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/build.js';

describe("the server's Node flags", () => {
  it('are the same in the Dockerfile, npm start and the benchmark', async () => {
    const bench = '../../bench/servers.mjs'; // plain JavaScript, no types
    const { serverNodeFlags } = (await import(bench)) as { serverNodeFlags: string[] };
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const options = /NODE_OPTIONS=(?:"([^"]*)"|(\S+))/.exec(runStage);
    expect((options?.[1] ?? options?.[2])?.split(' ')).toEqual(serverNodeFlags);
    const start = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toBe(`node ${serverNodeFlags.join(' ')} bin/autoreply.js serve`);
  });
});
