/**
 * `lightweight uninstall`: removes every trace of the tool that is still there, puts back the
 * top-level config keys it replaced, and leaves everything else byte for byte.
 */
import { cmd } from '../invocation.js';
import { promises as fs } from 'node:fs';
import { join, sep } from 'node:path';
import { actionOf, applyWrites, plannedWrite, type PlannedWrite } from '../files/transaction.js';
import { BackupStore, sha256 } from '../files/backup.js';
import { CliError, EXIT } from '../errors.js';
import { BOM, pathExists, readTextFile, removeEmptyDirs, tempFileWriter } from '../files/io.js';
import { readInstalled, readRecordedProfiles } from '../setup/installed.js';
import { withLock } from '../files/lock.js';
import { tildify, type Paths } from '../files/paths.js';
import { startupFiles } from '../shell/detect.js';
import { confirmOrYes } from '../ui/confirm.js';
import { makeOutput, type Io } from '../ui/output.js';
import { printWrites } from '../ui/review.js';
import { planUninstall } from '../setup/uninstall.js';
import { parseAuthBefore } from '../codex/login-store.js';
import { KEY_VAR } from '../gateway/constants.js';
import { platformOf } from '../platform/platform.js';
import { readUserVariable, removeUserKeyVariable } from '../platform/windows-env.js';

export interface UninstallFlags {
  yes?: boolean;
  codexHome?: string;
  system?: boolean;
}

interface UninstallPlan {
  paths: Paths;
  writes: PlannedWrite[];
  createdDirs: string[];
  /** Windows: LIGHTWEIGHT_API_KEY in the user's environment, set by the tool (or holding its key), goes. */
  userVariable: boolean;
}

async function plan(io: Io, codexHome: string | undefined): Promise<UninstallPlan> {
  const inst = await readInstalled(io.env, io.cwd, codexHome);
  const { paths } = inst;
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix it and run again; nothing was changed.');
  const rcPaths = [...new Set([...(inst.state?.rcFiles ?? []), ...startupFiles({ home: paths.home, platform: io.platform, env: io.env })])];

  // The oldest backup of each file tells whether the tool created it, and what auth.json held first.
  const runs = (await new BackupStore(paths.backups).list()).reverse();
  const createdByTool = new Set<string>();
  const firstSeen = new Set<string>();
  const createdDirs = new Set<string>();
  /** What the tool (or a `codex login` it ran) left in files that did not exist before: path -> hash. */
  const leftBy = new Map<string, string>();
  let authBefore: { text: string | null; mode: number } | undefined;
  for (const run of runs) {
    for (const d of run.createdDirs ?? []) createdDirs.add(d);
    for (const e of run.entries) {
      if (e.written !== undefined) leftBy.set(e.target, e.written);
      if (firstSeen.has(e.target)) continue;
      firstSeen.add(e.target);
      if (!e.existed) createdByTool.add(e.target);
      if (e.target === paths.authJson) {
        authBefore = e.backup ? { text: await fs.readFile(join(run.dir, e.backup), 'utf8').catch(() => ''), mode: e.mode } : { text: null, mode: e.mode };
      }
    }
  }

  const [config, authJson, rcFiles, ownFiles, profileFiles] = await Promise.all([
    readTextFile(paths.config),
    readTextFile(paths.authJson),
    Promise.all(rcPaths.map((p) => readTextFile(p))),
    Promise.all([paths.keys.main, paths.keys.fish, paths.stateFile, paths.authBefore, paths.catalog].filter((p): p is string => p !== undefined).map((p) => readTextFile(p))),
    readRecordedProfiles(paths, inst.state),
  ]);
  // The record kept beside the key outlives pruned backups: it wins over the oldest backup.
  const recorded = parseAuthBefore(ownFiles.find((f) => f.path === paths.authBefore)?.text);
  if (recorded) authBefore = recorded;
  const writes = planUninstall({
    config,
    configLabel: tildify(paths.config, paths.home),
    rcFiles,
    ownFiles,
    authJson,
    ...(inst.keyFile.key ? { storedKey: inst.keyFile.key } : {}),
    ...(inst.state ? { previous: inst.state.previous } : {}),
    profiles: profileFiles.map(({ name, file }) => ({ file, label: tildify(file.path, paths.home), previous: inst.state!.profiles![name]!.previous })),
    createdByTool,
    ...(authBefore ? { authBefore } : {}),
    ...(inst.state?.loginStoreKeys ? { loginStoreKeys: inst.state.loginStoreKeys } : {}),
  });
  // Other files that came with the tool (the log and locks of the `codex login` it ran): removed
  // while they are exactly as they were left, never once Codex or the user changed them.
  const handled = new Set([paths.config, ...profileFiles.map((p) => p.file.target), paths.authJson, ...rcFiles.map((f) => f.target), ...ownFiles.map((f) => f.target)]);
  for (const target of createdByTool) {
    if (handled.has(target) || target.startsWith(`${paths.stateDir}${sep}`)) continue;
    const file = await readTextFile(target).catch(() => undefined);
    if (file?.exists && leftBy.get(target) === sha256((file.bom ? BOM : '') + file.text)) writes.push(plannedWrite(file, null, { mode: file.mode ?? 0o600 }));
  }
  let userVariable = false;
  if (platformOf(io.platform).newTerminals === 'user-variable') {
    const now = await readUserVariable(io.env);
    userVariable = now.value !== undefined && (Boolean(inst.state?.userVariable) || (inst.keyFile.key !== undefined && now.value === inst.keyFile.key));
  }
  return { paths, writes, createdDirs: [...createdDirs], userVariable };
}

