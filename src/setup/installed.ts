/**
 * What is set up on this machine right now, read without changing anything: the config
 * and its layout, the stored key, Codex's login store, and what setup recorded. Doctor,
 * models, status and the switches all start from here.
 */
import { readAuthState, type AuthState } from '../codex/login-store.js';
import { summarize, type ConfigSummary } from '../codex/config.js';
import type { TomlTable } from '../toml/parse.js';
import type { TomlDoc } from '../toml/scan.js';
import { CliError } from '../errors.js';
import { readTextFile, type TextFile } from '../files/io.js';
import { KEY_VAR } from '../gateway/constants.js';
import { HERE, type Platform } from '../platform/platform.js';
import { profileConfig, resolvePaths, tildify, type Paths } from '../files/paths.js';
import { parseState, type SetupState } from './state.js';
import { parseToml } from '../toml/parse.js';
import { scanToml } from '../toml/scan.js';
import { normalizeBaseUrl } from '../gateway/urls.js';
import { promises as fs } from 'node:fs';
import { unsafeFolderAbove, unsafeFolderAt, type UnsafeFolder } from '../files/secure-path.js';
import { dirname } from 'node:path';

export interface ConfigFacts {
  /** As shown to the user (~/.codex/config.toml). */
  path: string;
  exists: boolean;
  /** A read or parse failure, already phrased with file:line:column. */
  error?: string;
  parsed?: TomlTable;
  doc?: TomlDoc;
}

export interface Installed {
  paths: Paths;
  config: ConfigFacts & { file?: TextFile };
  summary: ConfigSummary;
  keyFile: KeyFileFacts;
  auth: { path: string; state: AuthState; mode?: number; error?: string };
  /** The file model_catalog_json names (resolved against CODEX_HOME), when it names one. */
  catalog?: { path: string; shown: string; ours: boolean; exists: boolean; text?: string; error?: string };
  state?: SetupState;
  envKey?: string;
}

/** Reads a file for inspection: a file that cannot be read is a finding, not a crash. */
export async function inspectFile(path: string): Promise<{ file?: TextFile; error?: string }> {
  try {
    return { file: await readTextFile(path) };
  } catch (err) {
    return { error: err instanceof CliError ? err.message : String(err) };
  }
}

export interface KeyFileFacts {
  path: string;
  exists: boolean;
  key?: string;
  mode?: number;
  /** The file's owner, and the directory it really is in (symlinks followed): who could replace it. */
  uid?: number;
  dir?: { path: string; mode: number; uid: number };
  /** A folder above the key file's directory through which another user could swap it (files/secure-path.ts). */
  unsafeAbove?: UnsafeFolder;
  error?: string;
}

async function dirFacts(file: string, show: (p: string) => string): Promise<KeyFileFacts['dir']> {
  const real = await fs.realpath(dirname(file)).catch(() => undefined);
  const st = real ? await fs.stat(real).catch(() => undefined) : undefined;
  return real && st ? { path: show(real), mode: st.mode & 0o7777, uid: st.uid } : undefined;
}

