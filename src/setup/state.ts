/**
 * What setup did, kept beside the key file so that doctor, switches and uninstall know
 * which rc files carry the block and what the config held before the first setup.
 */
import type { Layout } from '../gateway/constants.js';
import type { KeySource, PreviousTopLevel } from '../codex/config.js';
import { sha256 } from '../files/backup.js';

export interface SetupState {
  version: 1;
  layout: Layout;
  codexHome: string;
  /** Every rc file that received the block, across runs (a user may switch shells). */
  rcFiles: string[];
  /** Windows: the tool set LIGHTWEIGHT_API_KEY in the user's environment (uninstall removes it). */
  userVariable?: boolean;
  /** The owned top-level keys as they were before the first setup, for uninstall. */
  previous: PreviousTopLevel;
  /**
   * Which top-level keys `previous` covers: a record from a version that owned fewer keys
   * takes the others from the config as it is when they are first written.
   */
  owned?: string[];
  /** The key source of the provider table, and whether the user chose it (--key-source): a choice is kept on reruns. */
  keySource?: KeySource;
  keySourceChosen?: boolean;
  /**
   * Every key the tool put into Codex's login store (the base-URL layout), as a short SHA-256 (never
   * the key): a later layout change or uninstall recognises them there, whichever key came last.
   */
  loginStoreKeys?: string[];
  /**
   * The profile files the tool wrote ($CODEX_HOME/<name>.config.toml), by name, each with the
   * owned top-level values it held before the tool first wrote it (uninstall puts them back).
   */
  profiles?: Record<string, { previous: PreviousTopLevel }>;
  /** Whether the installed Codex took a model catalog when setup last looked (absent: Codex was not installed). */
  catalogSupport?: CatalogSupportRecord;
}

export interface CatalogSupportRecord {
  codexVersion?: string;
  supported: boolean;
  /** Why there is no catalog, when there is none. */
  reason?: string;
}

export function parseState(text: string | undefined): SetupState | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as SetupState;
    if (s.version !== 1 || !Array.isArray(s.rcFiles)) return undefined;
    // Each name becomes a path beside config.toml that setup rewrites and uninstall removes: a
    // doctored record's "../x" is no profile of the tool's.
    if (s.profiles) s.profiles = Object.fromEntries(Object.entries(s.profiles).filter(([name]) => isProfileName(name)));
    return s;
  } catch {
    return undefined;
  }
}

/** A profile name as `codex -p <name>` takes it and as a file name beside config.toml (no dots, no slashes). */
export function isProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name) && name !== 'config';
}

export function renderState(s: SetupState): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** How a key the tool stored in Codex's login store is recorded: a short hash, never the key. */
export function keyFingerprint(key: string): string {
  return sha256(key).slice(0, 16);
}

/** Whether a key in Codex's login store is one the tool put there: the stored key, or any earlier one it fingerprinted. */
export function isToolKey(key: string | undefined, stored: string | undefined, fingerprints: readonly string[] = []): boolean {
  return key !== undefined && (key === stored || fingerprints.includes(keyFingerprint(key)));
}
