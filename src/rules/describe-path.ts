// Names a place in the rules file the way its author thinks of it: `rule 3 "vip", in "match"`,
// never as a JSON pointer.
import type { Path } from './source-map.js';

function nameOf(item: unknown): string | undefined {
  if (item && typeof item === 'object' && 'name' in item && typeof item.name === 'string') return item.name;
  return undefined;
}

export function describeRule(index: number, name?: string): string {
  return name ? `rule ${index + 1} "${name}"` : `rule ${index + 1}`;
}

export function describeTest(index: number, name?: string): string {
  return name ? `test ${index + 1} "${name}"` : `test ${index + 1}`;
}

/** The place that holds the value at `path`: the rule or test, then the keys inside it. */
export function describePath(data: unknown, path: Path): string {
  const parts: string[] = [];
  let rest = path;
  const root = data as Record<string, unknown[]> | null;
  if ((path[0] === 'rules' || path[0] === 'tests') && typeof path[1] === 'number') {
    const item = Array.isArray(root?.[path[0]]) ? root[path[0]][path[1]] : undefined;
    parts.push(path[0] === 'rules' ? describeRule(path[1], nameOf(item)) : describeTest(path[1], nameOf(item)));
    rest = path.slice(2);
  }
  const keys: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const seg = rest[i];
    if (typeof seg === 'number') {
      const owner = rest[i - 1];
      if (typeof owner === 'string' && keys[keys.length - 1] === `"${owner}"`) keys.pop();
      keys.push(owner === 'reply' ? `reply message ${seg + 1}` : `item ${seg + 1} of "${owner ?? 'list'}"`);
    } else keys.push(`"${seg}"`);
  }
  if (keys.length) parts.push(`in ${keys.join(' > ')}`);
  return parts.join(', ');
}

/** The last key of a path, as the author wrote it ("body"), or `item 2` for list items. */
export function fieldName(path: Path): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') return `item ${last + 1}`;
  return last === undefined ? 'the file' : `"${last}"`;
}
