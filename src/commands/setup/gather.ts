/**
 * Phase 1, gather: what is on the machine (problems here stop setup before the first question),
 * then every choice (layout, key source, model, gateway, shell) and the key, from the flags or
 * from the answers (the wizard's questions, or unattended what is configured now).
 */
import { existsSync } from 'node:fs';
import { summarize, type ConfigSummary, type KeySource } from '../../codex/config.js';
import { parseToml } from '../../toml/parse.js';
import { cmd } from '../../invocation.js';
import { CliError, EXIT } from '../../errors.js';
import { pathExists } from '../../files/io.js';
import { expandPath, profileConfig, tildify, type Paths } from '../../files/paths.js';
import { GATEWAY_URLS, KEY_VAR, type GatewayEnv } from '../../gateway/constants.js';
import { maskKey, normalizeKey } from '../../gateway/key.js';
import { canonicalModel, DEFAULT_MODEL } from '../../gateway/models.js';
import { environmentOf } from '../../gateway/urls.js';
import { baseUrlLayoutRuledOut, codexVerdictNow, forcedChatgptLogin } from '../../setup/codex-verdict.js';
import { decideKeySource, type KeySourceDecision, type SetupFlags } from '../../setup/flags.js';
import { configRisk, inspectFile, readInstalled } from '../../setup/installed.js';
import { managedConfig } from '../../setup/managed.js';
import { providedBySystem, readSystemLayer, systemLayerRisk } from '../../setup/layers.js';
import { bashLoginFile, detectShell, rcFileFor, unknownShellError, type Shell } from '../../shell/detect.js';
import { quotePathForShell, sourceLine } from '../../shell/rc.js';
import { wslNoteHere } from '../../platform/posix.js';
import type { Io } from '../../ui/output.js';
import type { SetupChoices } from '../../setup/plan.js';
import { LAYOUT_NAMES, type Before, type Gathered, type SetupRun } from './run.js';

/** Reads the key from stdin: the first line, trimmed. Stops at the first newline so a never-ending pipe cannot hang setup. */
async function readKeyFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stdin) {
    data += chunk.toString();
    if (data.includes('\n') || data.length > 65536) break;
  }
  return data.split('\n')[0] ?? '';
}

/**
 * What is on the machine before setup asks anything: a missing home, a config.toml that does not
 * parse or that the installed Codex refuses, a layout a setting rules out stop setup here.
 */
export async function whatIsThere(io: Io, paths: Paths, flags: SetupFlags, codexPath: string | undefined, layoutFlag: string | undefined): Promise<Before> {
  if (!(await pathExists(paths.home))) {
    throw new CliError(`Your home directory ${paths.home} does not exist (HOME=${io.env.HOME ?? ''}).`, EXIT.usage, 'Set HOME to your home directory and run again; nothing was written.');
  }
  const inst = await readInstalled(io.env, io.cwd, flags.codexHome);
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix that line (or move the file aside) and run again; nothing was written.');
  // config.toml names the command Codex runs for the key: a Codex home another user can write to
  // (or owns), or a config.toml of theirs, lets them put their own code there. (One others may
  // merely write to is made private by the write itself: setup/plan.ts.)
  const risk = await configRisk(inst);
  if (risk.unsafeHome) {
    const { path, why, atHome } = risk.unsafeHome;
    throw new CliError(
      `${tildify(paths.codexHome, paths.home)} is not safe for Codex's config: ${atHome ? '' : `${tildify(path, paths.home)}, above it: `}${why}.`,
      EXIT.usage,
      `Another user could change the command Codex runs for the key. Use a Codex home of your own (chmod 700, or CODEX_HOME); nothing was written.`,
    );
  }
  if (risk.foreignOwner !== undefined) {
    throw new CliError(`${inst.config.path} belongs to another user (uid ${risk.foreignOwner}).`, EXIT.usage, 'They could change the command Codex runs for the key: move it aside and run setup again; nothing was written.');
  }
  const text = inst.config.file?.text ?? '';
  const managed = await managedConfig(paths.config, io.env);
  if (managed && layoutFlag === 'openai-base-url' && flags.profile === undefined) {
    throw new CliError(
      `${tildify(paths.config, paths.home)} is a link to ${managed.target}, which ${managed.nix ? 'home-manager builds in the read-only Nix store' : 'you cannot write'}: setup prints the provider table's settings for it, not the base-URL layout's.`,
      EXIT.usage,
      `Leave --layout out (the provider table needs no login store), or use --profile; nothing was written.`,
    );
  }
  const systemLayer = await readSystemLayer(io.platform);
  const fromSystem = providedBySystem(systemLayer, inst.config.parsed);
  const systemRisk = fromSystem && systemLayer ? systemLayerRisk(systemLayer, process.getuid?.()) : undefined;
  if (systemRisk && !configFlagGiven(flags)) {
    // Every user's Codex runs the command it names: a key stored for it would go to whoever can change it.
    throw new CliError(
      `${systemLayer!.path}, which gives Codex its Lightweight provider, is not safe: ${systemRisk}.`,
      EXIT.usage,
      `Whoever can change it can run their code as you, or read the key. Ask an administrator to make it root's and writable by root alone (chown root; chmod 644), or set up a config of your own with --base-url or --env; nothing was written.`,
    );
  }
  const codex = await codexVerdictNow(codexPath, io.env, paths.codexHome, { exists: inst.config.exists, text, shown: inst.config.path });
  const forcedChatgpt = forcedChatgptLogin(inst.config, systemLayer);
  if (forcedChatgpt && layoutFlag === 'openai-base-url') throw baseUrlLayoutRuledOut(forcedChatgpt);
  return {
    ...(inst.summary.layout ? { current: inst.summary } : {}),
    ...(inst.keyFile.key ? { storedKey: inst.keyFile.key } : {}),
    ...(inst.state ? { state: inst.state } : {}),
    codex,
    ...(forcedChatgpt ? { forcedChatgpt } : {}),
    ...(managed ? { managed } : {}),
    ...(fromSystem && systemLayer ? { system: { path: systemLayer.path, summary: fromSystem } } : {}),
  };
}

