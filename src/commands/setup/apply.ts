/**
 * Phase 4, apply: the writes, under the tool's lock, each preceded by a backup, as one
 * transaction (a failure puts back what was written); then Codex's own login for the base-URL
 * layout. Says what was written.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { codexLoginWithApiKey } from '../../codex/binary.js';
import { CliError, EXIT } from '../../errors.js';
import { BackupStore } from '../../files/backup.js';
import { listTree, missingDirs, pathExists, readTextFile } from '../../files/io.js';
import { withLock } from '../../files/lock.js';
import { tildify } from '../../files/paths.js';
import { applyWrites, type PlannedWrite, type WriteAction } from '../../files/transaction.js';
import { maskKey } from '../../gateway/key.js';
import { KEY_VAR } from '../../gateway/constants.js';
import { setUserKeyVariable } from '../../platform/windows-env.js';
import type { SetupPlan } from '../../setup/plan.js';
import { planFiles, type Planned } from './plan.js';
import { describeChoices, sayNotes } from './review.js';
import { WRITE_VERB } from '../../ui/review.js';
import type { Gathered, SetupRun } from './run.js';

async function existing(paths: readonly string[]): Promise<string[]> {
  const there = await Promise.all(paths.map((p) => pathExists(p)));
  return paths.filter((_, i) => there[i]);
}

function reportWrites(run: SetupRun, plan: SetupPlan, actions: Map<PlannedWrite, WriteAction>, g: Gathered): void {
  const { out, paths } = run;
  const verb = (w: PlannedWrite) => WRITE_VERB[actions.get(w) ?? 'unchanged'];
  const [main, ...others] = plan.writes;
  const rest = paths.keys.fish ? others.filter((w) => w.path !== paths.keys.fish) : others;
  out.status('pass', `${verb(main!)} ${tildify(main!.path, paths.home)} with the key ${maskKey(g.key)} (${paths.keys.fish ? 'mode 0600; a fish twin beside it' : 'in your local profile folder'}).`);
  if (plan.userVariable === 'set') out.status('pass', `Set ${KEY_VAR} (${maskKey(g.key)}) in your user's environment variables: new terminals have it.`);
  else if (plan.userVariable === 'unchanged') out.status('pass', `${KEY_VAR} in your user's environment variables already holds the key.`);
  for (const w of rest) {
    const shown = tildify(w.path, paths.home);
    if (w.path === paths.config) out.status('pass', `${verb(w)} ${shown}: ${describeChoices(g)}.`);
    else if (w.path === g.profile?.path) out.status('pass', `${verb(w)} ${shown}: \`codex -p ${g.profile.name}\` uses ${describeChoices(g)}; plain \`codex\` keeps ${tildify(paths.config, paths.home)}.`);
    else if (w.internal) continue;
    else if (w.path === paths.catalog) out.status('pass', `${verb(w)} ${shown}: ${w.summary}.`);
    else if (w.path === paths.authJson) out.status('pass', `${verb(w)} ${shown} (Codex's login store) with the key ${maskKey(g.key)}.`);
    else if (w.path === plan.loginRc?.path) out.status('pass', `${verb(w)} ${shown}: ${plan.loginRc.action === 'unchanged' ? 'the lightweight-setup block is already there' : 'bash login shells (ssh sessions, macOS Terminal) load the key file too'}.`);
    else out.status('pass', `${verb(w)} ${shown}: ${plan.rcAction === 'unchanged' ? 'the lightweight-setup block is already there' : 'it loads the key file in every new shell'}.`);
  }
  if (plan.homeManager && g.managed) {
    out.status('info', `${tildify(paths.config, paths.home)} was left alone (${g.managed.nix ? 'home-manager builds it' : 'it is not yours to write'}). For Codex to use the gateway, add this to your ${g.managed.nix ? 'home-manager configuration (home.nix)' : "file's source"}:`);
    out.raw(plan.homeManager.split('\n').map((l) => `    ${l}`).join('\n'));
  }
  if (plan.codexLogin) out.status('pass', `Stored the key ${maskKey(g.key)} in Codex's login store with \`codex login --with-api-key\`.`);
  for (const n of plan.notes) out.status('warn', n);
}

export async function apply(run: SetupRun, p: Planned): Promise<{ plan: SetupPlan; actions: Map<PlannedWrite, WriteAction> }> {
  const { paths, io, codexPath } = run;
  const g = p.gathered;
  // Directories this run may create (the tool's own, Codex's, a shell's): undo removes them again.
  const mayCreate = await missingDirs([paths.stateDir, paths.codexHome, ...p.plan.writes.map((w) => dirname(w.target))], paths.home);
  const { plan, actions } = await withLock(paths.stateDir, async () => {
    // Plan again under the lock: another run, or the user, may have changed a file while the
    // review was on screen, and a write must start from what is on disk now.
    const plan = await planFiles(run, g);
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('setup');
    const actions = await applyWrites(plan.writes, tx);
    if (plan.userVariable === 'set') {
      try {
        await setUserKeyVariable(io.env, g.key, paths.stateDir, paths.keys.main);
      } catch (err) {
        const failed = await tx.rollback();
        if (!failed.length) await tx.discard();
        throw new CliError(`Could not set ${KEY_VAR} in your user's environment: ${(err as Error).message} ${failed.length ? `Putting back what was written failed for: ${failed.join(', ')}.` : 'Every file was put back as it was.'}`, EXIT.usage, `Run again with --no-rc to leave the variable out (Codex reads the key file itself).`);
      }
    }
    if (plan.codexLogin && codexPath) {
      const entry = await tx.backup(paths.authJson, paths.authJson, 0o600, true);
      const codexBefore = await listTree(paths.codexHome);
      try {
        await codexLoginWithApiKey(codexPath, g.key, paths.codexHome, io.env);
      } catch (err) {
        const failed = await tx.rollback();
        if (!failed.length) await tx.discard();
        // Codex's own message may not end a sentence: keep the two apart.
        throw new CliError(`${(err as Error).message.replace(/([^.])$/, '$1.')} ${failed.length ? `Putting back what was written failed for: ${failed.join(', ')}.` : 'Every file was put back as it was.'}`, EXIT.usage);
      }
      await tx.recordWritten(entry, (await readTextFile(paths.authJson)).text);
      // `codex login` also leaves a log and lock files: they are this run's doing too.
      const codexAfter = await listTree(paths.codexHome);
      const leftBehind = [...codexAfter.files].filter((f) => !codexBefore.files.has(f) && f !== paths.authJson);
      await tx.recordCreatedFiles(await Promise.all(leftBehind.map(async (f) => ({ path: f, bytes: await fs.readFile(f), mode: (await fs.stat(f)).mode & 0o7777 }))));
      await tx.recordCreatedDirs([...codexAfter.dirs].filter((d) => !codexBefore.dirs.has(d)));
    }
    await tx.recordCreatedDirs(await existing(mayCreate));
    await tx.complete();
    await store.prune();
    return { plan, actions };
  });
  reportWrites(run, plan, actions, g);
  sayNotes(run.out, p);
  return { plan, actions };
}
