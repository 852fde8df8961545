/**
 * Phase 2, plan: every file's new contents, worked out before anything is written. Each input
 * file is read and checked first (a bad one stops setup with nothing on disk); then the gateway
 * is asked for its models and the installed Codex for what its model catalog must hold (side by
 * side), and the installed Codex says whether it loads the planned config.
 */
import { sep } from 'node:path';
import { promises as fs } from 'node:fs';
import type { CheckRequest } from '../../gateway/check.js';
import type { CheckVerdict } from '../../gateway/classify.js';
import { CliError, EXIT } from '../../errors.js';
import { readTextFile, type TextFile } from '../../files/io.js';
import { plannedWrite } from '../../files/transaction.js';
import { tildify, type Paths } from '../../files/paths.js';
import { KEY_VAR } from '../../gateway/constants.js';
import { MODEL_IDS } from '../../gateway/models.js';
import { cmd } from '../../invocation.js';
import { ensureCodexLoadsPlan } from '../../setup/codex-verdict.js';
import { planSetup, type SetupPlan } from '../../setup/plan.js';
import { readRecordedProfiles } from '../../setup/installed.js';
import { parseState } from '../../setup/state.js';
import { introspectCodex, makeCatalog, type CatalogOutcome } from '../catalog.js';
import { checkWithSpinner } from '../verify.js';
import { readUserVariable } from '../../platform/windows-env.js';
import type { Gathered, SetupRun } from './run.js';

/** A rejected key's fix names where it came from. */
const KEY_ORIGIN_WORDS: Record<string, string> = {
  'standard input': 'the key given on standard input',
  'the prompt': 'the key you typed',
  [KEY_VAR]: `the key in ${KEY_VAR}`,
  'the key file (kept)': 'the stored key',
};

export interface Planned {
  gathered: Gathered;
  plan: SetupPlan;
  /** The gateway's answer (undefined with --no-verify or --dry-run): reported by verify, after the writes. */
  verdict?: CheckVerdict;
  checkReq: CheckRequest;
  /** What to say about Codex's model picker, when it is not simply filled with the gateway's models. */
  catalogNote?: string;
}

/**
 * A startup file inside the tool's own directory (the key file itself, say) would source itself
 * at every shell start, and uninstall removes that directory: refused, wherever the path leads.
 */
async function refuseRcInStateDir(rc: TextFile, paths: Paths): Promise<void> {
  const dirs = [paths.stateDir, await fs.realpath(paths.stateDir).catch(() => paths.stateDir)];
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}${sep}`));
  if (inside(rc.path) || inside(rc.target)) {
    throw new CliError(
      `${tildify(rc.path, paths.home)} is inside ${tildify(paths.stateDir, paths.home)}, the tool's own directory (key files, backups): a shell startup file cannot go there.`,
      EXIT.usage,
      'Pick your shell\'s startup file with --rc-file (for example ~/.bashrc), or leave --rc-file out; nothing was written.',
    );
  }
}

/** Reads every file the run touches and plans their new contents; apply calls it again under the lock. */
export async function planFiles(run: SetupRun, g: Gathered): Promise<SetupPlan> {
  const { paths } = run;
  const [config, profileFile, main, fish, authJson, authBefore, state, catalogFile, rcFile, loginRc, userVariable] = await Promise.all([
    readTextFile(paths.config),
    g.profile ? readTextFile(g.profile.path) : Promise.resolve(undefined),
    readTextFile(paths.keys.main),
    paths.keys.fish ? readTextFile(paths.keys.fish) : Promise.resolve(undefined),
    readTextFile(paths.authJson),
    readTextFile(paths.authBefore),
    readTextFile(paths.stateFile),
    readTextFile(paths.catalog),
    g.rc ? readTextFile(g.rc.file) : Promise.resolve(undefined),
    g.rc?.login ? readTextFile(g.rc.login) : Promise.resolve(undefined),
    g.userVariable ? readUserVariable(run.io.env) : Promise.resolve(undefined),
  ]);
  for (const rc of [rcFile, loginRc]) if (rc) await refuseRcInStateDir(rc, paths);
  // A run for the default may have to carry its key source to the profiles earlier setups wrote.
  const profiles = g.profile || g.managed || g.systemLayer ? [] : await readRecordedProfiles(paths, parseState(state.exists ? state.text : undefined), run.platform);
  return planSetup({
    choices: g.choices,
    key: g.key,
    paths,
    ...(g.rc && rcFile ? { rc: { shell: g.rc.shell, file: rcFile } } : {}),
    ...(loginRc ? { loginRc } : {}),
    config,
    ...(g.profile && profileFile ? { profile: { name: g.profile.name, file: profileFile } } : {}),
    ...(profiles.length ? { profiles } : {}),
    ...(g.managed ? { managed: true } : {}),
    ...(g.systemLayer ? { keyOnly: true } : {}),
    keyFiles: { main, ...(fish ? { fish } : {}) },
    ...(userVariable ? { userVariable } : {}),
    platform: run.platform,
    env: run.io.env,
    authJson,
    authBefore,
    state,
    catalogFile,
    ...(g.catalog ? { catalog: g.catalog } : {}),
    ...(g.catalogSupport ? { catalogSupport: g.catalogSupport } : {}),
    codexInstalled: Boolean(run.codexPath),
    codexAsked: run.before.codex.asked,
  });
}

