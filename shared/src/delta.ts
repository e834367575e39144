// Deltas of the live feed: a list of {path, value} that turns one summary into the next.
// path is the list of keys from the top; value replaces what stands there (objects on the
// way are created, null deletes the key). An array whose length did not change is diffed
// element by element, its index being the key ("23"), so one new incident resends one
// hourly bucket rather than the whole 24-hour series; an array whose length changed is
// replaced whole.

export interface Change {
  path: string[];
  value: unknown;
}

export interface Delta {
  seq: number;
  at: string;
  changes: Change[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Only the leaves that differ: the smallest list of changes from `before` to `after`. */
export function diffSummary<T extends object>(before: T, after: T): Change[] {
  const changes: Change[] = [];
  walk(before, after, []);
  return changes;

  function walk(a: unknown, b: unknown, path: string[]): void {
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && path.length > 0) {
      a.forEach((item, i) => walk(item, b[i], [...path, String(i)]));
      return;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(b, key)) changes.push({ path: [...path, key], value: null });
      }
      for (const key of Object.keys(b)) {
        const next = b[key];
        if (!Object.hasOwn(a, key)) set([...path, key], next);
        else walk(a[key], next, [...path, key]);
      }
      return;
    }
    if (!deepEqual(a, b)) set(path, b);
  }

  function set(path: string[], value: unknown): void {
    // null as a value means "delete the key", so a figure that becomes null (a rate
    // with nothing to divide) is sent by replacing its parent object whole.
    if (value === null && path.length > 0) changes.push({ path: path.slice(0, -1), value: clone(parentOf(after, path)) });
    else changes.push({ path, value: clone(value) });
  }
}

function parentOf(root: unknown, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)[key];
  return node;
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function arrayIndex(node: unknown[], key: string): number | null {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < node.length && String(index) === key ? index : null;
}

/** Applies the changes in order to a copy of `summary`; the input is left untouched. */
export function applyDelta<T extends object>(summary: T, delta: Pick<Delta, 'changes'>): T {
  const root = clone(summary) as Record<string, unknown>;
  for (const { path, value } of delta.changes) {
    if (path.length === 0) {
      if (!isPlainObject(value)) throw new TypeError('a change at the root must be an object');
      for (const key of Object.keys(root)) delete root[key];
      Object.assign(root, clone(value));
      continue;
    }
    let node: Container = root;
    for (const key of path.slice(0, -1)) {
      if (Array.isArray(node)) {
        const index = arrayIndex(node, key);
        if (index === null) throw new RangeError(`delta path ${path.join('.')} indexes past an array`);
        if (!isContainer(node[index])) node[index] = {};
        node = node[index] as Container;
      } else {
        if (!isContainer(node[key])) node[key] = {};
        node = node[key] as Container;
      }
    }
    const last = path[path.length - 1] as string;
    if (Array.isArray(node)) {
      const index = arrayIndex(node, last);
      if (index === null || value === null) throw new RangeError(`delta path ${path.join('.')} does not name an array element`);
      node[index] = clone(value as Json);
    } else if (value === null) delete node[last];
    else node[last] = clone(value as Json);
  }
  return root as T;
}
