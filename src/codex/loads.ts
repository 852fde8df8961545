/**
 * Whether the installed Codex loads a config, asked of that Codex rather than predicted from
 * rules that drift between versions (a table Codex 0.171 accepts with a warning, a setting an
 * older Codex still takes). `codex features list` loads the whole configuration (the model
 * catalog it names included), prints Codex's own reason when it cannot, writes nothing, and
 * takes about 30 ms.
 *
 * A planned file is asked about in a scratch CODEX_HOME that holds it and a link to every other
 * entry of the real one, so that paths the config names relative to its folder (the model
 * catalog, instruction files) resolve as they will; files the same run is about to write there
 * (the catalog) are given as they will be.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../files/at-exit.js';
import { codexCommand, run } from './binary.js';

export type LoadVerdict =
  | { asked: true; loads: true }
  | { asked: true; loads: false; reason: string; keyPath?: string[] }
  /** This Codex cannot be asked (no `features list`, or it did not answer). */
  | { asked: false };

const ASK_MS = 15_000;
/** Codex's reason is a sentence or two; more is not a reason. */
const MAX_REASON = 600;

/** The reason and the setting Codex names, from what `codex features list` printed when it refused the config. */
export function loadFailure(stderr: string): { reason: string; keyPath?: string[] } {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^WARNING: proceeding/.test(l));
  const caused = lines.findIndex((l) => l === 'Caused by:');
  const body = caused >= 0 ? lines.slice(caused + 1) : lines.map((l) => l.replace(/^Error( loading configuration)?:\s*/, ''));
  const at = body.map((l) => /^in `([^`]+)`$/.exec(l)?.[1]).find(Boolean);
  const reason = body
    .filter((l) => !/^in `[^`]+`$/.test(l) && !/^Error: failed to load/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .slice(0, MAX_REASON)
    .trim();
  const named = at ?? /^`?([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)`? = /.exec(reason)?.[1] ?? /^legacy `([A-Za-z0-9_]+) = /.exec(reason)?.[1] ?? /^(model_providers\.[A-Za-z0-9_-]+):/.exec(reason)?.[1];
  return { reason: reason || 'Codex did not say why', ...(named ? { keyPath: named.split('.') } : {}) };
}

/**
 * `features list` takes no profile (`-p` is only for runtime commands): with one, `debug
 * prompt-input` loads config.toml with the profile file on top, and sends nothing anywhere.
 */
function loadArgs(profile: string | undefined): string[] {
  return profile ? ['-p', profile, 'debug', 'prompt-input', 'ping'] : ['features', 'list'];
}

async function ask(codex: string, env: NodeJS.ProcessEnv, codexHome: string, cwd: string, profile?: string): Promise<LoadVerdict> {
  const c = codexCommand(codex, { ...env, CODEX_HOME: codexHome });
  return verdictOf(await run(c.file, loadArgs(profile), { env: c.env, cwd, timeoutMs: ASK_MS }));
}

/**
 * What Codex's exit says. Only an error Codex itself printed is a refusal: an older Codex without
 * the subcommand, one that did not finish, or one that crashed (a signal; under load, a Wine fault)
 * judged nothing, and was not asked.
 */
export function verdictOf(r: { code: number | null; timedOut?: boolean; stderr: string }): LoadVerdict {
  if (r.code === 0) return { asked: true, loads: true };
  if (r.timedOut || r.code === null || /unrecognized subcommand|unexpected argument|Usage:/i.test(r.stderr)) return { asked: false };
  if (!/^Error\b/m.test(r.stderr)) return { asked: false };
  return { asked: true, loads: false, ...loadFailure(r.stderr) };
}

/**
 * Whether the installed Codex loads the user's config as it is now (read in place, nothing
 * written), from `cwd` (doctor: where the user is) or from an empty scratch directory, so that no
 * project's .codex/config.toml is part of the answer.
 */
export async function codexLoadsNow(codex: string, env: NodeJS.ProcessEnv, codexHome: string, cwd?: string, profile?: string): Promise<LoadVerdict> {
  if (cwd) return ask(codex, env, codexHome, cwd, profile);
  const scratch = scratchDir('lightweight-load-');
  try {
    return await ask(codex, env, codexHome, scratch.dir, profile);
  } finally {
    scratch.remove();
  }
}

/**
 * Whether the installed Codex would load `files` (names inside CODEX_HOME, e.g. config.toml,
 * with their planned contents), beside everything else the real CODEX_HOME holds. Nothing of the
 * user's is written: the files go to a private scratch directory, removed afterwards; paths in
 * Codex's reason are given back as the real ones.
 */
export async function codexWouldLoad(codex: string, env: NodeJS.ProcessEnv, codexHome: string, files: Record<string, string>, profile?: string): Promise<LoadVerdict> {
  const scratch = scratchDir('lightweight-load-');
  try {
    const home = join(scratch.dir, 'codex-home');
    await fs.mkdir(home, { mode: 0o700 });
    for (const name of await fs.readdir(codexHome).catch(() => [] as string[])) {
      if (!(name in files)) await fs.symlink(join(codexHome, name), join(home, name)).catch(() => undefined);
    }
    for (const [name, text] of Object.entries(files)) await fs.writeFile(join(home, name), text, { mode: 0o600 });
    const verdict = await ask(codex, env, home, scratch.dir, profile);
    return verdict.asked && !verdict.loads ? { ...verdict, reason: verdict.reason.split(home).join(codexHome) } : verdict;
  } finally {
    scratch.remove();
  }
}
