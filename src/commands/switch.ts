/** `lightweight use-preview` / `use-production`: point the active layout at another gateway URL, and nothing else. */
import { cmd } from '../invocation.js';
import { applyWrites, plannedWrite, readOnlyError, readOnlyWrites } from '../files/transaction.js';
import { BackupStore } from '../files/backup.js';
import { runConnectivityCheck } from './verify.js';
import { planBaseUrlSwitch } from '../codex/config.js';
import { CliError, EXIT } from '../errors.js';
import { providedBySystem, readSystemLayer } from '../setup/layers.js';
import { readTextFile } from '../files/io.js';
import { GATEWAY_URLS, type GatewayEnv } from '../gateway/constants.js';
import { keyForGateway, readInstalled } from '../setup/installed.js';
import { withLock } from '../files/lock.js';
import { parseTimeout } from '../setup/flags.js';
import { makeOutput, type Io } from '../ui/output.js';
import { environmentOf } from '../gateway/urls.js';

export interface SwitchFlags {
  verify?: boolean;
  timeout?: string;
  codexHome?: string;
}

export async function switchEnvironment(target: GatewayEnv, flags: SwitchFlags, io: Io): Promise<number> {
  const timeoutSeconds = parseTimeout(flags.timeout);
  const out = makeOutput(io);
  const url = GATEWAY_URLS[target];
  const other: GatewayEnv = target === 'preview' ? 'production' : 'preview';
  const inst = await readInstalled(io.env, io.cwd, flags.codexHome);
  const shown = inst.config.path;
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix it and run again; nothing was changed.');
  if (!inst.summary.layout || inst.summary.baseUrl === undefined) {
    const system = await readSystemLayer(io.platform);
    if (providedBySystem(system, inst.config.parsed)) {
      throw new CliError(
        `The gateway comes from ${system!.path}, which an administrator set up for every user; ${shown} has no Lightweight setup of its own to switch.`,
        EXIT.usage,
        `For yourself, add a profile beside it: ${cmd()} --profile ${target} --env ${target} (then codex -p ${target}). For everyone: sudo ${cmd()} --system --env ${target}. Nothing was changed.`,
      );
    }
    throw new CliError(`There is no Lightweight setup in ${shown}.`, EXIT.usage, `Set one up first: ${cmd()}`);
  }
  if (environmentOf(inst.summary.baseUrl) === target) {
    out.status('pass', `Already on ${target} (${url}); nothing changed.`);
    return EXIT.ok;
  }

  await withLock(inst.paths.stateDir, async () => {
    // Read again under the lock: the file written is the file on disk now.
    const file = await readTextFile(inst.paths.config);
    const after = planBaseUrlSwitch(file.text, shown, url);
    const writes = [plannedWrite(file, after, { mode: file.mode ?? 0o600 })];
    const readOnly = readOnlyWrites(writes);
    if (readOnly.length) throw readOnlyError(readOnly, inst.paths.home);
    const store = new BackupStore(inst.paths.backups);
    const tx = await store.begin(`use-${target}`);
    await applyWrites(writes, tx);
    await tx.complete();
    await store.prune();
  });
  const from = environmentOf(inst.summary.baseUrl);
  out.status('pass', `Switched ${shown} to ${target}: ${url} (was ${from === 'custom' ? inst.summary.baseUrl : `${from}, ${inst.summary.baseUrl}`}).`);
  // Verified with Codex 0.171: its background server reads config.toml for each new session.
  out.line('New Codex sessions use it (a new `codex`, or /new in an open one); sessions already open keep the old URL. No restart is needed.');

  if (flags.verify === false) {
    out.status('skip', 'Connectivity check skipped (--no-verify).');
    return EXIT.ok;
  }
  const { key } = keyForGateway(inst);
  if (!key) {
    out.status('fail', 'No key to check the gateway with.');
    out.line(`  Fix: run ${cmd()}. Switch back with: ${cmd(`use-${other}`)}`);
    return EXIT.checkFailed;
  }
  const back = from === 'custom' ? cmd('restore') : cmd(`use-${other}`);
  const ok = await runConnectivityCheck(
    { baseUrl: url, key, ...(inst.summary.model ? { model: inst.summary.model } : {}), timeoutSeconds, env: io.env },
    out,
    `Stopped during the gateway check. The switch to ${target} is written: check it with ${cmd('doctor')}, or go back with ${back}.`,
  );
  if (!ok) {
    out.line(`The switch is kept. To go back: ${from === 'custom' ? `${cmd('restore')} (back to ${inst.summary.baseUrl})` : cmd(`use-${other}`)}`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}
