// A small reader for the Prometheus text format (version 0.0.4), strict enough to catch
// malformed output: every sample line must be `name{label="value",...} number`.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Record<string, string>;
  help: Record<string, string>;
}

export function parsePrometheus(text: string): Exposition {
  const out: Exposition = { samples: [], types: {}, help: {} };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      (m[1] === 'HELP' ? out.help : out.types)[m[2]] = m[3];
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let lm: RegExpExecArray | null;
      let consumed = 0;
      while ((lm = re.exec(m[2]))) {
        labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
        consumed = re.lastIndex;
      }
      if (consumed !== m[2].length) throw new Error(`bad labels in: ${line}`);
    }
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case; prom-client
    // writes the event-loop lag mean as "Nan" before its first sample, so accept what Prometheus does.
    const word = m[3].toLowerCase();
    const value = /^\+?inf$/.test(word) ? Infinity : word === '-inf' ? -Infinity : word === 'nan' ? NaN : Number(m[3]);
    if (Number.isNaN(value) && word !== 'nan') throw new Error(`bad value in: ${line}`);
    out.samples.push({ name: m[1], labels, value });
  }
  return out;
}

/** The value of the one sample with this name and exactly these labels. */
export function sample(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const key = JSON.stringify(Object.entries(labels).sort());
  return e.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === key)?.value;
}