/** Flags that ask for settings of this user's own: they win over the system config's, which is then not enough. */
function configFlagGiven(f: SetupFlags): boolean {
  return [f.profile, f.layout, f.model, f.env, f.baseUrl, f.keySource].some((v) => v !== undefined);
}

interface ProfileChoice {
  name: string;
  path: string;
  /** What the profile file holds now (a rerun keeps it). */
  now: ConfigSummary;
  /** The default's key source: a profile's provider table merges into config.toml's, and may not hold the other one (Codex refuses env_key beside an auth command). */
  keySource?: KeySource;
}

/**
 * --profile, or in the wizard (once the default is set up) the choice between changing the default
 * and adding a profile beside it, named after the other gateway. The profile file is read here: one
 * that does not parse stops setup before the next question.
 */
async function chooseProfile(run: SetupRun, beforeAsking: () => void): Promise<ProfileChoice | undefined> {
  const { before, paths } = run;
  const current = before.current;
  let name = run.resolved.profile;
  // Flags that already say what the default gets (--model, --env, …) leave no question to ask.
  if (name === undefined && current?.layout && !configFlagGiven(run.flags)) {
    const other: GatewayEnv = current.baseUrl !== undefined && environmentOf(current.baseUrl) === 'preview' ? 'production' : 'preview';
    beforeAsking();
    name = await run.answers.profile(other, other);
  }
  if (name === undefined) return undefined;
  const path = profileConfig(paths, name, run.platform);
  const file = await inspectFile(path);
  if (file.error) throw new CliError(file.error, EXIT.usage, 'Fix it (or move it aside) and run again; nothing was written.');
  let now: ConfigSummary = {};
  if (file.file?.exists) {
    try {
      now = summarize(parseToml(file.file.text, tildify(path, paths.home)));
    } catch (err) {
      throw new CliError((err as Error).message, EXIT.usage, 'Fix that line (or move the file aside) and run again; nothing was written.');
    }
  }
  const baseSource = current?.layout === 'model-providers' ? current.keySource : undefined;
  return { name, path, now, ...(baseSource ? { keySource: baseSource } : {}) };
}

/** A profile's key source is the default's: a different --key-source is refused, not half-applied. */
function profileKeySource(base: KeySource, flag: KeySource | undefined): KeySourceDecision {
  if (flag && flag !== base) {
    throw new CliError(
      `--key-source ${flag} cannot be used with --profile here: config.toml's provider table reads the key ${base === 'file' ? 'from the key file (an auth command)' : `from ${KEY_VAR} (env_key)`}, and Codex merges the profile's table into it (it refuses both in one table).`,
      EXIT.usage,
      `Change the default's key source first (${cmd()} --key-source ${flag}), or leave --key-source out; nothing was written.`,
    );
  }
  return { source: base, chosen: false };
}

