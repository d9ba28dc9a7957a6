// Process-level tests run the built output, like `npm start`. `npm test` builds first (pretest);
// this makes a direct `npx vitest` run work too, building at most once per test file.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function buildOnce(): void {
  const built = join(repoRoot, 'dist', 'main.js');
  if (process.env.npm_lifecycle_event === 'test' && existsSync(built)) return; // pretest just built it
  if (existsSync(built) && statSync(built).mtimeMs > Date.now() - 60_000) return;
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
}
