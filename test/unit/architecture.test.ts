/**
 * The layout is part of the design: each folder is one room (what it touches), and imports run
 * one way, downward, so a change to a lower room never needs a higher one. This test keeps it so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Lower rank = lower layer. A module may import its own folder and any folder of a lower rank. */
const RANK: Record<string, number> = {
  errors: 0,
  globals: 0,
  // Where Windows and POSIX differ: below everything that asks about it.
  platform: 0.5,
  invocation: 0.75,
  toml: 1,
  files: 1,
  gateway: 1,
  shell: 2,
  codex: 2,
  setup: 3,
  ui: 3,
  doctor: 4,
  commands: 5,
  cli: 6,
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const room = (file: string) => relative(SRC, file).split('/')[0]!.replace(/\.(d\.)?(ts|js|cjs)$/, '');

describe('architecture', () => {
  const files = sources(SRC);

  it('every file sits in a known room (only the entry, the errors, the invocation and the globals at the top level)', () => {
    expect(files.map(room).filter((r) => !(r in RANK))).toEqual([]);
  });

  it('imports run downward only', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
        const from = room(file);
        const to = room(resolve(dirname(file), m[1]!));
        if (from !== to && !(RANK[to]! < RANK[from]!)) upward.push(`${relative(SRC, file)} -> ${m[1]}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no module depends on itself through others (static or dynamic imports): each can be read, and changed, on its own', () => {
    const edges = new Map<string, string[]>();
    for (const file of files) {
      const to = [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
      edges.set(file, to.filter((t) => files.includes(t)));
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
