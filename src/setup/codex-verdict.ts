/**
 * What the installed Codex says about the user's config before setup writes anything: whether it
 * loads the file as it is now, whether it would load the planned file, and settings that rule a
 * layout out. Codex's own words, placed by line in the file; setup stops before the first
 * question when the file can only work once the user fixes something setup does not own.
 */
import { basename, sep } from 'node:path';
import { firstLineOf, OWNED_TOP_LEVEL, PROVIDER_PATH } from '../codex/config.js';
import { codexLoadsNow, codexWouldLoad, type LoadVerdict } from '../codex/loads.js';
import { CliError, EXIT } from '../errors.js';
import type { PlannedWrite } from '../files/transaction.js';
import type { TomlTable } from '../toml/parse.js';
import type { SystemLayer } from './layers.js';
import { scanToml, type TomlDoc } from '../toml/scan.js';
import { cmd } from '../invocation.js';

/** A setting setup rewrites anyway: a refusal there is one this setup fixes. */
export function ownedByTool(keyPath: readonly string[]): boolean {
  if (keyPath.length === 1 && (OWNED_TOP_LEVEL as readonly string[]).includes(keyPath[0]!)) return true;
  return PROVIDER_PATH.every((p, i) => keyPath[i] === p);
}

/** Codex's refusal as the user reads it: its reason, with the file and line of the setting it names. */
export function refusalWhere(text: string, shownFile: string, keyPath: readonly string[] | undefined): string {
  if (!keyPath?.length) return shownFile;
  try {
    return `${shownFile}:${firstLineOf(scanToml(text), keyPath)}`;
  } catch {
    return shownFile;
  }
}

export interface NowVerdict {
  /** Codex could be asked (installed, and new enough): its word replaces the tool's rules. */
  asked: boolean;
  /** Codex refuses the file now, in a setting setup rewrites (said, then fixed by the run). */
  fixedBySetup?: string;
}

/**
 * Asks the installed Codex whether it loads config.toml as it is. A refusal in a setting the
 * user owns stops setup at once (exit 2, nothing written): with it, Codex would not start
 * whatever setup writes.
 */
export async function codexVerdictNow(codex: string | undefined, env: NodeJS.ProcessEnv, codexHome: string, config: { exists: boolean; text: string; shown: string }): Promise<NowVerdict> {
  if (!codex) return { asked: false };
  const v: LoadVerdict = await codexLoadsNow(codex, env, codexHome);
  if (!v.asked) return { asked: false };
  if (v.loads || !config.exists) return { asked: true };
  const where = refusalWhere(config.text, config.shown, v.keyPath);
  if (v.keyPath && ownedByTool(v.keyPath)) return { asked: true, fixedBySetup: `Codex refuses ${config.shown} as it is (${where}: ${v.reason}); this setup rewrites that setting.` };
  throw new CliError(
    `The installed Codex refuses to load ${config.shown}: ${v.reason}`,
    EXIT.usage,
    `Fix ${where} (Codex does not start while it is there), then run ${cmd()} again; nothing was written.`,
  );
}

/** Asks the installed Codex whether it loads the planned config.toml (with the planned catalog beside it), or config.toml with the planned profile file on top; exit 2 when it would not. */
export async function ensureCodexLoadsPlan(codex: string, env: NodeJS.ProcessEnv, codexHome: string, writes: readonly PlannedWrite[], configPath: string, shown: string, profile?: string): Promise<void> {
  const files: Record<string, string> = {};
  let planned: string | undefined;
  for (const w of writes) {
    if (w.after === null || !w.path.startsWith(`${codexHome}${sep}`) || w.path.slice(codexHome.length + 1).includes(sep)) continue;
    files[basename(w.path)] = w.after;
    if (w.path === configPath) planned = w.after;
  }
  if (planned === undefined) return;
  const v = await codexWouldLoad(codex, env, codexHome, files, profile);
  if (!v.asked || v.loads) return;
  throw new CliError(
    `The installed Codex would not load ${shown} after this setup: ${v.reason}`,
    EXIT.usage,
    `Codex names ${refusalWhere(planned, `${shown} (as planned)`, v.keyPath)}; fix that setting in ${shown}, then run ${cmd()} again. Nothing was written.`,
  );
}

/**
 * `forced_login_method = "chatgpt"` makes Codex refuse API-key logins, which the base-URL layout
 * stores its key with: that layout cannot work there (the provider table does). Set in the user's
 * config, or in the system one below it (both already read). Returns where it is set (file:line).
 */
export function forcedChatgptLogin(user: { parsed?: TomlTable; doc?: TomlDoc; path: string }, system: SystemLayer | undefined): string | undefined {
  const where = (c: { parsed?: TomlTable; doc?: TomlDoc; path: string }) => (c.parsed?.forced_login_method === 'chatgpt' && c.doc ? `${c.path}:${firstLineOf(c.doc, ['forced_login_method'])}` : undefined);
  return where(user) ?? (system ? where(system) : undefined);
}

export function baseUrlLayoutRuledOut(where: string): CliError {
  return new CliError(
    `forced_login_method = "chatgpt" (${where}) makes Codex refuse API-key logins, which the base-URL layout needs: Codex would ignore the key.`,
    EXIT.usage,
    `Use the provider-table layout, which works with it: ${cmd()} --layout model-providers. Nothing was written.`,
  );
}

