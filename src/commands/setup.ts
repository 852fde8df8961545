/**
 * `lightweight setup` / `npx lightweight-setup`: gathers the choices (flags, environment,
 * or the wizard), plans every file, shows or writes the plan, then checks the gateway.
 */
import { cmd } from '../invocation.js';
import { applyWrites, checkParents, readOnlyError, readOnlyWrites, type PlannedWrite } from '../files/transaction.js';
import { BackupStore } from '../files/backup.js';
import { CODEX_INSTALL, codexLoginWithApiKey, codexVersion, findExecutable } from '../codex/binary.js';
import type { Catalog } from '../codex/catalog.js';
import type { KeySource } from '../codex/config.js';
import { daemonStatus, restartDaemon } from '../codex/daemon.js';
import type { CheckVerdict } from '../gateway/classify.js';
import { introspectCodex, makeCatalog, type CatalogOutcome } from './catalog.js';
import { CliError, EXIT } from '../errors.js';
import { listTree, missingDirs, octalMode, pathExists, readTextFile, type TextFile } from '../files/io.js';
import { existsSync, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { GATEWAY_URLS, KEY_VAR, type GatewayEnv, type Layout } from '../gateway/constants.js';
import { maskKey, normalizeKey, redact } from '../gateway/key.js';
import { canonicalModel, DEFAULT_MODEL, MODEL_IDS } from '../gateway/models.js';
import { expandPath, resolvePaths, tildify, type Paths } from '../files/paths.js';
import { quotePathForShell, sourceLine } from '../shell/rc.js';
import { bashLoginFile, detectShell, rcFileFor, unknownShellError, type Shell } from '../shell/detect.js';
import { makeOutput, type Io, type Output } from '../ui/output.js';
import type { Prompts } from '../ui/prompts.js';
import { environmentOf } from '../gateway/urls.js';
import { checkWithSpinner, reportVerdict } from './verify.js';
import { decideKeySource, resolveFlags, type SetupFlags } from '../setup/flags.js';
import { planSetup, type SetupChoices, type SetupPlan } from '../setup/plan.js';
import type { CatalogSupportRecord, SetupState } from '../setup/state.js';
import { readInstalled } from '../setup/installed.js';
import type { ConfigSummary } from '../codex/config.js';
import { printWrites } from '../ui/review.js';
import { withLock } from '../files/lock.js';
import { baseUrlLayoutRuledOut, codexVerdictNow, ensureCodexLoadsPlan, forcedChatgptLogin, type NowVerdict } from '../setup/codex-verdict.js';

const LAYOUT_NAMES: Record<Layout, string> = { 'model-providers': 'provider table', 'openai-base-url': 'base-URL override' };
/** How anyone runs setup again, in text that outlives this run (the auth command's message): the npx form works for all. */
const SETUP_ANYWHERE = 'npx lightweight-setup';

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
  /** What setup would choose by itself (from what is configured, else its defaults), to spell only other choices as flags. */
  defaults?: { layout: Layout; keySource: KeySource; model: string; baseUrl: string; shell?: Shell };
  /** What was configured before, to say what changes. */
  current?: ConfigSummary;
  previousKey?: string;
  envName: GatewayEnv | 'custom';
  key: string;
  /** Where the key came from in this run (the prompt, standard input, LIGHTWEIGHT_API_KEY). */
  keyOrigin: string;
  rc?: { shell: Shell; file: string; login?: string };
  /** Codex's model catalog to write; absent when there is none to write. */
  catalog?: Catalog;
  catalogSupport?: CatalogSupportRecord;
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
  const codexPath = findExecutable('codex', io.env);
  // Problems before questions: a missing home, a config.toml that does not parse or that the
  // installed Codex refuses, a layout a setting rules out, a shell that cannot be told, all come
  // out before the first question (and before the key is typed).
  const before = await whatIsThere(io, paths, flags.codexHome, codexPath);
  if (before.forcedChatgpt && resolved.layout === 'openai-base-url') throw baseUrlLayoutRuledOut(before.forcedChatgpt);
  const prompts: Prompts | undefined = interactive ? (await import('../ui/prompts.js')).makePrompts(io) : undefined;
  for (const n of resolved.notes) out.status('info', n);
  for (const w of resolved.warnings) out.status('warn', w);
  if (before.codex.fixedBySetup) out.status('info', before.codex.fixedBySetup);
  let rcChoice = resolveRc(flags, resolved.shell, io, paths, !prompts);
  refuseUnquotablePaths(rcChoice, paths);

  const codexVersionPromise = codexPath ? codexVersion(codexPath, io.env) : Promise.resolve(undefined);
  if (prompts) {
    out.heading('Lightweight setup for the Codex CLI');
    if (before.current) out.line(`Configured now: ${describeCurrent(before.current, before.storedKey)}. Press Enter to keep each.`);
    out.line();
    out.heading('Step 1 of 4 · Install Codex');
    const v = await codexVersionPromise;
    if (codexPath) out.status('pass', `Codex${v ? ` ${v}` : ''} is installed (${tildify(codexPath, paths.home)}).`);
    else {
      out.status('warn', 'Codex is not on your PATH. Setup continues; install it afterwards with:');
      out.raw(`    ${CODEX_INSTALL}`);
    }
    if (rcChoice === 'ask') refuseUnquotablePaths((rcChoice = resolveRc({ ...flags }, await prompts.shell(), io, paths, true)), paths);
    out.line();
    out.heading('Step 2 of 4 · Configure Codex (~/.codex/config.toml)');
  }
  const rc = rcChoice === 'ask' ? undefined : rcChoice;

  // A rerun starts from what is configured: Enter (or --yes) keeps it; only a flag or an answer changes it.
  const current = before.current;
  const earlier = before.state ? { ...(before.state.keySource ? { source: before.state.keySource } : {}), chosen: Boolean(before.state.keySourceChosen) } : undefined;
  // forced_login_method = "chatgpt" leaves one layout that works: no question, and said why.
  if (before.forcedChatgpt && !resolved.layout) out.status('info', `forced_login_method = "chatgpt" (${before.forcedChatgpt}) rules out the base-URL layout (Codex refuses API-key logins): using the provider table.`);
  const layout =
    resolved.layout ??
    (before.forcedChatgpt ? 'model-providers' : prompts ? await prompts.layout(current?.layout ?? 'model-providers') : (current?.layout ?? 'model-providers'));
  const version = await codexVersionPromise;
  let decision = decideKeySource(resolved.keySource, earlier, version);
  if (prompts && layout === 'model-providers' && !resolved.keySource && !decision.note) {
    const picked = await prompts.keySource(decision.source, tildify(paths.keys.posix, paths.home));
    decision = picked === decision.source ? decision : decideKeySource(picked, undefined, version);
  }
  const currentModel = current?.model !== undefined ? (canonicalModel(current.model) ?? current.model) : undefined;
  const model = resolved.model ?? (prompts ? await prompts.model(currentModel ?? DEFAULT_MODEL) : (currentModel ?? DEFAULT_MODEL));
  const currentUrl = current?.baseUrl;
  const baseUrl =
    resolved.baseUrl ??
    (resolved.env ? GATEWAY_URLS[resolved.env] : prompts ? await prompts.environment(currentUrl ?? GATEWAY_URLS.production) : (currentUrl ?? GATEWAY_URLS.production));

  if (prompts) {
    out.line();
    out.heading(`Step 3 of 4 · Set ${KEY_VAR}`);
  }
  const obtained = await obtainKey(flags, io, prompts, before.storedKey);
  const { key, keySource: keyOrigin } = obtained;
  if (obtained.removed.length) out.status('info', `Took the key as ${maskKey(key)}: removed ${joinWords(obtained.removed)}.`);
  if (obtained.replacing) out.status('info', obtained.replacing);

  const chosen = { choices: { layout, model, baseUrl, keySource: decision.source, keySourceChosen: decision.chosen }, envName: environmentOf(baseUrl), key, keyOrigin, ...(rc ? { rc } : {}) };
  // Every input file is read and checked before anyone is asked anything on the network.
  await makePlan(chosen, paths, Boolean(codexPath), before.codex.asked);

  // Codex's model catalog needs the gateway's model list and what the installed Codex expects
  // of a catalog: both are asked side by side, before anything is planned. The check's verdict
  // is reported after the writes, as before; a dry run asks no one on the network.
  const checkReq = { baseUrl, key, model, timeoutSeconds: resolved.timeoutSeconds, env: io.env, keyOrigin: KEY_ORIGIN_WORDS[keyOrigin] ?? `the key from ${keyOrigin}` };
  const support = codexPath ? introspectCodex(codexPath, io.env) : undefined;
  const verdict: CheckVerdict | undefined =
    flags.verify === false || flags.dryRun ? undefined : await checkWithSpinner(checkReq, out, 'Cancelled during the gateway check; nothing was written.');
  const served = verdict?.ok ? verdict.models : MODEL_IDS;
  // A dry run shows what a real run would list: the gateway's answer, which it does not ask for.
  const fromPage = !flags.dryRun && !verdict?.ok;
  const catalogOutcome: CatalogOutcome | undefined = codexPath && support ? await makeCatalog(codexPath, io.env, await support, served, fromPage) : undefined;

  const detected = detectShell(io.env);
  const gathered: Gathered = {
    ...chosen,
    ...(current ? { current } : {}),
    ...(before.storedKey ? { previousKey: before.storedKey } : {}),
    defaults: {
      layout: current?.layout ?? 'model-providers',
      keySource: decideKeySource(undefined, earlier, version).source,
      model: currentModel ?? DEFAULT_MODEL,
      baseUrl: currentUrl ?? GATEWAY_URLS.production,
      ...(detected ? { shell: detected } : {}),
    },
    ...(catalogOutcome?.catalog ? { catalog: catalogOutcome.catalog } : {}),
    ...(catalogOutcome
      ? { catalogSupport: { ...(version ? { codexVersion: version } : {}), supported: Boolean(catalogOutcome.catalog), ...(catalogOutcome.problem ? { reason: catalogOutcome.problem } : {}) } }
      : {}),
  };
  const catalogNote = catalogOutcome?.problem
    ? `Codex's model picker keeps its own list: ${catalogOutcome.problem}.`
    : catalogOutcome?.catalog && fromPage
      ? `Codex's model picker lists the gateway page's ${MODEL_IDS.length} models: the gateway ${verdict ? 'did not give its own list' : 'was not asked'}. Once it answers, \`${cmd('models --sync')}\` lists the models it serves.`
      : undefined;

  // Planning validates every input file, so a bad one stops setup before anything exists on disk;
  // the installed Codex then says whether it loads the result (its word, not the tool's rules).
  const reviewed = await makePlan(gathered, paths, Boolean(codexPath), before.codex.asked);
  if (codexPath && before.codex.asked) await ensureCodexLoadsPlan(codexPath, io.env, paths.codexHome, reviewed.writes, paths.config, tildify(paths.config, paths.home));
  if (flags.dryRun) {
    printPlan(reviewed, gathered, paths, out);
    if (decision.note) out.status('warn', decision.note);
    if (catalogNote) out.status('warn', catalogNote);
    out.line();
    out.status('info', 'Dry run: nothing was written.');
    return EXIT.ok;
  }
  await checkParents(reviewed.writes, (p) => tildify(p, paths.home));
  const readOnly = readOnlyWrites(reviewed.writes);
  if (readOnly.length && !prompts) throw readOnlyError(readOnly, paths.home);
  if (prompts) {
    out.line();
    out.heading('Review');
    printPlan(reviewed, gathered, paths, out, true);
    if (!(await prompts.confirm('Write these changes?'))) throw new CliError('Nothing was written.', EXIT.cancelled);
    for (const w of readOnly) {
      const shown = tildify(w.path, paths.home);
      if (!(await prompts.confirm(`${shown} is read-only (mode ${octalMode(w.mode)}). Write it anyway, and make it read-only again afterwards?`, false))) {
        // The user's own answer, like No at the review: a cancel, not a failure to explain.
        throw new CliError(`Nothing was written: ${shown} stays read-only, as you answered.`, EXIT.cancelled);
      }
    }
  }

  // Directories this run may create (the tool's own, Codex's, a shell's): undo removes them again.
  const mayCreate = await missingDirs([paths.stateDir, paths.codexHome, ...reviewed.writes.map((w) => dirname(w.target))], paths.home);
  const { plan, actions } = await withLock(paths.stateDir, async () => {
    // Plan again under the lock: another run, or the user, may have changed a file while the
    // review was on screen, and a write must start from what is on disk now.
    const plan = await makePlan(gathered, paths, Boolean(codexPath), before.codex.asked);
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('setup');
    const actions = await applyWrites(plan.writes, tx);
    if (plan.codexLogin && codexPath) {
      const entry = await tx.backup(paths.authJson, paths.authJson, 0o600, true);
      const codexBefore = await listTree(paths.codexHome);
      try {
        await codexLoginWithApiKey(codexPath, key, paths.codexHome, io.env);
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
  reportWrites(plan, actions, gathered, paths, out);
  if (decision.note) out.status('warn', decision.note);
  if (catalogNote) out.status('warn', catalogNote);

  let exit: number = EXIT.ok;
  if (prompts) {
    out.line();
    out.heading('Step 4 of 4 · Verify the connection');
  }
  if (flags.verify === false) out.status('skip', 'Connectivity check skipped (--no-verify).');
  else if (verdict && !reportVerdict(verdict, checkReq, out)) exit = EXIT.checkFailed;

  if (codexPath && layout === 'model-providers' && decision.source === 'env' && before.storedKey !== undefined && before.storedKey !== key) {
    await offerDaemonRestart(codexPath, key, paths, io, out, prompts);
  }
  printNextSteps(gathered, paths, out, codexPath !== undefined, version, verdict && !verdict.ok ? verdict : undefined);
  return exit;
}

async function existing(paths: readonly string[]): Promise<string[]> {
  const there = await Promise.all(paths.map((p) => pathExists(p)));
  return paths.filter((_, i) => there[i]);
}

/**
 * With env_key, Codex's background server keeps the key of the terminal that started it: after
 * a key change it goes on sending the old one. Offer to restart it with the new key (in its
 * environment, never in an argument); unattended, say how.
 */
async function offerDaemonRestart(codexPath: string, key: string, paths: Paths, io: Io, out: Output, prompts: Prompts | undefined): Promise<void> {
  const status = await daemonStatus(codexPath, io.env, paths.codexHome);
  if (!status.running) return;
  const why = "Codex's background server is running with the old key (it keeps the environment of the terminal that started it).";
  if (prompts && (await prompts.confirm(`${why} Restart it now with the new key? Running Codex sessions are interrupted.`))) {
    const r = await restartDaemon(codexPath, { ...io.env, [KEY_VAR]: key }, paths.codexHome);
    if (r.ok) out.status('pass', "Restarted Codex's background server with the new key.");
    else out.status('warn', `Could not restart Codex's background server (${r.error}). From a new terminal, run: codex app-server daemon restart`);
    return;
  }
  out.status('warn', `${why} From a new terminal (which has the new key), run: codex app-server daemon restart`);
}

/** A rejected key's fix names where it came from. */
const KEY_ORIGIN_WORDS: Record<string, string> = {
  'standard input': 'the key given on standard input',
  'the prompt': 'the key you typed',
  [KEY_VAR]: `the key in ${KEY_VAR}`,
  'the key file (kept)': 'the stored key',
};

interface ObtainedKey {
  key: string;
  keySource: string;
  /** The wrapping taken off a pasted key ("Bearer ", quotes, `LIGHTWEIGHT_API_KEY=`). */
  removed: string[];
  /** Said when a key from the environment replaces a different stored one. */
  replacing?: string;
}

/**
 * The key, from standard input, the prompt, LIGHTWEIGHT_API_KEY or (on a rerun) the key file,
 * cleaned of what people paste around it the same way whatever its source.
 */
async function obtainKey(flags: SetupFlags, io: Io, prompts: Prompts | undefined, stored: string | undefined): Promise<ObtainedKey> {
  const from = (raw: string, keySource: string): ObtainedKey => ({ ...normalizeKey(raw, keySource), keySource });
  if (flags.apiKeyStdin) return from(await readKeyFromStdin(io.stdin), 'standard input');
  const fromEnv = io.env[KEY_VAR]?.trim() ? io.env[KEY_VAR]! : undefined;
  if (prompts) {
    if (stored && (await prompts.keepKey(maskKey(stored)))) return { key: stored, keySource: 'the key file (kept)', removed: [] };
    if (fromEnv && normalizeKey(fromEnv, KEY_VAR).key !== stored && (await prompts.useKeyFromEnv(fromEnv.trim()))) return from(fromEnv, KEY_VAR);
    return from(await prompts.key(), 'the prompt');
  }
  if (fromEnv !== undefined) {
    const got = from(fromEnv, KEY_VAR);
    return stored && got.key !== stored ? { ...got, replacing: `Took the key from ${KEY_VAR} (${maskKey(got.key)}); it replaces the stored ${maskKey(stored)}.` } : got;
  }
  // An unattended rerun that changes something else keeps the key it has.
  if (stored) return { key: stored, keySource: 'the key file (kept)', removed: [] };
  throw new CliError('No API key given.', EXIT.usage, `Pipe it in with --api-key-stdin (for example: printf %s "$KEY" | ${cmd()} --yes --api-key-stdin), or set ${KEY_VAR}.`);
}

function joinWords(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** What is on the machine before setup asks anything; a problem here stops setup before the first question. */
async function whatIsThere(
  io: Io,
  paths: Paths,
  codexHome: string | undefined,
  codexPath: string | undefined,
): Promise<{ current?: ConfigSummary; storedKey?: string; state?: SetupState; codex: NowVerdict; forcedChatgpt?: string }> {
  if (!(await pathExists(paths.home))) {
    throw new CliError(`Your home directory ${paths.home} does not exist (HOME=${io.env.HOME ?? ''}).`, EXIT.usage, 'Set HOME to your home directory and run again; nothing was written.');
  }
  const inst = await readInstalled(io.env, io.cwd, codexHome);
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix that line (or move the file aside) and run again; nothing was written.');
  const text = inst.config.file?.text ?? '';
  const codex = await codexVerdictNow(codexPath, io.env, paths.codexHome, { exists: inst.config.exists, text, shown: inst.config.path });
  const forcedChatgpt = await forcedChatgptLogin(io.platform, { text, shown: inst.config.path });
  return {
    ...(inst.summary.layout ? { current: inst.summary } : {}),
    ...(inst.keyFile.key ? { storedKey: inst.keyFile.key } : {}),
    ...(inst.state ? { state: inst.state } : {}),
    codex,
    ...(forcedChatgpt ? { forcedChatgpt } : {}),
  };
}

function describeCurrent(c: ConfigSummary, storedKey: string | undefined): string {
  const env = c.baseUrl ? environmentOf(c.baseUrl) : undefined;
  return [LAYOUT_NAMES[c.layout!], c.model ? `model ${c.model}` : undefined, env === 'custom' ? c.baseUrl : env, storedKey ? `key ${maskKey(storedKey)}` : undefined].filter(Boolean).join(', ');
}

/** Paths that end up in a shell file: one with a newline is refused before anything else is said about it. */
function refuseUnquotablePaths(rc: ReturnType<typeof resolveRc>, paths: Paths): void {
  for (const p of [paths.keys.posix, ...(rc && rc !== 'ask' ? [rc.file, rc.login] : [])]) if (p) quotePathForShell(p, paths.home);
}

/**
 * Which rc file gets the block, in which shell's syntax, and for bash the file its login shells
 * read. When the shell cannot be told, the wizard asks ('ask'); unattended, the error names --shell.
 */
function resolveRc(flags: SetupFlags, shellFlag: Shell | undefined, io: Io, paths: Paths, unattended: boolean): { shell: Shell; file: string; login?: string } | undefined | 'ask' {
  if (flags.rc === false) return undefined;
  const detected = detectShell(io.env);
  if (flags.rcFile !== undefined) {
    const file = expandPath(flags.rcFile, paths.home, io.cwd);
    const shell = shellFlag ?? (file.endsWith('.fish') ? 'fish' : (detected ?? 'sh'));
    return { shell, file };
  }
  const shell = shellFlag ?? detected;
  if (!shell) {
    if (!unattended) return 'ask';
    const name = io.env.SHELL ? io.env.SHELL.split('/').pop() : undefined;
    throw unknownShellError(name, sourceLine(name === 'fish' ? 'fish' : 'sh', paths.keys.posix, paths.home));
  }
  const file = rcFileFor(shell, { home: paths.home, platform: io.platform, env: io.env });
  return shell === 'bash' ? { shell, file, login: bashLoginFile(paths.home, io.platform, existsSync) } : { shell, file };
}

/**
 * A startup file inside the tool's own directory (the key file itself, say) would source itself
 * at every shell start, and uninstall removes that directory: refused, wherever the path leads.
 */
async function refuseRcInStateDir(rc: TextFile, paths: Paths): Promise<void> {
  const dirs = [paths.stateDir, await fs.realpath(paths.stateDir).catch(() => paths.stateDir)];
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
  if (inside(rc.path) || inside(rc.target)) {
    throw new CliError(
      `${tildify(rc.path, paths.home)} is inside ${tildify(paths.stateDir, paths.home)}, the tool's own directory (key files, backups): a shell startup file cannot go there.`,
      EXIT.usage,
      'Pick your shell\'s startup file with --rc-file (for example ~/.bashrc), or leave --rc-file out; nothing was written.',
    );
  }
}

async function makePlan(g: Gathered, paths: Paths, codexInstalled: boolean, codexAsked: boolean): Promise<SetupPlan> {
  const [config, posix, fish, authJson, state, catalogFile, rcFile, loginRc] = await Promise.all([
    readTextFile(paths.config),
    readTextFile(paths.keys.posix),
    readTextFile(paths.keys.fish),
    readTextFile(paths.authJson),
    readTextFile(paths.stateFile),
    readTextFile(paths.catalog),
    g.rc ? readTextFile(g.rc.file) : Promise.resolve(undefined),
    g.rc?.login ? readTextFile(g.rc.login) : Promise.resolve(undefined),
  ]);
  for (const rc of [rcFile, loginRc]) if (rc) await refuseRcInStateDir(rc, paths);
  return planSetup({
    choices: g.choices,
    key: g.key,
    paths,
    ...(g.rc && rcFile ? { rc: { shell: g.rc.shell, file: rcFile } } : {}),
    ...(loginRc ? { loginRc } : {}),
    config,
    keyFiles: { posix, fish },
    authJson,
    state,
    catalogFile,
    ...(g.catalog ? { catalog: g.catalog } : {}),
    ...(g.catalogSupport ? { catalogSupport: g.catalogSupport } : {}),
    codexInstalled,
    codexAsked,
    setupCommand: SETUP_ANYWHERE,
  });
}

const KEY_SOURCE_NAMES: Record<KeySource, string> = { file: 'key from the key file', env: `key from ${KEY_VAR}` };

function describeChoices(g: Gathered): string {
  const where = g.envName === 'custom' ? g.choices.baseUrl : `${g.envName}, ${g.choices.baseUrl}`;
  const source = g.choices.layout === 'model-providers' ? `, ${KEY_SOURCE_NAMES[g.choices.keySource]}` : '';
  return `${LAYOUT_NAMES[g.choices.layout]}${source}, model ${g.choices.model}, ${where}`;
}

/** The flags that make a dry run plan what the wizard planned: only choices setup would not make by itself. */
function dryRunFlags(g: Gathered): string {
  const d = g.defaults;
  const envName = environmentOf(g.choices.baseUrl);
  return [
    g.choices.layout !== d?.layout ? `--layout ${g.choices.layout}` : '',
    g.choices.layout === 'model-providers' && g.choices.keySource !== d?.keySource ? `--key-source ${g.choices.keySource}` : '',
    g.choices.model !== d?.model ? `--model ${g.choices.model}` : '',
    g.choices.baseUrl === d?.baseUrl ? '' : envName === 'custom' ? `--base-url ${g.choices.baseUrl}` : `--env ${envName}`,
    !g.rc ? '--no-rc' : g.rc.shell !== d?.shell ? `--shell ${g.rc.shell}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** On a rerun, what changes from what is configured now, in words (the diffs show the lines). */
export function describeChanges(g: Gathered): string[] {
  const c = g.current;
  if (!c) return [];
  const out: string[] = [];
  const change = (what: string, from: string | undefined, to: string) => {
    if (from !== to) out.push(`${what}: ${from ?? '-'} -> ${to}`);
  };
  change('layout', c.layout ? LAYOUT_NAMES[c.layout] : undefined, LAYOUT_NAMES[g.choices.layout]);
  if (g.choices.layout === 'model-providers' && c.layout === 'model-providers') change('key source', c.keySource ? KEY_SOURCE_NAMES[c.keySource] : undefined, KEY_SOURCE_NAMES[g.choices.keySource]);
  change('model', c.model, g.choices.model);
  change('gateway', c.baseUrl, g.choices.baseUrl);
  if (g.previousKey !== undefined) change('key', maskKey(g.previousKey), maskKey(g.key));
  return out;
}

function printPlan(plan: SetupPlan, g: Gathered, paths: Paths, out: Output, review = false): void {
  out.line(`Planned: ${describeChoices(g)}; key ${maskKey(g.key)} from ${g.keyOrigin}.`);
  const changes = describeChanges(g);
  if (g.current) out.line(changes.length ? `Changes: ${changes.join('; ')}.` : 'Changes: none to the choices (the files are brought up to date).');
  // The wizard's review fits the terminal: what does not fit is summarised, with the command that shows it all.
  const fit = review && out.size ? { fullDiff: `${cmd()} --dry-run ${dryRunFlags(g)}`.trim(), budget: Math.max(8, out.size.rows - 8 - plan.notes.length * 2) } : undefined;
  printWrites(plan.writes, out, paths.home, (t) => redact(t, g.key), fit);
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
    else if (w.path === paths.catalog) out.status('pass', `${verb(w)} ${shown}: ${w.summary}.`);
    else if (w.path === paths.authJson) out.status('pass', `${verb(w)} ${shown} (Codex's login store) with the key ${maskKey(g.key)}.`);
    else if (w.path === plan.loginRc?.path) out.status('pass', `${verb(w)} ${shown}: ${plan.loginRc.action === 'unchanged' ? 'the lightweight-setup block is already there' : 'bash login shells (ssh sessions, macOS Terminal) load the key file too'}.`);
    else out.status('pass', `${verb(w)} ${shown}: ${plan.rcAction === 'unchanged' ? 'the lightweight-setup block is already there' : 'it loads the key file in every new shell'}.`);
  }
  if (plan.codexLogin) out.status('pass', `Stored the key ${maskKey(g.key)} in Codex's login store with \`codex login --with-api-key\`.`);
  for (const n of plan.notes) out.status('warn', n);
}

function printNextSteps(g: Gathered, paths: Paths, out: Output, codexInstalled: boolean, version: string | undefined, failed?: Extract<CheckVerdict, { ok: false }>): void {
  out.line();
  out.heading('Next steps');
  let n = 1;
  if (failed) {
    // Codex would fail the same way: the fix comes first, then the check again, and Codex last.
    out.line(`  ${n++}. ${failed.fix}`);
    out.line(`  ${n++}. Check again: ${cmd('doctor')}`);
    if (!codexInstalled) {
      out.line(`  ${n++}. Install Codex: ${CODEX_INSTALL}`);
      out.line(`  ${n++}. Fill Codex's model picker (/model) with the gateway's models: ${cmd('models --sync')}`);
    }
    out.line(`  ${n++}. Then run: codex`);
    return;
  }
  // Where Codex itself reads the key, when not from the shell: the key file (auth command) or its
  // login store (base-URL layout). Codex then needs no new terminal; the shell variable is for other tools.
  const codexKeyAt = g.choices.layout === 'openai-base-url' ? paths.authJson : g.choices.keySource === 'file' ? paths.keys.posix : undefined;
  const codexHasKey = codexKeyAt !== undefined;
  if (g.rc) {
    if (!codexHasKey) out.line(`  ${n++}. Open a new terminal, or run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${tildify(g.rc.file, paths.home)}`);
  } else {
    out.line(`  ${n++}. Load the key in your shell (--no-rc left your startup files alone): ${sourceLine('sh', paths.keys.posix, paths.home)}`);
  }
  if (!codexInstalled) {
    out.line(`  ${n++}. Install Codex: ${CODEX_INSTALL}`);
    out.line(`  ${n++}. Fill Codex's model picker (/model) with the gateway's models: ${cmd('models --sync')}`);
    out.line(`  ${n++}. Run: codex`);
    if (codexHasKey && g.rc) out.line(`New terminals also get ${KEY_VAR} (for curl and other tools); in this one, run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${tildify(g.rc.file, paths.home)}`);
    out.line();
    out.status('warn', 'Codex is not installed yet; install it with:');
    out.raw(`    ${CODEX_INSTALL}`);
    return;
  }
  out.line(`  ${n++}. Run: codex${codexKeyAt ? ` (it reads the key from ${tildify(codexKeyAt, paths.home)}, in any terminal or editor)` : ''}`);
  if (version) out.line(`     Codex ${version}, model ${g.choices.model} through ${g.choices.baseUrl}${g.catalog ? `; /model lists the gateway${g.catalog.fromPage ? " page's" : "'s"} models` : ''}.`);
  if (codexHasKey && g.rc) out.line(`New terminals also get ${KEY_VAR} (for curl and other tools); in this one, run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${tildify(g.rc.file, paths.home)}`);
}
