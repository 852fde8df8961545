/**
 * Uninstall as a pure function: every trace the tool left (the rc blocks, the key files, its
 * record, the provider and top-level keys in config.toml, the key in Codex's login store) in,
 * the planned removals and edits out. Everything else stays byte for byte.
 */
import { plannedWrite, type PlannedWrite } from '../files/transaction.js';
import { readAuthState } from '../codex/login-store.js';
import { planUninstallConfig, type PreviousTopLevel } from '../codex/config.js';
import type { TextFile } from '../files/io.js';
import { findBlocks, removeBlocks } from '../shell/rc.js';
import { isToolKey } from './state.js';

export interface UninstallInputs {
  config: TextFile;
  /** Shown in messages (~/.codex/config.toml). */
  configLabel: string;
  /** Candidate startup files: the ones setup recorded and each shell's usual one. */
  rcFiles: TextFile[];
  /** Files that are wholly the tool's (key files, its record): removed outright. */
  ownFiles: TextFile[];
  authJson: TextFile;
  /** The key the tool stored, to recognise it in Codex's login store. */
  storedKey?: string;
  /** What config.toml held before the first setup, when recorded. */
  previous?: PreviousTopLevel;
  /** The profile files setup wrote, each with what it held before (state.json). */
  profiles?: ReadonlyArray<{ file: TextFile; label: string; previous: PreviousTopLevel }>;
  /** Files the tool created (the first backup of each says it did not exist before). */
  createdByTool: ReadonlySet<string>;
  /** auth.json as it was before the tool first wrote it: its text, or null if there was none. */
  authBefore?: { text: string | null; mode: number };
  /** Fingerprints of every key the tool put into Codex's login store (state.json). */
  loginStoreKeys?: readonly string[];
}

function edit(f: TextFile, after: string | null, secret = false): PlannedWrite {
  return plannedWrite(f, after, { mode: f.mode ?? 0o600, secret });
}

export function planUninstall(inp: UninstallInputs): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  const seen = new Set<string>();
  for (const rc of inp.rcFiles) {
    if (!rc.exists || seen.has(rc.target) || findBlocks(rc.text, rc.path).length === 0) continue;
    seen.add(rc.target);
    const after = removeBlocks(rc.text, rc.path);
    // A startup file that only ever held the block (fish's conf.d file, or one setup created) goes entirely.
    writes.push(edit(rc, after.trim() === '' && (inp.createdByTool.has(rc.target) || rc.target.endsWith('/conf.d/lightweight.fish')) ? null : after));
  }

  // A missing config.toml reads as empty, which uninstall leaves empty: no write. A profile file
  // the tool created goes once nothing else is left in it.
  for (const { file, label, previous } of [{ file: inp.config, label: inp.configLabel, previous: inp.previous }, ...(inp.profiles ?? [])]) {
    const after = planUninstallConfig(file.text, label, previous);
    if (after !== file.text) writes.push(edit(file, after === '' && inp.createdByTool.has(file.target) ? null : after));
  }

  // Codex's login store goes back to what it was only while it still holds a key the tool put
  // there: the current one, or any earlier one (a key change or a layout switch in between).
  const auth = readAuthState(inp.authJson.exists ? inp.authJson.text : undefined);
  if (isToolKey(auth.apiKey, inp.storedKey, inp.loginStoreKeys)) {
    const before = inp.authBefore;
    writes.push({ ...edit(inp.authJson, before ? before.text : null, true), ...(before?.text != null ? { mode: before.mode } : {}) });
  }

  for (const f of inp.ownFiles) if (f.exists) writes.push(edit(f, null, true));
  return writes;
}
