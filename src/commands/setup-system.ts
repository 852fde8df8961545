/**
 * `setup --system`: for an administrator, one provider table for every user of the machine, in
 * Codex's system config (/etc/codex/config.toml, which Codex reads below each user's own). Its auth
 * command reads the key file of whoever runs Codex, so each user then only stores a key (their own
 * `npx lightweight-setup` sees the system layer and writes no config of theirs). No key is asked
 * or stored here. `uninstall --system` takes exactly this back out.
 */
import { promises as fs, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { BackupStore } from '../files/backup.js';
import { readTextFile } from '../files/io.js';
import { withLock } from '../files/lock.js';
import { resolvePaths } from '../files/paths.js';
import { actionOf, applyWrites, checkParents, plannedWrite, type PlannedWrite } from '../files/transaction.js';
import { GATEWAY_URLS } from '../gateway/constants.js';
import { DEFAULT_MODEL } from '../gateway/models.js';
import { codexWouldLoad } from '../codex/loads.js';
import { findExecutable } from '../codex/binary.js';
import { planCodexConfig, planUninstallConfig, summarize, type PreviousTopLevel } from '../codex/config.js';
import { systemAuthCommand } from '../platform/posix-auth.js';
import { SYSTEM_CONFIG } from '../setup/layers.js';
import { resolveFlags, type SetupFlags } from '../setup/flags.js';
import { configWrite } from '../setup/plan.js';
import { parseToml } from '../toml/parse.js';
import { makeOutput, type Io } from '../ui/output.js';
import { printWrites, WRITE_VERB } from '../ui/review.js';
import { confirmOrYes } from '../ui/confirm.js';
import { cmd } from '../invocation.js';
import { renderOutcome } from './setup/json.js';

/** What `setup --system` recorded (in the administrator's own state folder), for `uninstall --system`. */
interface SystemRecord {
  version: 1;
  path: string;
  previous: PreviousTopLevel;
  created: boolean;
}

const RECORD = 'system.json';

/** The record, if it is one (a damaged file reads as none: uninstall then removes only what points at Lightweight). */
function parseRecord(text: string | undefined): SystemRecord | undefined {
  try {
    const r = text ? (JSON.parse(text) as SystemRecord) : undefined;
    return r?.version === 1 && typeof r.previous === 'object' && r.previous !== null ? r : undefined;
  } catch {
    return undefined;
  }
}
const NOT_HERE = ['apiKeyStdin', 'keySource', 'layout', 'profile', 'shell', 'rcFile'] as const;

function refuseUnsupported(flags: SetupFlags, io: Io): void {
  if (io.platform === 'win32') {
    throw new CliError('--system is not supported on Windows yet (Codex keeps the system config in %ProgramData%\\OpenAI\\Codex, which this tool has not been tested with).', EXIT.usage, 'Set up each user with npx lightweight-setup; nothing was written.');
  }
  const flag: Record<(typeof NOT_HERE)[number], string> = { apiKeyStdin: '--api-key-stdin', keySource: '--key-source', layout: '--layout', profile: '--profile', shell: '--shell', rcFile: '--rc-file' };
  const given = NOT_HERE.filter((k) => flags[k] !== undefined);
  if (given.length) {
    throw new CliError(
      `${given.map((k) => flag[k]).join(', ')} cannot be used with --system: it writes one provider table whose auth command reads each user's own key file, and stores no key.`,
      EXIT.usage,
      `Each user then stores their key with: printf %s "$KEY" | npx lightweight-setup --yes --api-key-stdin. Nothing was written.`,
    );
  }
}

async function refuseWithoutRights(path: string): Promise<void> {
  let dir = dirname(path);
  while (!(await fs.stat(dir).then(() => true, () => false))) dir = dirname(dir);
  const target = (await fs.stat(path).then(() => true, () => false)) ? path : dir;
  if (!(await fs.access(target, constants.W_OK).then(() => true, () => false))) {
    throw new CliError(`${target} is not writable by this user: the system config is the administrator's.`, EXIT.usage, `Run it as root (sudo ${cmd()} --system); nothing was written.`);
  }
}

export async function setupSystem(flags: SetupFlags, io: Io): Promise<number> {
  refuseUnsupported(flags, io);
  const json = Boolean(flags.json);
  const out = makeOutput(json ? { ...io, stdout: io.stderr } : io);
  const resolved = resolveFlags({ ...flags, profile: undefined });
  const paths = resolvePaths(io.env, io.cwd, flags.codexHome);
  const file = await readTextFile(SYSTEM_CONFIG);
  const recordFile = await readTextFile(join(paths.stateDir, RECORD));
  const record = parseRecord(recordFile.exists ? recordFile.text : undefined);
  const now = summarize(parseToml(file.text, SYSTEM_CONFIG));
  const model = resolved.model ?? now.model ?? DEFAULT_MODEL;
  const baseUrl = resolved.baseUrl ?? (resolved.env ? GATEWAY_URLS[resolved.env] : (now.baseUrl ?? GATEWAY_URLS.production));
  const plan = planCodexConfig(file.text, SYSTEM_CONFIG, {
    layout: 'model-providers',
    model,
    baseUrl,
    keySource: 'file',
    authCommand: systemAuthCommand(),
    envKeyInstructions: '',
  }, { predictRefusals: false });
  // Every user reads it, nobody but root writes it (a mode that lets others write is tightened, and said).
  const notes: string[] = [];
  const write = configWrite(file, plan.after, { modeBits: true, home: paths.home, newMode: 0o644, dirMode: 0o755 }, notes);
  const codex = findExecutable('codex', io.env);
  if (codex) {
    // Codex reads the system config from its fixed place; the planned text is asked about as a config of its own.
    const v = await codexWouldLoad(codex, io.env, join(paths.stateDir, 'no-such-codex-home'), { 'config.toml': plan.after });
    if (v.asked && !v.loads) throw new CliError(`The installed Codex would not load ${SYSTEM_CONFIG} after this setup: ${v.reason}`, EXIT.usage, `Fix that setting in ${SYSTEM_CONFIG}; nothing was written.`);
  }
  const outcome = { key: '', config: SYSTEM_CONFIG, codexLogin: false, exit: EXIT.ok as number };
  if (flags.dryRun) {
    printWrites([write], out, paths.home);
    for (const n of notes) out.status('warn', n);
    out.status('info', 'Dry run: nothing was written.');
    if (json) io.stdout.write(renderOutcome({ ...outcome, dryRun: true, files: [{ path: SYSTEM_CONFIG, action: actionOf(write) }] }));
    return EXIT.ok;
  }
  await refuseWithoutRights(SYSTEM_CONFIG);
  await checkParents([write], (p) => p);
  // Every user's Codex reads it: shown, and asked about, before it changes (unless --yes).
  if (!flags.yes) {
    printWrites([write], out, paths.home);
    for (const n of notes) out.status('warn', n);
    await confirmOrYes(flags.yes, io, `Write ${SYSTEM_CONFIG} for every user?`);
  }
  const action = await withLock(paths.stateDir, async () => {
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('setup --system');
    const recordWrite = plannedWrite(recordFile, `${JSON.stringify({ version: 1, path: SYSTEM_CONFIG, previous: record?.previous ?? plan.previous, created: record?.created ?? !file.exists } satisfies SystemRecord, null, 2)}\n`, { mode: 0o600, dirMode: 0o700, internal: true });
    const actions = await applyWrites([write, recordWrite], tx);
    await tx.complete();
    await store.prune();
    return actions.get(write) ?? 'unchanged';
  });
  out.status('pass', `${WRITE_VERB[action]} ${SYSTEM_CONFIG}: provider table for every user, model ${model}, ${baseUrl}; each user's Codex reads the key from their own ~/.config/lightweight/env.`);
  if (flags.yes) for (const n of notes) out.status('warn', n);
  out.status('info', `No key was stored or checked here. Each user stores theirs (their setup then writes no config of its own): printf %s "$KEY" | npx lightweight-setup --yes --api-key-stdin`);
  out.status('info', `A user's own ~/.codex/config.toml still wins where it sets model_provider, model or the provider's fields; \`${cmd('doctor')}\` says which layer each setting comes from.`);
  if (json) io.stdout.write(renderOutcome({ ...outcome, dryRun: false, files: [{ path: SYSTEM_CONFIG, action }] }));
  return EXIT.ok;
}

/** `uninstall --system`: the provider table and the top-level values go back to what the system config held before. */
export async function uninstallSystem(flags: { yes?: boolean; codexHome?: string }, io: Io): Promise<number> {
  const out = makeOutput(io);
  const paths = resolvePaths(io.env, io.cwd, flags.codexHome);
  const recordFile = await readTextFile(join(paths.stateDir, RECORD));
  const record = parseRecord(recordFile.exists ? recordFile.text : undefined);
  const file = await readTextFile(SYSTEM_CONFIG);
  const after = planUninstallConfig(file.text, SYSTEM_CONFIG, record?.previous);
  const writes: PlannedWrite[] = [];
  if (file.exists && after !== file.text) writes.push(plannedWrite(file, after.trim() === '' && record?.created ? null : after, { mode: file.mode ?? 0o644 }));
  if (recordFile.exists) writes.push(plannedWrite(recordFile, null, { mode: 0o600, internal: true }));
  if (!writes.length) {
    out.status('pass', `Nothing to remove: ${SYSTEM_CONFIG} has no Lightweight provider.`);
    return EXIT.ok;
  }
  printWrites(writes, out, paths.home);
  await confirmOrYes(flags.yes, io, 'Remove it?');
  await refuseWithoutRights(SYSTEM_CONFIG);
  await withLock(paths.stateDir, async () => {
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('uninstall --system');
    await applyWrites(writes, tx);
    await tx.complete();
  });
  out.status('pass', `Removed the Lightweight provider from ${SYSTEM_CONFIG}. Users' key files stay theirs: each removes theirs with ${cmd('uninstall')}.`);
  return EXIT.ok;
}
