// Notices when the rules file changes: edited in place, replaced by an editor's write-and-rename,
// or re-pointed through a symlink (Kubernetes ConfigMaps swap a "..data" link). fs.watch on the
// folder reacts at once; a light stat poll catches what fs.watch misses (links, network disks).
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

export interface WatchOptions {
  pollMs?: number;
  debounceMs?: number;
}

export function watchFile(file: string, onChange: () => void, options: WatchOptions = {}): () => void {
  const { pollMs = 250, debounceMs = 25 } = options;
  const path = resolve(file);
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  let closed = false;

  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };

  const fingerprint = async () => {
    try {
      const s = await stat(path); // follows symlinks, so a re-pointed link changes ino
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code}`;
    }
  };

  void fingerprint().then((f) => (last = f));
  const poll = setInterval(async () => {
    const f = await fingerprint();
    if (f !== last) {
      last = f;
      fire();
    }
  }, pollMs);
  poll.unref();

  let watcher: FSWatcher | undefined;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (!changed || changed === name || changed.startsWith('..')) fire();
    });
    watcher.on('error', () => watcher?.close()); // the poll still runs
  } catch {
    // The folder cannot be watched (some network file systems): the poll alone is enough.
  }

  return () => {
    closed = true;
    clearTimeout(timer);
    clearInterval(poll);
    watcher?.close();
  };
}
