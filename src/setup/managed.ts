/**
 * A config.toml someone else manages: home-manager links ~/.codex/config.toml into the read-only
 * Nix store (and rebuilds it from `programs.codex.settings` on every switch), so a write would
 * fail, or be undone at the next switch. Setup notices before any question, writes no config,
 * prints the settings to put in home-manager instead, and still stores the key and the shell block.
 */
import { promises as fs, constants } from 'node:fs';
import { sep } from 'node:path';
import type { TomlTable } from '../toml/parse.js';

export interface ManagedConfig {
  /** config.toml as the user knows it (the link). */
  link: string;
  /** Where it really is. */
  target: string;
  /** Home-manager's (the Nix store), or only read-only. */
  nix: boolean;
}

/** The Nix store: /nix/store, unless NIX_STORE_DIR (which Nix itself honours) says otherwise. */
export function nixStore(env: NodeJS.ProcessEnv): string {
  return (env.NIX_STORE_DIR || '/nix/store').replace(/\/+$/, '');
}

/**
 * config.toml is managed when it is a link into the Nix store, or a link to a file this user
 * cannot write (another tool's generated file). A plain read-only file is the user's own: setup
 * asks about it (or refuses unattended), as before.
 */
export async function managedConfig(config: string, env: NodeJS.ProcessEnv): Promise<ManagedConfig | undefined> {
  const st = await fs.lstat(config).catch(() => undefined);
  if (!st?.isSymbolicLink()) return undefined;
  const target = await fs.realpath(config).catch(() => undefined);
  if (target === undefined) return undefined;
  if (target.startsWith(`${nixStore(env)}${sep}`)) return { link: config, target, nix: true };
  const writable = await fs.access(target, constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable ? undefined : { link: config, target, nix: false };
}

/** A Nix string: `"`, `\` and `${` (interpolation) escaped, control characters spelled. */
export function nixString(s: string): string {
  const body = s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `"${body}"`;
}

/** An attribute name: bare when Nix allows it, else quoted. */
function nixName(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(k) ? k : nixString(k);
}

function nixValue(v: unknown, indent: string): string {
  if (typeof v === 'string') return nixString(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[ ${v.map((x) => nixValue(x, indent)).join(' ')} ]`;
  if (v instanceof Date) return nixString(v.toISOString());
  return nixAttrs(v as TomlTable, indent);
}

function nixAttrs(t: TomlTable, indent: string): string {
  const inner = `${indent}  `;
  const lines = Object.entries(t).map(([k, v]) => `${inner}${nixName(k)} = ${nixValue(v, inner)};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The home-manager settings that give Codex `settings` (a TOML table), as one Nix assignment. */
export function homeManagerSettings(settings: TomlTable): string {
  return `programs.codex.settings = ${nixAttrs(settings, '')};`;
}