export async function uninstall(flags: UninstallFlags, io: Io): Promise<number> {
  if (flags.system) return (await import('./setup-system.js')).uninstallSystem(flags, io);
  const out = makeOutput(io);
  const preview = await plan(io, flags.codexHome);
  const { paths } = preview;
  const stateDirThere = await pathExists(paths.stateDir);
  if (!preview.writes.some((w) => actionOf(w) !== 'unchanged') && !stateDirThere && !preview.userVariable) {
    out.status('pass', 'Nothing to remove: no trace of lightweight-setup was found.');
    return EXIT.ok;
  }
  out.line('Uninstall removes the Lightweight setup and leaves everything else as it is:');
  printWrites(preview.writes, out, paths.home);
  if (preview.userVariable) out.line(`${KEY_VAR} in your user's environment variables: removed`);
  out.line();
  const realState = await fs.realpath(paths.stateDir).catch(() => paths.stateDir);
  const via = realState === paths.stateDir ? '' : ` (a symlink: the files in ${tildify(realState, paths.home)} go, then the link)`;
  out.line(`${tildify(paths.stateDir, paths.home)}: removed${via} (the key files, the record of setup and the backups)`);
  out.line();
  await confirmOrYes(flags.yes, io, 'Remove all of this?');

  await withLock(paths.stateDir, async () => {
    const { writes, userVariable } = await plan(io, flags.codexHome);
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('uninstall');
    await applyWrites(writes, tx);
    await tx.complete();
    if (userVariable) await removeUserKeyVariable(io.env);
  });
  // Last, the tool's own directory, backups included: they hold copies of the key; then the
  // directories setup created, if nothing else has moved in since.
  const left = await removeStateDir(paths.stateDir);
  await removeEmptyDirs(preview.createdDirs);
  if (left.length) {
    out.status('warn', `Left ${left.map((f) => tildify(f, paths.home)).join(', ')}: not written by lightweight-setup, so not removed; the key files, the record and the backups are gone.`);
  }
  out.status('pass', `Lightweight setup removed. \`${cmd('doctor')}\` now finds no Lightweight setup; \`${cmd()}\` sets it up again.`);
  return EXIT.ok;
}

/**
 * What the tool keeps in its directory: anything else there is someone else's and stays.
 * (`lock.stale-<pid>` is no longer made, but earlier versions left it when breaking a stale lock.)
 */
const OWN_ENTRIES = /^(env|env\.fish|api-key\.txt|\.set-[0-9a-f]{12}\.reg|state\.json|auth\.before\.json|backups|lock|lock\.takeover|lock\.stale-\d+)$/;
const isOwn = (name: string) => OWN_ENTRIES.test(name) || tempFileWriter(name) !== undefined;

/**
 * Removes the tool's directory where it really is: through a symlink, the files (backups with
 * old keys among them) are removed in the directory it points to, then the link. Only the tool's
 * own entries go; the directory stays if anything else is in it. Returns what was left.
 */
async function removeStateDir(stateDir: string): Promise<string[]> {
  const real = await fs.realpath(stateDir).catch(() => undefined);
  if (real === undefined) {
    await fs.rm(stateDir, { force: true }).catch(() => {}); // a dangling link
    return [];
  }
  const names = await fs.readdir(real).catch(() => [] as string[]);
  const left: string[] = [];
  for (const name of names) {
    if (isOwn(name)) await fs.rm(join(real, name), { recursive: true, force: true });
    else left.push(join(real, name));
  }
  if (left.length) return left;
  await fs.rmdir(real).catch(() => {});
  if (real !== stateDir) await fs.rm(stateDir, { force: true });
  return [];
}
