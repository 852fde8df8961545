/**
 * `setup --yes --json`: one JSON object on standard output for configuration management (Ansible,
 * Salt, a shell loop): what changed per file, the gateway check's verdict, the exit code. The
 * report goes to standard error instead, so logs keep it. `"changed": false` means a rerun found
 * everything as it wanted it: the signal a playbook reports as "ok" rather than "changed".
 */
import { isCliError } from '../../errors.js';
import type { WriteAction } from '../../files/transaction.js';
import type { CheckVerdict } from '../../gateway/classify.js';
import { maskKey } from '../../gateway/key.js';

export type FileAction = 'created' | 'changed' | 'unchanged' | 'removed';

export interface SetupOutcome {
  exit: number;
  dryRun: boolean;
  files: Array<{ path: string; action: WriteAction }>;
  /** Windows: LIGHTWEIGHT_API_KEY in the user's environment. */
  userVariable?: 'set' | 'unchanged';
  /** `codex login --with-api-key` ran (the base-URL layout, a new key). */
  codexLogin: boolean;
  verdict?: CheckVerdict;
  /** The key stored (empty with --system, which stores none). */
  key: string;
  profile?: string;
  config: string;
  /** A managed config.toml: the home-manager settings to add (nothing was written to it). */
  homeManager?: string;
}

const ACTION: Record<WriteAction, FileAction> = { created: 'created', updated: 'changed', unchanged: 'unchanged', removed: 'removed' };

export function renderOutcome(o: SetupOutcome): string {
  const files = o.files.map((f) => ({ path: f.path, action: ACTION[f.action] }));
  const changed = !o.dryRun && (files.some((f) => f.action !== 'unchanged') || o.userVariable === 'set' || o.codexLogin);
  const v = o.verdict;
  const check = !v ? null : v.ok ? { ok: true, summary: v.summary, models: v.models } : { ok: false, cause: v.cause, summary: v.summary, fix: v.fix, ...(v.status !== undefined ? { status: v.status } : {}) };
  return `${JSON.stringify({
    ok: o.exit === 0,
    exitCode: o.exit,
    changed,
    ...(o.dryRun ? { dryRun: true } : {}),
    config: o.config,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.homeManager ? { configWritten: false, homeManagerSettings: o.homeManager } : {}),
    ...(o.key ? { key: maskKey(o.key) } : {}),
    files,
    ...(o.userVariable ? { userVariable: o.userVariable } : {}),
    codexLogin: o.codexLogin,
    check,
  })}\n`;
}

/** A run that stopped (bad input, a refused file, a cancel): nothing was written, said as JSON too. */
export function renderFailure(err: unknown): string | undefined {
  if (!isCliError(err)) return undefined;
  return `${JSON.stringify({ ok: false, exitCode: err.exitCode, changed: false, error: err.message, ...(err.hint ? { fix: err.hint } : {}), files: [], check: null })}\n`;
}
