// Starts the servers under test in their own processes (so the load generator never shares
// their event loop), waits until they answer, reads their peak memory, and stops them.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url, child, output, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** Peak resident memory (VmHWM) of a running process, in MB. */
export function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The last `bytes` of a file, for error messages. */
export function tailOf(file, bytes = 4096) {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The server writes its stdout and stderr straight into `logFile`, as it would into a log
 * collector's file. Piping them into this process instead would make the load generator spend
 * its CPU reading a log line per request (and keep them in memory).
 */
async function startChild(args, env, logFile) {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port) },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  const output = () => tailOf(logFile);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    pid: child.pid,
    output,
    logFile,
    peakRssMb: () => peakRssMb(child.pid),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(force);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

export function startBaseline({ logFile }) {
  return startChild([join(repoRoot, 'bench', 'baseline-server.mjs')], {}, logFile);
}

/** Node's flags for the server, as the Dockerfile's NODE_OPTIONS and `npm start` give them (a test checks). */
export const serverNodeFlags = ['--max-semi-space-size=8'];

/**
 * The real server from dist/, as `autoreply serve` runs it in production: LOG_LEVEL=info, so
 * every webhook writes its log line, as the README promises operators.
 */
export function startAutoreply({ rulesFile, databasePath, logFile, dbSync = 'normal', logLevel = 'info', cpuProfDir }) {
  const node = [...serverNodeFlags, ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [])];
  return startChild([...node, join(repoRoot, 'bin', 'autoreply.js'), 'serve', '--host', '127.0.0.1'], {
    RULES_FILE: rulesFile,
    DATABASE_PATH: databasePath,
    DB_SYNC: dbSync,
    LOG_LEVEL: logLevel,
  }, logFile);
}
