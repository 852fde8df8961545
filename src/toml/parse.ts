import { parse, TomlError } from 'smol-toml';
import { CliError } from '../errors.js';

export type TomlTable = Record<string, unknown>;

/**
 * Parses TOML the way Codex does (TOML 1.1: smol-toml accepts the multi-line inline tables
 * and escapes Codex 0.171 loads, which @iarna/toml refuses). A syntax error becomes a usage
 * error naming file:line:column, so the user can go straight to it.
 */
export function parseToml(text: string, file: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw new CliError(`${file}:${err.line}:${err.column}: invalid TOML: ${reason}`, 2, 'Fix that line (or move the file aside) and run again; nothing was written.');
    }
    throw err;
  }
}

/** Structural equality of parsed TOML values; dates compare by their TOML text. */
export function tomlEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.toISOString() === b.toISOString();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => tomlEqual(v, b[i]));
  }
  if (isTable(a) && isTable(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!tomlEqual(a[k], b[k])) return false;
    return true;
  }
  return Object.is(a, b);
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * A copy of parsed TOML whose tables and arrays can be changed freely. Dates are shared, not
 * copied: structuredClone would turn smol-toml's TOML dates (local dates, local times) into
 * plain Dates that no longer compare equal to what a parse gives.
 */
export function cloneToml<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneToml) as T;
  if (isTable(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneToml(x)])) as T;
  return v;
}

/** The value at a dotted path, or undefined. */
export function getPath(table: TomlTable, path: readonly string[]): unknown {
  let cur: unknown = table;
  for (const seg of path) {
    if (!isTable(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** First path at which two parsed documents differ, for an error message; undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path: string[] = []): string[] | undefined {
  if (isTable(a) && isTable(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], [...path, k]);
      if (d) return d;
    }
    return undefined;
  }
  return tomlEqual(a, b) ? undefined : path;
}