export async function readInstalled(env: NodeJS.ProcessEnv, cwd: string, codexHome?: string, platform: Platform = HERE): Promise<Installed> {
  const paths = resolvePaths(env, cwd, codexHome, platform);
  const show = (p: string) => tildify(p, paths.home);
  const [config, keyFile, auth, state] = await Promise.all([
    inspectFile(paths.config),
    inspectFile(paths.keys.main),
    inspectFile(paths.authJson),
    inspectFile(paths.stateFile),
  ]);

  const configFacts: Installed['config'] = { path: show(paths.config), exists: Boolean(config.file?.exists) };
  if (config.error) configFacts.error = config.error;
  else if (config.file?.exists) {
    configFacts.file = config.file;
    try {
      configFacts.parsed = parseToml(config.file.text, show(paths.config));
      configFacts.doc = scanToml(config.file.text);
    } catch (err) {
      configFacts.error = (err as Error).message;
    }
  }

  const summary = summarize(configFacts.parsed);
  let catalog: Installed['catalog'];
  if (summary.catalog !== undefined) {
    const path = resolveCodexPath(summary.catalog, paths);
    const f = await inspectFile(path);
    catalog = {
      path,
      shown: show(path),
      ours: path === paths.catalog,
      exists: Boolean(f.file?.exists),
      ...(f.file?.exists ? { text: f.file.text } : {}),
      ...(f.error ? { error: f.error } : {}),
    };
  }

  const envKey = env[KEY_VAR]?.trim() || undefined;
  const setupState = state.file?.exists ? parseState(state.file.text) : undefined;
  const stored = keyFile.file?.exists ? platform.readKeyFile(keyFile.file.text) : undefined;
  const keyDir = keyFile.file?.exists ? await dirFacts(keyFile.file.target, show) : undefined;
  const unsafeAbove = keyFile.file?.exists ? await unsafeFolderAbove(dirname(keyFile.file.target)) : undefined;
  return {
    paths,
    config: configFacts,
    summary,
    ...(catalog ? { catalog } : {}),
    keyFile: {
      path: show(paths.keys.main),
      exists: Boolean(keyFile.file?.exists),
      ...(stored ? { key: stored } : {}),
      ...(keyFile.file?.mode !== undefined ? { mode: keyFile.file.mode } : {}),
      ...(keyFile.file?.uid !== undefined ? { uid: keyFile.file.uid } : {}),
      ...(keyDir ? { dir: keyDir } : {}),
      ...(unsafeAbove ? { unsafeAbove: { ...unsafeAbove, path: show(unsafeAbove.path) } } : {}),
      ...(keyFile.error ? { error: keyFile.error } : {}),
    },
    auth: {
      path: show(paths.authJson),
      state: readAuthState(auth.file?.exists ? auth.file.text : undefined),
      ...(auth.file?.mode !== undefined ? { mode: auth.file.mode } : {}),
      ...(auth.error ? { error: auth.error } : {}),
    },
    ...(setupState ? { state: setupState } : {}),
    ...(envKey ? { envKey } : {}),
  };
}

/** The profile files setup wrote (the names in its record), each read as every file is: bounded, regular files only. */
export function readRecordedProfiles(paths: Paths, state: SetupState | undefined, platform: Platform = HERE): Promise<Array<{ name: string; file: TextFile }>> {
  return Promise.all(Object.keys(state?.profiles ?? {}).map(async (name) => ({ name, file: await readTextFile(profileConfig(paths, name, platform)) })));
}

/** A path in config.toml as Codex reads it: `~/` is the home directory, a relative path is under CODEX_HOME. */
export function resolveCodexPath(p: string, paths: Paths, platform: Platform = HERE): string {
  return platform.expand(p, paths.home, paths.codexHome);
}

/** The key Codex would send with the current layout, and where it comes from. */
export function keyForGateway(inst: Installed): { key?: string; source?: string } {
  if (inst.summary.layout === 'openai-base-url') {
    const k = inst.auth.state.apiKey;
    return k ? { key: k, source: inst.auth.path } : {};
  }
  // The auth command reads the key file first: the variable is only its fallback.
  if (inst.summary.keySource === 'file' && inst.keyFile.key) return { key: inst.keyFile.key, source: inst.keyFile.path };
  if (inst.envKey) return { key: inst.envKey, source: `${KEY_VAR} in this shell` };
  if (inst.keyFile.key) return { key: inst.keyFile.key, source: inst.keyFile.path };
  return {};
}

/** The configured base URL in the form requests use, or undefined when it is missing or unusable (base-url reports why). */
export function usableBaseUrl(inst: Installed): string | undefined {
  try {
    return inst.summary.baseUrl ? normalizeBaseUrl(inst.summary.baseUrl).url : undefined;
  } catch {
    return undefined;
  }
}

/** Who besides the user could change config.toml, and so the command Codex runs for the key. */
export interface ConfigRisk {
  /** config.toml belongs to another user. */
  foreignOwner?: number;
  /** config.toml is writable by group or others (its mode). */
  widenedMode?: number;
  /** The Codex home, or a folder above it, that another user owns or can write to; `atHome` when it is the Codex home itself. */
  unsafeHome?: UnsafeFolder & { atHome: boolean };
}

export async function configRisk(inst: Installed): Promise<ConfigRisk> {
  const f = inst.config.file;
  const uid = process.getuid?.();
  const home = await unsafeFolderAt(inst.paths.codexHome);
  const realHome = home ? await fs.realpath(inst.paths.codexHome).catch(() => inst.paths.codexHome) : undefined;
  return {
    ...(f?.exists && uid !== undefined && f.uid !== undefined && f.uid !== uid ? { foreignOwner: f.uid } : {}),
    ...(HERE.modeBits && f?.exists && f.mode !== undefined && (f.mode & 0o022) !== 0 ? { widenedMode: f.mode } : {}),
    ...(home ? { unsafeHome: { ...home, atHome: home.path === realHome } } : {}),
  };
}
