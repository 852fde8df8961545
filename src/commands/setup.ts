/**
 * `lightweight setup` / `npx lightweight-setup`: gathers the choices (flags, environment,
 * or the wizard), plans every file, shows or writes the plan, then checks the gateway.
 */
import { applyWrites, checkParents, type PlannedWrite } from '../files/transaction.js';
import { BackupStore } from '../files/backup.js';
import { CODEX_INSTALL, codexLoginWithApiKey, codexVersion, findExecutable } from '../codex/binary.js';
import { CliError, EXIT } from '../errors.js';
import { readTextFile } from '../files/io.js';
import { GATEWAY_URLS, KEY_VAR, type GatewayEnv, type Layout } from '../gateway/constants.js';
import { maskKey, redact, validateKey } from '../gateway/key.js';
import { DEFAULT_MODEL } from '../gateway/models.js';
import { expandPath, resolvePaths, tildify, type Paths } from '../files/paths.js';
import { sourceLine } from '../shell/rc.js';
import { detectShell, rcFileFor, unknownShellError, type Shell } from '../shell/detect.js';
import { makeOutput, type Io, type Output } from '../ui/output.js';
import type { Prompts } from '../ui/prompts.js';
import { environmentOf } from '../gateway/urls.js';
import { runConnectivityCheck } from './verify.js';
import { resolveFlags, type SetupFlags } from '../setup/flags.js';
import { planSetup, type SetupChoices, type SetupPlan } from '../setup/plan.js';
import { printWrites } from '../ui/review.js';
import { withLock } from '../files/lock.js';

const LAYOUT_NAMES: Record<Layout, string> = { 'model-providers': 'provider table', 'openai-base-url': 'base-URL override' };

/** Reads the key from stdin: the first line, trimmed. Stops at the first newline so a never-ending pipe cannot hang setup. */
export async function readKeyFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stdin) {
    data += chunk.toString();
    if (data.includes('\n') || data.length > 65536) break;
  }
  return data.split('\n')[0] ?? '';
}

interface Gathered {
  choices: SetupChoices;
  envName: GatewayEnv | 'custom';
  key: string;
  keySource: string;
  rc?: { shell: Shell; file: string };
}