export function describeCurrent(b: Before): string | undefined {
  const c = b.current;
  if (!c) return undefined;
  const env = c.baseUrl ? environmentOf(c.baseUrl) : undefined;
  return [LAYOUT_NAMES[c.layout!], c.model ? `model ${c.model}` : undefined, env === 'custom' ? c.baseUrl : env, b.storedKey ? `key ${maskKey(b.storedKey)}` : undefined].filter(Boolean).join(', ');
}

/** Paths that end up in a shell file (or, on Windows, in Codex's auth command): one that cannot be quoted safely is refused before anything else is said about it. */
function refuseUnquotablePaths(rc: Gathered['rc'], run: SetupRun): void {
  const { paths, io, platform } = run;
  if (platform.newTerminals !== 'shell-startup-file') {
    platform.authCommand(paths.keys.main, paths.home, io.env);
    return;
  }
  for (const p of [paths.keys.main, rc?.file, rc?.login]) if (p) quotePathForShell(p, paths.home);
}

/** --shell and --rc-file name a shell startup file, which Windows does not have: said, not ignored. */
function refuseShellFlagsOnWindows(run: SetupRun): void {
  if (run.platform.newTerminals === 'shell-startup-file') return;
  const given = [run.flags.shell !== undefined ? '--shell' : '', run.flags.rcFile !== undefined ? '--rc-file' : ''].filter(Boolean);
  if (!given.length) return;
  throw new CliError(
    `${given.join(' and ')} ${given.length > 1 ? 'do' : 'does'} not apply on Windows: there is no shell startup file to write.`,
    EXIT.usage,
    `On Windows, ${KEY_VAR} goes into your user's environment variables, where new terminals (PowerShell and cmd) find it, and --no-rc leaves it out; nothing was written.`,
  );
}

/**
 * Which rc file gets the block, in which shell's syntax, and for bash the file its login shells
 * read. When the shell cannot be told, the answers are asked; with no answer the error names --shell.
 */
async function resolveRc(run: SetupRun): Promise<Gathered['rc']> {
  const { flags, io, paths } = run;
  if (flags.rc === false || run.platform.newTerminals !== 'shell-startup-file') return undefined;
  const detected = detectShell(io.env);
  const shellFlag = run.resolved.shell;
  if (flags.rcFile !== undefined) {
    const file = expandPath(flags.rcFile, paths.home, io.cwd);
    return { shell: shellFlag ?? (file.endsWith('.fish') ? 'fish' : (detected ?? 'sh')), file };
  }
  const known = shellFlag ?? detected;
  const shell = known ?? (await run.answers.shell());
  if (!shell) {
    const name = io.env.SHELL ? io.env.SHELL.split('/').pop() : undefined;
    throw unknownShellError(name, sourceLine(name === 'fish' ? 'fish' : 'sh', paths.keys.main, paths.home));
  }
  const file = rcFileFor(shell, { home: paths.home, platform: io.platform, env: io.env });
  return shell === 'bash' ? { shell, file, login: bashLoginFile(paths.home, io.platform, existsSync) } : { shell, file };
}

interface ObtainedKey {
  key: string;
  keyOrigin: string;
  /** The wrapping taken off a pasted key ("Bearer ", quotes, `LIGHTWEIGHT_API_KEY=`). */
  removed: string[];
  /** Said when a key from the environment replaces a different stored one without a question. */
  replacing?: string;
}

/**
 * The key, from standard input, the stored key file, LIGHTWEIGHT_API_KEY or the prompt, cleaned of
 * what people paste around it the same way whatever its source.
 */
