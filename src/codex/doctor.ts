/**
 * Codex's own view, from `codex doctor --json` (or `codex --version` on a Codex without it).
 * It is the slowest part of doctor, so the command starts it before loading anything else.
 */
import { existsSync } from 'node:fs';
import { codexCommand, codexVersion, findExecutable, run } from './binary.js';

export interface CodexDoctorFinding {
  status: string;
  summary: string;
  remediation?: string | null;
  /** Strings, or lists of them (`"config.toml": [path, "missing"]`). */
  details?: Record<string, unknown>;
}

export interface CodexFacts {
  path?: string;
  version?: string;
  /** `codex doctor --json` checks by id, when it ran. */
  doctor?: Record<string, CodexDoctorFinding>;
  doctorError?: string;
}

export async function codexFacts(env: NodeJS.ProcessEnv, codexHome: string, timeoutMs: number): Promise<CodexFacts> {
  const path = findExecutable('codex', env);
  if (!path) return {};
  // Codex refuses a CODEX_HOME that does not exist, but makes its default ~/.codex itself: a user who
  // has not run Codex yet (only a key stored, the provider from the system config) must not read as broken.
  const named = env.CODEX_HOME !== undefined || existsSync(codexHome);
  const command = codexCommand(path, named ? { ...env, CODEX_HOME: codexHome } : env);
  const childEnv = command.env;
  const r = await run(command.file, ['doctor', '--json'], { env: childEnv, timeoutMs });
  try {
    const report = JSON.parse(r.stdout) as { codexVersion?: string; checks?: Record<string, CodexDoctorFinding> };
    if (report.checks) return { path, ...(report.codexVersion ? { version: report.codexVersion } : {}), doctor: report.checks };
  } catch {
    // Older Codex without `doctor --json`: fall back to the version alone.
  }
  // A doctor that ran out of time has used the budget; only a quick Codex gets the version asked separately.
  const version = r.timedOut ? undefined : await codexVersion(command.file, childEnv, Math.min(timeoutMs, 5_000));
  return {
    path,
    ...(version ? { version } : {}),
    doctorError: r.timedOut ? `codex doctor --json did not finish within ${Math.round(timeoutMs / 1000)} s.` : '`codex doctor --json` is not available in this Codex version.',
  };
}