export async function setup(flags: SetupFlags, io: Io): Promise<number> {
  const out = makeOutput(io);
  const resolved = resolveFlags(flags);
  const interactive = !flags.yes && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
  if (!flags.yes && !interactive) {
    throw new CliError(
      'No terminal to ask questions in, and --yes was not given.',
      EXIT.usage,
      `To run unattended, pass --yes and give the key on standard input with --api-key-stdin (or in ${KEY_VAR}); nothing was written.`,
    );
  }
  if (flags.apiKeyStdin && io.stdin.isTTY) {
    throw new CliError('--api-key-stdin expects the key piped in, but standard input is a terminal.', EXIT.usage, 'Pipe it in (for example from a secret manager), or leave the flag out to be asked for it without echo.');
  }
  const paths = resolvePaths(io.env, io.cwd, flags.codexHome);
  const prompts: Prompts | undefined = interactive ? (await import('../ui/prompts.js')).makePrompts(io) : undefined;
  for (const w of resolved.warnings) out.status('warn', w);

  const codexPath = findExecutable('codex', io.env);
  const codexVersionPromise = codexPath ? codexVersion(codexPath, io.env) : Promise.resolve(undefined);
  if (prompts) {
    out.heading('Lightweight setup for the Codex CLI');
    out.line();
    out.heading('Step 1 of 4 · Install Codex');
    const v = await codexVersionPromise;
    if (codexPath) out.status('pass', `Codex${v ? ` ${v}` : ''} is installed (${tildify(codexPath, paths.home)}).`);
    else out.status('warn', `Codex is not on your PATH. Setup continues; install it afterwards with: ${CODEX_INSTALL}`);
    out.line();
    out.heading('Step 2 of 4 · Configure Codex (~/.codex/config.toml)');
  }

  const layout = resolved.layout ?? (prompts ? await prompts.layout('model-providers') : 'model-providers');
  const model = resolved.model ?? (prompts ? await prompts.model(DEFAULT_MODEL) : DEFAULT_MODEL);
  let baseUrl: string;
  if (resolved.baseUrl) baseUrl = resolved.baseUrl;
  else baseUrl = GATEWAY_URLS[resolved.env ?? (prompts ? await prompts.environment('production') : 'production')];

  if (prompts) {
    out.line();
    out.heading(`Step 3 of 4 · Set ${KEY_VAR}`);
  }
  const { key, keySource } = await obtainKey(flags, io, prompts);
  const rc = resolveRc(flags, resolved.shell, io, paths);

  const gathered: Gathered = { choices: { layout, model, baseUrl }, envName: environmentOf(baseUrl), key, keySource, ...(rc ? { rc } : {}) };

  // Planning validates every input file, so a bad one stops setup before anything exists on disk.
  const reviewed = await makePlan(gathered, paths, Boolean(codexPath));
  if (flags.dryRun) {
    printPlan(reviewed, gathered, paths, out);
    out.line();
    out.status('info', 'Dry run: nothing was written.');
    return EXIT.ok;
  }
  await checkParents(reviewed.writes);
  if (prompts) {
    out.line();
    out.heading('Review');
    printPlan(reviewed, gathered, paths, out);
    if (!(await prompts.confirm('Write these changes?'))) throw new CliError('Nothing was written.', EXIT.cancelled);
  }

  const { plan, actions } = await withLock(paths.stateDir, async () => {
    // Plan again under the lock: another run, or the user, may have changed a file while the
    // review was on screen, and a write must start from what is on disk now.
    const plan = await makePlan(gathered, paths, Boolean(codexPath));
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('setup');
    const actions = await applyWrites(plan.writes, tx);
    if (plan.codexLogin && codexPath) {
      const entry = await tx.backup(paths.authJson, paths.authJson, 0o600, true);
      try {
        await codexLoginWithApiKey(codexPath, key, paths.codexHome, io.env);
      } catch (err) {
        await tx.rollback();
        throw new CliError(`${(err as Error).message} Every file was put back as it was.`, EXIT.usage);
      }
      await tx.recordWritten(entry, (await readTextFile(paths.authJson)).text);
    }
    await tx.complete();
    await store.prune();
    return { plan, actions };
  });
  reportWrites(plan, actions, gathered, paths, out);

  // The check runs after the lock is released: a slow gateway must not hold up another run.
  let exit: number = EXIT.ok;
  if (prompts) {
    out.line();
    out.heading('Step 4 of 4 · Verify the connection');
  }
  if (flags.verify === false) out.status('skip', 'Connectivity check skipped (--no-verify).');
  else if (!(await runConnectivityCheck({ baseUrl, key, model, timeoutSeconds: resolved.timeoutSeconds, env: io.env }, out))) exit = EXIT.checkFailed;

  printNextSteps(gathered, paths, out, codexPath !== undefined, await codexVersionPromise);
  return exit;
}

async function obtainKey(flags: SetupFlags, io: Io, prompts: Prompts | undefined): Promise<{ key: string; keySource: string }> {
  if (flags.apiKeyStdin) return { key: validateKey(await readKeyFromStdin(io.stdin), 'standard input'), keySource: 'standard input' };
  const fromEnv = io.env[KEY_VAR];
  if (prompts) {
    if (fromEnv && fromEnv.trim() !== '' && (await prompts.useKeyFromEnv(fromEnv.trim()))) return { key: validateKey(fromEnv, KEY_VAR), keySource: KEY_VAR };
    return { key: validateKey(await prompts.key(), 'the prompt'), keySource: 'the prompt' };
  }
  if (fromEnv === undefined || fromEnv.trim() === '') {
    throw new CliError('No API key given.', EXIT.usage, `Pipe it in with --api-key-stdin (for example: printf %s "$KEY" | npx lightweight-setup --yes --api-key-stdin), or set ${KEY_VAR}.`);
  }
  return { key: validateKey(fromEnv, KEY_VAR), keySource: KEY_VAR };
}

/** Which rc file gets the block, and in which shell's syntax. */
function resolveRc(flags: SetupFlags, shellFlag: Shell | undefined, io: Io, paths: Paths): { shell: Shell; file: string } | undefined {
  if (flags.rc === false) return undefined;
  const detected = detectShell(io.env);
  if (flags.rcFile !== undefined) {
    const file = expandPath(flags.rcFile, paths.home, io.cwd);
    const shell = shellFlag ?? (file.endsWith('.fish') ? 'fish' : (detected ?? 'sh'));
    return { shell, file };
  }
  const shell = shellFlag ?? detected;
  if (!shell) {
    const name = io.env.SHELL ? io.env.SHELL.split('/').pop() : undefined;
    throw unknownShellError(name, sourceLine(name === 'fish' ? 'fish' : 'sh', paths.keys.posix, paths.home));
  }
  return { shell, file: rcFileFor(shell, { home: paths.home, platform: io.platform, env: io.env }) };
}

