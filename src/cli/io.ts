// Where a command reads its environment and writes its output; tests pass their own.
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  };
}

/** Exit codes: 0 fine, 1 the command found a problem, 2 the command was called wrongly. */
export const exitCodes = { ok: 0, problem: 1, usage: 2 } as const;
