/**
 * Codex's configuration layers as they concern the gateway: the system config an administrator
 * writes (`/etc/codex/config.toml`, below the user's) and the user's config.toml. Codex merges
 * them key by key, tables field by field, the user's winning; a provider table and model_provider
 * set system-wide are used by every user who does not override them.
 */
import { activeLayout, AUTH_PATH, PROVIDER_PATH, summarize, type ConfigSummary } from '../codex/config.js';
import { getPath, isTable, parseToml, type TomlTable } from '../toml/parse.js';
import { scanToml, type TomlDoc } from '../toml/scan.js';
import { octalMode, readTextFile } from '../files/io.js';
import type { Installed } from './installed.js';

/** The system-wide config Codex reads below the user's, where an administrator may set things. */
export const SYSTEM_CONFIG = '/etc/codex/config.toml';

export interface SystemLayer {
  path: string;
  exists: boolean;
  text?: string;
  parsed?: TomlTable;
  doc?: TomlDoc;
  error?: string;
  mode?: number;
  uid?: number;
}

/** The system config (POSIX; Windows keeps it elsewhere and is not read here). Absent: undefined. */
export async function readSystemLayer(platform: NodeJS.Platform, path: string = SYSTEM_CONFIG): Promise<SystemLayer | undefined> {
  if (platform === 'win32') return undefined;
  let text: string;
  let owner: { mode?: number; uid?: number } = {};
  try {
    // Bounded like every file the tool reads: a huge or special file is an error, not a hang.
    const file = await readTextFile(path);
    if (!file.exists) return undefined;
    text = file.text;
    owner = { ...(file.mode !== undefined ? { mode: file.mode } : {}), ...(file.uid !== undefined ? { uid: file.uid } : {}) };
  } catch (err) {
    return { path, exists: true, error: (err as Error).message };
  }
  try {
    return { path, exists: true, text, ...owner, parsed: parseToml(text, path), doc: scanToml(text) };
  } catch (err) {
    return { path, exists: true, text, ...owner, error: (err as Error).message };
  }
}

/**
 * Why the system config is not safe to take an auth command from, if it is not: every user's Codex
 * runs what it names, so only root (or the user themselves, on a machine of their own) may write it.
 */
export function systemLayerRisk(s: SystemLayer, uid: number | undefined): string | undefined {
  if (s.uid !== undefined && s.uid !== 0 && s.uid !== uid) return `it belongs to uid ${s.uid}, not root`;
  if (s.mode !== undefined && (s.mode & 0o022) !== 0) return `others can write to it (mode ${octalMode(s.mode)})`;
  return undefined;
}

/** Codex's merge: tables field by field, everything else replaced by the upper layer. */
export function mergeLayers(lower: TomlTable, upper: TomlTable): TomlTable {
  const out: TomlTable = { ...lower };
  for (const [k, v] of Object.entries(upper)) out[k] = isTable(v) && isTable(out[k]) ? mergeLayers(out[k] as TomlTable, v) : v;
  return out;
}

/** The settings that make Codex use the gateway, each named as doctor shows it. */
const SETTINGS: ReadonlyArray<[string, readonly string[]]> = [
  ['model_provider', ['model_provider']],
  ['model', ['model']],
  ['base_url', [...PROVIDER_PATH, 'base_url']],
  ['auth command', AUTH_PATH],
  ['env_key', [...PROVIDER_PATH, 'env_key']],
];

/** For each gateway setting that is set: the layer it comes from (the upper one when both set it). */
export function settingOrigins(layers: ReadonlyArray<{ shown: string; parsed: TomlTable }>): Array<{ setting: string; from: string; overrides?: string }> {
  const out: Array<{ setting: string; from: string; overrides?: string }> = [];
  for (const [setting, path] of SETTINGS) {
    const setIn = layers.filter((l) => getPath(l.parsed, path) !== undefined).map((l) => l.shown);
    const from = setIn.at(-1);
    if (from === undefined) continue;
    out.push({ setting, from, ...(setIn.length > 1 ? { overrides: setIn[0]! } : {}) });
  }
  return out;
}

/**
 * The gateway comes from the system layer: the user's config selects no Lightweight layout of its
 * own, and with the system one below it, Codex's merged config does. Returns the merged summary.
 */
export function providedBySystem(system: SystemLayer | undefined, user: TomlTable | undefined): ConfigSummary | undefined {
  if (!system?.parsed) return undefined;
  if (user && activeLayout(user)) return undefined;
  const merged = mergeLayers(system.parsed, user ?? {});
  return activeLayout(merged) === 'model-providers' ? summarize(merged) : undefined;
}

/**
 * What Codex runs on for this user: their own config, or, when the gateway comes from the system
 * layer, the two merged (the summary and the config facts are then the merged ones, placed in the
 * system file, where the provider's lines are).
 */
export async function effectiveInstall(own: Installed, platform: NodeJS.Platform): Promise<{ inst: Installed; system?: SystemLayer; fromSystem: boolean }> {
  const system = await readSystemLayer(platform);
  const fromSystem = providedBySystem(system, own.config.parsed);
  if (!fromSystem || !system?.parsed) return { inst: own, ...(system ? { system } : {}), fromSystem: false };
  const config = { path: system.path, exists: true, parsed: mergeLayers(system.parsed, own.config.parsed ?? {}), ...(system.doc ? { doc: system.doc } : {}) };
  return { inst: { ...own, summary: fromSystem, config }, system, fromSystem: true };
}