async function makePlan(g: Gathered, paths: Paths, codexInstalled: boolean): Promise<SetupPlan> {
  const [config, posix, fish, authJson, state, rcFile] = await Promise.all([
    readTextFile(paths.config),
    readTextFile(paths.keys.posix),
    readTextFile(paths.keys.fish),
    readTextFile(paths.authJson),
    readTextFile(paths.stateFile),
    g.rc ? readTextFile(g.rc.file) : Promise.resolve(undefined),
  ]);
  return planSetup({
    choices: g.choices,
    key: g.key,
    paths,
    ...(g.rc && rcFile ? { rc: { shell: g.rc.shell, file: rcFile } } : {}),
    config,
    keyFiles: { posix, fish },
    authJson,
    state,
    codexInstalled,
  });
}

function describeChoices(g: Gathered): string {
  const where = g.envName === 'custom' ? g.choices.baseUrl : `${g.envName}, ${g.choices.baseUrl}`;
  return `${LAYOUT_NAMES[g.choices.layout]}, model ${g.choices.model}, ${where}`;
}

function printPlan(plan: SetupPlan, g: Gathered, paths: Paths, out: Output): void {
  out.line(`Planned: ${describeChoices(g)}; key ${maskKey(g.key)} from ${g.keySource}.`);
  printWrites(plan.writes, out, paths.home, (t) => redact(t, g.key));
  if (plan.codexLogin) {
    out.line();
    out.line(`Then: codex login --with-api-key (the key ${maskKey(g.key)} on standard input) to store it in ${tildify(paths.authJson, paths.home)}.`);
  }
  for (const n of plan.notes) out.status('warn', n);
}

function reportWrites(plan: SetupPlan, actions: Map<PlannedWrite, string>, g: Gathered, paths: Paths, out: Output): void {
  const verb = (w: PlannedWrite) => ({ created: 'Created', updated: 'Updated', unchanged: 'Unchanged' })[actions.get(w) ?? 'unchanged'];
  const [posix, , ...rest] = plan.writes;
  out.status('pass', `${verb(posix!)} ${tildify(posix!.path, paths.home)} with the key ${maskKey(g.key)} (mode 0600; a fish twin beside it).`);
  for (const w of rest) {
    const shown = tildify(w.path, paths.home);
    if (w.path === paths.config) out.status('pass', `${verb(w)} ${shown}: ${describeChoices(g)}.`);
    else if (w.internal) continue;
    else if (w.path === paths.authJson) out.status('pass', `${verb(w)} ${shown} (Codex's login store) with the key ${maskKey(g.key)}.`);
    else out.status('pass', `${verb(w)} ${shown}: ${plan.rcAction === 'unchanged' ? 'the lightweight-setup block is already there' : 'it loads the key file in every new shell'}.`);
  }
  if (plan.codexLogin) out.status('pass', `Stored the key ${maskKey(g.key)} in Codex's login store with \`codex login --with-api-key\`.`);
  for (const n of plan.notes) out.status('warn', n);
}

function printNextSteps(g: Gathered, paths: Paths, out: Output, codexInstalled: boolean, version: string | undefined): void {
  out.line();
  out.heading('Next steps');
  let n = 1;
  if (g.rc) {
    const rc = tildify(g.rc.file, paths.home);
    out.line(`  ${n++}. Open a new terminal, or run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${rc}`);
  } else {
    out.line(`  ${n++}. Load the key in your shell (--no-rc left your startup files alone): ${sourceLine('sh', paths.keys.posix, paths.home)}`);
  }
  if (!codexInstalled) {
    out.line(`  ${n++}. Run: codex (once installed)`);
    out.line();
    out.status('warn', `Codex is not installed yet; install it with: ${CODEX_INSTALL}`);
    return;
  }
  out.line(`  ${n++}. Run: codex`);
  if (version) out.line(`     (Codex ${version}, model ${g.choices.model} through ${g.choices.baseUrl})`);
}