async function obtainKey(run: SetupRun): Promise<ObtainedKey> {
  const { flags, io, answers } = run;
  const stored = run.before.storedKey;
  const from = (raw: string, keyOrigin: string): ObtainedKey => ({ ...normalizeKey(raw, keyOrigin), keyOrigin });
  if (flags.apiKeyStdin) return from(await readKeyFromStdin(io.stdin), 'standard input');
  const fromEnv = io.env[KEY_VAR]?.trim() ? io.env[KEY_VAR]! : undefined;
  const envKey = fromEnv !== undefined ? normalizeKey(fromEnv, KEY_VAR).key : undefined;
  if (stored && (await answers.keepStoredKey(maskKey(stored), envKey !== undefined && envKey !== stored))) return { key: stored, keyOrigin: 'the key file (kept)', removed: [] };
  if (fromEnv && envKey !== stored && (await answers.useKeyFromEnv(fromEnv.trim()))) {
    const got = from(fromEnv, KEY_VAR);
    return stored && !answers.asks ? { ...got, replacing: `Took the key from ${KEY_VAR} (${maskKey(got.key)}); it replaces the stored ${maskKey(stored)}.` } : got;
  }
  return from(await answers.typedKey(), 'the prompt');
}

function joinWords(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Every choice and the key, in the wizard's steps: what is known up front, where the settings go, the settings, the key. */
export async function gather(run: SetupRun): Promise<Gathered> {
  const { rc, userVariable } = await introduce(run);
  const target = await chooseTarget(run);
  const settings = await chooseSettings(run, target);
  const obtained = await theKey(run);
  const { profile, managed, system } = target;
  const { choices, decision } = settings;
  const current = run.before.current;
  return {
    choices,
    envName: environmentOf(choices.baseUrl),
    key: obtained.key,
    keyOrigin: obtained.keyOrigin,
    ...(rc ? { rc } : {}),
    ...(userVariable ? { userVariable } : {}),
    ...(profile ? { profile: { name: profile.name, path: profile.path } } : {}),
    ...(managed ? { managed } : {}),
    ...(system ? { systemLayer: system.path } : {}),
    ...(decision.note ? { keySourceNote: decision.note } : {}),
    ...(profile ? (profile.now.layout ? { current: profile.now } : {}) : current ? { current } : {}),
    ...(run.before.storedKey ? { previousKey: run.before.storedKey } : {}),
    defaults: settings.defaults,
  };
}

/**
 * Step 1: notes on what was taken as given, the shell (known without asking: resolved and its paths
 * checked before the first question), and the wizard's introduction.
 */
async function introduce(run: SetupRun): Promise<{ rc: Gathered['rc']; userVariable: boolean }> {
  const { out, resolved, paths, before, answers } = run;
  for (const n of resolved.notes) out.status('info', n);
  for (const w of resolved.warnings) out.status('warn', w);
  if (before.codex.fixedBySetup) out.status('info', before.codex.fixedBySetup);
  if (before.managed && resolved.profile === undefined) {
    const m = before.managed;
    out.status('info', `${tildify(paths.config, paths.home)} is a link to ${tildify(m.target, paths.home)}${m.nix ? ' in the Nix store (home-manager)' : ', which you cannot write'}: setup writes no Codex config. It prints the ${m.nix ? 'home-manager settings (programs.codex.settings)' : 'settings'} to add instead, and still stores the key${run.platform.newTerminals === 'shell-startup-file' ? ' and the shell block' : ''}.`);
  }
  const wsl = await wslNoteHere(run.io.env, run.io.platform);
  if (wsl) out.status('info', wsl);
  refuseShellFlagsOnWindows(run);
  const userVariable = run.platform.newTerminals === 'user-variable' && run.flags.rc !== false;
  const known = userVariable || run.flags.rc === false || run.flags.rcFile !== undefined || Boolean(resolved.shell ?? detectShell(run.io.env));
  let rc = known ? await resolveRc(run) : undefined;
  refuseUnquotablePaths(rc, run);
  answers.intro(describeCurrent(before), { ...(run.codexPath ? { path: run.codexPath } : {}), ...(answers.asks ? { version: await run.codexVersion } : {}) }, paths);
  if (!known) refuseUnquotablePaths((rc = await resolveRc(run)), run);
  return { rc, userVariable };
}

/** Where the settings go: config.toml, a profile beside it, nowhere (the system config provides them), or printed (a managed file). */
interface Target {
  system?: NonNullable<Before['system']>;
  profile?: ProfileChoice;
  managed?: Before['managed'];
}

/** Step 2 begins: the system layer, a profile (the step's first question), or config.toml, which may be managed elsewhere. */
async function chooseTarget(run: SetupRun): Promise<Target> {
  const { out, paths, before, answers } = run;
  // The administrator's system config gives this user the gateway: unless a flag asks for a config of
  // their own, only the key is stored, and nothing is asked about what the system config decides.
  const system = before.system && !configFlagGiven(run.flags) ? before.system : undefined;
  if (system) out.status('info', `Codex's Lightweight provider comes from ${system.path} (set up by an administrator for every user): setup stores your key only, and leaves ${tildify(paths.config, paths.home)} alone.`);
  // The question (default or profile) is step 2's first; without it the heading names the file.
  let headed = false;
  const profile = system ? undefined : await chooseProfile(run, () => {
    answers.step('Step 2 of 4 · Configure Codex');
    headed = true;
  });
  const managed = profile || system ? undefined : before.managed;
  if (!headed) answers.step(`Step 2 of 4 · Configure Codex (${tildify(profile?.path ?? paths.config, paths.home)})`);
  return { ...(system ? { system } : {}), ...(profile ? { profile } : {}), ...(managed ? { managed } : {}) };
}

/**
 * The rest of step 2: layout, key source, model and gateway. A rerun starts from what is configured:
 * Enter (or --yes) keeps it; only a flag or an answer changes it. What the system config or the
 * default's provider table already decides is not asked.
 */
async function chooseSettings(run: SetupRun, { system, profile, managed }: Target): Promise<{ choices: SetupChoices; decision: KeySourceDecision; defaults: NonNullable<Gathered['defaults']> }> {
  const { out, resolved, paths, before, answers } = run;
  const current = before.current;
  const earlier = before.state ? { ...(before.state.keySource ? { source: before.state.keySource } : {}), chosen: Boolean(before.state.keySourceChosen) } : undefined;
  // forced_login_method = "chatgpt" leaves one layout that works: no question, and said why.
  if (before.forcedChatgpt && !resolved.layout && !profile) out.status('info', `forced_login_method = "chatgpt" (${before.forcedChatgpt}) rules out the base-URL layout (Codex refuses API-key logins): using the provider table.`);
  const layout = profile || managed || system ? 'model-providers' : (resolved.layout ?? (before.forcedChatgpt ? 'model-providers' : await answers.layout(current?.layout ?? 'model-providers')));
  const version = await run.codexVersion;
  let decision = decideKeySource(resolved.keySource, earlier, version);
  if (system) decision = { source: system.summary.keySource ?? 'file', chosen: false };
  else if (profile?.keySource) decision = profileKeySource(profile.keySource, resolved.keySource);
  else if (layout === 'model-providers' && !resolved.keySource && !decision.note) {
    const picked: KeySource = await answers.keySource(decision.source, tildify(paths.keys.main, paths.home));
    decision = picked === decision.source ? decision : decideKeySource(picked, undefined, version);
  }
  const currentModel = current?.model !== undefined ? (canonicalModel(current.model) ?? current.model) : undefined;
  const modelNow = profile?.now.model !== undefined ? (canonicalModel(profile.now.model) ?? profile.now.model) : currentModel;
  const model = system ? (system.summary.model ?? DEFAULT_MODEL) : (resolved.model ?? (await answers.model(modelNow ?? DEFAULT_MODEL)));
  const currentUrl = profile ? (profile.now.baseUrl ?? GATEWAY_URLS[profile.name as GatewayEnv] ?? current?.baseUrl) : current?.baseUrl;
  const baseUrl = system?.summary.baseUrl ?? resolved.baseUrl ?? (resolved.env ? GATEWAY_URLS[resolved.env] : await answers.gateway(currentUrl ?? GATEWAY_URLS.production));
  const detected: Shell | undefined = detectShell(run.io.env);
  return {
    choices: { layout, model, baseUrl, keySource: decision.source, keySourceChosen: decision.chosen },
    decision,
    defaults: {
      layout: current?.layout ?? 'model-providers',
      keySource: decideKeySource(undefined, earlier, version).source,
      model: modelNow ?? DEFAULT_MODEL,
      baseUrl: currentUrl ?? GATEWAY_URLS.production,
      ...(detected ? { shell: detected } : {}),
    },
  };
}

/** Step 3: the key, and what was taken off it or what it replaces. */
async function theKey(run: SetupRun): Promise<ObtainedKey> {
  run.answers.step(`Step 3 of 4 · Set ${KEY_VAR}`);
  const obtained = await obtainKey(run);
  if (obtained.removed.length) run.out.status('info', `Took the key as ${maskKey(obtained.key)}: removed ${joinWords(obtained.removed)}.`);
  if (obtained.replacing) run.out.status('info', obtained.replacing);
  return obtained;
}