export async function plan(run: SetupRun, chosen: Gathered): Promise<Planned> {
  const { flags, io, out, codexPath } = run;
  // Every input file is read and checked before anyone is asked anything on the network.
  await planFiles(run, chosen);

  // Codex's model catalog needs the gateway's model list and what the installed Codex expects
  // of a catalog: both are asked side by side. The check's verdict is reported after the writes;
  // a dry run asks no one on the network.
  const { model, baseUrl } = chosen.choices;
  const checkReq: CheckRequest = { baseUrl, key: chosen.key, model, timeoutSeconds: run.resolved.timeoutSeconds, env: io.env, keyOrigin: KEY_ORIGIN_WORDS[chosen.keyOrigin] ?? `the key from ${chosen.keyOrigin}` };
  // A profile leaves config.toml's catalog as it is (the picker is the default's): nothing to ask for it.
  const support = codexPath && !chosen.profile && !chosen.managed && !chosen.systemLayer ? introspectCodex(codexPath, io.env) : undefined;
  const verdict = flags.verify === false || flags.dryRun ? undefined : await checkWithSpinner(checkReq, out, 'Cancelled during the gateway check; nothing was written.');
  const served = verdict?.ok ? verdict.models : MODEL_IDS;
  // A dry run shows what a real run would list: the gateway's answer, which it does not ask for.
  const fromPage = !flags.dryRun && !verdict?.ok;
  const outcome: CatalogOutcome | undefined = codexPath && support ? await makeCatalog(codexPath, io.env, await support, served, fromPage) : undefined;
  const version = await run.codexVersion;
  const gathered: Gathered = {
    ...chosen,
    ...(outcome?.catalog ? { catalog: outcome.catalog } : {}),
    ...(outcome ? { catalogSupport: { ...(version ? { codexVersion: version } : {}), supported: Boolean(outcome.catalog), ...(outcome.problem ? { reason: outcome.problem } : {}) } } : {}),
  };
  const catalogNote = outcome?.problem
    ? `Codex's model picker keeps its own list: ${outcome.problem}.`
    : outcome?.catalog && fromPage
      ? `Codex's model picker lists the gateway page's ${MODEL_IDS.length} models: the gateway ${verdict ? 'did not give its own list' : 'was not asked'}. Once it answers, \`${cmd('models --sync')}\` lists the models it serves.`
      : undefined;

  // The installed Codex says whether it loads the result (its word, not the tool's rules).
  const planned = await planFiles(run, gathered);
  const written = gathered.profile?.path ?? run.paths.config;
  // A managed config.toml is not written: Codex is asked about it as home-manager would build it.
  const asked = gathered.managed ? [...planned.writes, plannedWrite(await readTextFile(run.paths.config), planned.config.after, { mode: 0o600 })] : planned.writes;
  if (codexPath && run.before.codex.asked) {
    await ensureCodexLoadsPlan(codexPath, io.env, run.paths.codexHome, asked, written, tildify(written, run.paths.home), gathered.profile?.name);
    // A profile that takes the default's new key source is asked about too, as `codex -p <name>` loads it.
    for (const p of planned.followingProfiles ?? []) await ensureCodexLoadsPlan(codexPath, io.env, run.paths.codexHome, asked, p.path, tildify(p.path, run.paths.home), p.name);
  }
  return { gathered, plan: planned, ...(verdict ? { verdict } : {}), checkReq, ...(catalogNote ? { catalogNote } : {}) };
}
