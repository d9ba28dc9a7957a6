// Entry point of the `autoreply` command (bin/autoreply.js calls this).
import { runCli } from './cli/program.js';
import { processIo } from './cli/io.js';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, processIo());
}
