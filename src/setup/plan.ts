/**
 * Setup as a pure function: the user's choices and the files as they are now in, every
 * file's new contents and the reasons out. Effects (reading, writing, network) live in
 * commands/setup.ts.
 */
import { cmd } from '../invocation.js';
import { plannedWrite, type PlannedWrite } from '../files/transaction.js';
import { parseAuthBefore, readAuthState, renderAuthBefore, renderAuthJson, type AuthState } from '../codex/login-store.js';
import type { Catalog } from '../codex/catalog.js';
import { isDeepStrictEqual } from 'node:util';
import { homeManagerSettings } from './managed.js';
import { getPath, parseToml, type TomlTable } from '../toml/parse.js';
import { CATALOG_FILE, OWNED_TOP_LEVEL, ownedTopLevel, planCodexConfig, PROVIDER_PATH, summarize, type ConfigPlan, type ConfigSummary, type ConfigWant, type KeySource, type PreviousTopLevel } from '../codex/config.js';
import { octalMode, type TextFile } from '../files/io.js';
import { KEY_VAR, PROVIDER_ID, type Layout } from '../gateway/constants.js';
import { maskKey } from '../gateway/key.js';
import { tildify, type Paths } from '../files/paths.js';
import { detectEol, findBlocks, foreignKeyLines, renderBlock, sourcesBashrc, upsertBlock, type BlockAction } from '../shell/rc.js';
import type { Platform } from '../platform/platform.js';
import type { Shell } from '../shell/detect.js';
import { isToolKey, keyFingerprint, parseState, renderState, type CatalogSupportRecord, type SetupState } from './state.js';

export interface SetupChoices {
  layout: Layout;
  model: string;
  baseUrl: string;
  keySource: KeySource;
  /** The user picked the key source (flag or wizard): reruns keep it. */
  keySourceChosen: boolean;
}

export interface SetupInputs {
  choices: SetupChoices;
  key: string;
  paths: Paths;
  /** Absent with --no-rc. */
  rc?: { shell: Shell; file: TextFile };
  /** bash only: the file a login shell reads, which gets the block too unless it sources ~/.bashrc. */
  loginRc?: TextFile;
  config: TextFile;
  /** A profile file (`codex -p <name>`) gets the settings; config.toml, the catalog and Codex's login store are left as they are. */
  profile?: { name: string; file: TextFile };
  /**
   * On a run for the default: the profile files setup wrote earlier (the record's profiles). Codex
   * merges a profile's provider table into config.toml's, and refuses env_key beside an auth
   * command, so a change of the default's key source is carried to them.
   */
  profiles?: { name: string; file: TextFile }[];
  /** config.toml is managed elsewhere (home-manager): its settings are planned and printed, never written. */
  managed?: boolean;
  /** The system config provides the gateway: config.toml is left alone, only the key is stored. */
  keyOnly?: boolean;
  /** The key file Codex reads, and fish's twin (POSIX). */
  keyFiles: { main: TextFile; fish?: TextFile };
  /** Windows: LIGHTWEIGHT_API_KEY in the user's environment as it is now (absent with --no-rc, and on POSIX). */
  userVariable?: { value?: string };
  /** Where setup runs: the key file's form, the auth command, how new terminals get the key. */
  platform: Platform;
  authJson: TextFile;
  /** The record of Codex's login store before the tool first wrote it (paths.authBefore). */
  authBefore: TextFile;
  state: TextFile;
  catalogFile: TextFile;
  /** The catalog for Codex's model picker; absent leaves model_catalog_json and the file as they are. */
  catalog?: Catalog;
  /** What setup found about the installed Codex and catalogs, for doctor (absent when Codex is not installed). */
  catalogSupport?: CatalogSupportRecord;
  codexInstalled: boolean;
  /** The installed Codex answers whether it loads a config: its word replaces the tool's rules (asked by the caller). */
  codexAsked?: boolean;
  /** The environment setup runs in (Windows: where cmd.exe is, from SystemRoot). */
  env?: NodeJS.ProcessEnv;
}

export interface SetupPlan {
  writes: PlannedWrite[];
  config: ConfigPlan;
  rcAction?: BlockAction;
  /** What happened to the bash login file: its own block, or nothing because it sources ~/.bashrc. */
  loginRc?: { path: string; action: BlockAction | 'sources-bashrc' };
  /** Windows: set LIGHTWEIGHT_API_KEY in the user's environment after the writes ('unchanged': it holds the key already). */
  userVariable?: 'set' | 'unchanged';
  /** Run `codex login --with-api-key` (key on stdin) after the writes. */
  codexLogin: boolean;
  /** A managed config.toml: the settings to give home-manager instead (programs.codex.settings). */
  homeManager?: string;
  /** Profile files rewritten to the default's new key source (Codex is asked about each with -p). */
  followingProfiles?: { name: string; path: string }[];
  auth: AuthState;
  notes: string[];
}

const SECRET_MODE = 0o600;
const SECRET_DIR_MODE = 0o700;

function write(file: TextFile, after: string, opts: { newMode: number; dirMode?: number; secret?: boolean; internal?: boolean; summary?: string; privateDir?: string }): PlannedWrite {
  const secret = opts.secret ?? false;
  return plannedWrite(file, after, {
    mode: secret ? SECRET_MODE : (file.mode ?? opts.newMode),
    secret,
    ...(opts.privateDir ? { privateDir: opts.privateDir } : {}),
    ...(opts.dirMode !== undefined ? { dirMode: opts.dirMode } : {}),
    ...(opts.internal ? { internal: true } : {}),
    ...(opts.summary ? { summary: opts.summary } : {}),
  });
}

export function envKeyInstructions(keyFile: string, home: string, platform?: Platform): string {
  if (platform?.newTerminals === 'user-variable') {
    return `${KEY_VAR} is a variable of your user's environment: open a new terminal, or run npx lightweight-setup again. Programs that were already running keep the environment they started with.`;
  }
  return `${KEY_VAR} is loaded from ${tildify(keyFile, home)} when a shell starts: open a new terminal, or run npx lightweight-setup again. Editors started from the desktop do not read shell startup files: start them from a terminal.`;
}

/** What Codex's picker will list, for the review instead of a diff of the long generated file. */
export function catalogSummary(c: Catalog): string {
  return `Codex's model picker (/model) lists ${c.fromPage ? "the gateway page's" : "the gateway's"} ${c.slugs.length} model${c.slugs.length === 1 ? '' : 's'}: ${c.slugs.join(', ')}`;
}

/**
 * The owned keys' values from before the first setup. A record written when the tool owned
 * fewer keys covers only those; the others are taken from the config as it is now, the last
 * moment before the tool first writes them.
 */
export function previousTopLevel(prev: SetupState | undefined, now: PreviousTopLevel): PreviousTopLevel {
  if (!prev) return now;
  const covered = new Set(prev.owned ?? ['model', 'model_provider', 'openai_base_url']);
  const out: PreviousTopLevel = { ...prev.previous };
  for (const key of OWNED_TOP_LEVEL) if (!covered.has(key) && now[key] !== undefined) out[key] = now[key];
  return out;
}

/** The part of a planned config that is the tool's: what home-manager must hold for Codex to use the gateway. */
function lightweightSettings(planned: TomlTable): TomlTable {
  const out: TomlTable = {};
  for (const k of ['model', 'model_provider'] as const) if (planned[k] !== undefined) out[k] = planned[k];
  out.model_providers = { [PROVIDER_ID]: getPath(planned, PROVIDER_PATH) };
  return out;
}

/**
 * What to give home-manager for a config.toml it builds: nothing once its file holds the
 * settings (however it formats them; said in a note), else the tool's part as Nix.
 */
function managedSettings(file: TextFile, planned: string, home: string, notes: string[]): string | undefined {
  const shown = tildify(file.path, home);
  const wanted = parseToml(planned, shown);
  if (isDeepStrictEqual(wanted, parseToml(file.text, shown))) {
    notes.push(`${shown} (managed) already has the Lightweight settings.`);
    return undefined;
  }
  return homeManagerSettings(lightweightSettings(wanted));
}

/**
 * The record of a run that leaves config.toml alone (a profile, a managed config.toml, the system
 * layer's key-only run): what the
 * default's record says stays (its layout, its key source, what config.toml held before), and a
 * profile joins the list with what its file held before the tool first wrote it. Without a record
 * yet, config.toml's values as they are now are the "before".
 */
function planKeyOnlyState(inp: SetupInputs, prevState: SetupState | undefined, config: ConfigPlan, rcWritten: readonly string[], writes: PlannedWrite[], notes: string[]): SetupPlan {
  const name = inp.profile?.name;
  const earlier = name !== undefined ? prevState?.profiles?.[name] : undefined;
  const state: SetupState = {
    ...(prevState ?? {
      version: 1,
      layout: inp.choices.layout,
      codexHome: inp.paths.codexHome,
      rcFiles: [],
      previous: ownedTopLevel(inp.config.text, tildify(inp.config.path, inp.paths.home)),
      owned: [...OWNED_TOP_LEVEL],
      keySource: inp.choices.keySource,
    }),
    ...(name !== undefined ? { profiles: { ...prevState?.profiles, [name]: { previous: earlier?.previous ?? config.previous } } } : {}),
  };
  state.rcFiles = [...new Set([...state.rcFiles, ...rcWritten])];
  if (inp.userVariable) state.userVariable = true;
  writes.push(write(inp.state, renderState(state), { newMode: 0o600, dirMode: SECRET_DIR_MODE, internal: true }));
  return { writes, config, codexLogin: false, auth: readAuthState(inp.authJson.exists ? inp.authJson.text : undefined), notes };
}

export function planSetup(inp: SetupInputs): SetupPlan {
  const { paths, key, choices } = inp;
  const notes: string[] = [];
  const prevState = parseState(inp.state.exists ? inp.state.text : undefined);
  // A profile's settings layer on config.toml's: the same provider id (sessions stay listed), its own URL and model.
  const target = inp.profile?.file ?? inp.config;
  const config = planCodexConfig(target.text, tildify(target.path, paths.home), {
    layout: choices.layout,
    model: choices.model,
    baseUrl: choices.baseUrl,
    keySource: choices.keySource,
    ...keySourceWant(inp),
    ...(inp.catalog && !inp.profile ? { catalog: CATALOG_FILE } : {}),
    userHadModelProvider: !inp.profile && prevState?.previous.model_provider !== undefined,
  }, { predictRefusals: !inp.codexAsked });
  if (!inp.keyOnly) notes.push(...config.notes);

  const secretFile = (file: TextFile, text: string) => write(file, text, { newMode: SECRET_MODE, dirMode: SECRET_DIR_MODE, secret: true, privateDir: paths.stateDir });
  const writes: PlannedWrite[] = [secretFile(inp.keyFiles.main, inp.platform.renderKeyFile(key))];
  if (inp.keyFiles.fish && inp.platform.renderFishKeyFile) writes.push(secretFile(inp.keyFiles.fish, inp.platform.renderFishKeyFile(key)));
  const userVariable = inp.userVariable ? (inp.userVariable.value === key ? 'unchanged' : 'set') : undefined;

  let rcAction: BlockAction | undefined;
  let loginRc: SetupPlan['loginRc'];
  const rcBlock = (shell: Shell, file: TextFile) => {
    const shown = tildify(file.path, paths.home);
    const block = renderBlock(shell, shell === 'fish' && paths.keys.fish ? paths.keys.fish : paths.keys.main, paths.home, detectEol(file.text));
    const up = upsertBlock(file.text, block, shown, file.exists);
    // fish's conf.d may not exist yet; other rc files live in directories the user already has.
    writes.push(write(file, up.text, { newMode: 0o644, ...(shell === 'fish' ? { dirMode: 0o755 } : {}) }));
    const foreign = foreignKeyLines(file.text, shown, KEY_VAR);
    if (foreign.length) {
      notes.push(
        `${shown}:${foreign.join(',')} also sets ${KEY_VAR}, in plain text: delete ${foreign.length > 1 ? 'those lines' : 'that line'}, so the key lives only in ${tildify(paths.keys.main, paths.home)} and a stale key cannot win.`,
      );
    }
    return up.action;
  };
  if (inp.rc) {
    rcAction = rcBlock(inp.rc.shell, inp.rc.file);
    const login = inp.loginRc;
    if (login && login.path !== inp.rc.file.path) {
      // A login file that sources ~/.bashrc already gets the block from there; one with our block keeps it current.
      const hasBlock = findBlocks(login.text, tildify(login.path, paths.home)).length > 0;
      loginRc = !hasBlock && sourcesBashrc(login.text) ? { path: login.path, action: 'sources-bashrc' } : { path: login.path, action: rcBlock('sh', login) };
    }
  }

  const rcWritten = [...(inp.rc ? [inp.rc.file.path] : []), ...(loginRc && loginRc.action !== 'sources-bashrc' ? [loginRc.path] : [])];
  const shellParts: Pick<SetupPlan, 'rcAction' | 'loginRc' | 'userVariable'> = { ...(rcAction ? { rcAction } : {}), ...(loginRc ? { loginRc } : {}), ...(userVariable ? { userVariable } : {}) };
  if (inp.managed || inp.keyOnly) {
    const homeManager = inp.managed ? managedSettings(target, config.after, paths.home, notes) : undefined;
    return { ...planKeyOnlyState(inp, prevState, config, rcWritten, writes, notes), ...(homeManager ? { homeManager } : {}), ...shellParts };
  }

  writes.push(configWrite(target, config.after, userConfig(inp), notes));
  if (inp.profile) return { ...planKeyOnlyState(inp, prevState, config, rcWritten, writes, notes), ...shellParts };
  const followingProfiles = choices.layout === 'model-providers' ? planFollowingProfiles(inp, writes, notes) : [];
  if (inp.catalog) {
    writes.push(write(inp.catalogFile, inp.catalog.text, { newMode: 0o600, dirMode: SECRET_DIR_MODE, summary: catalogSummary(inp.catalog) }));
  }

  const auth = readAuthState(inp.authJson.exists ? inp.authJson.text : undefined);
  // Keys the tool put into Codex's login store, whichever came last (a key change, a layout switch in between).
  const toolKeys = new Set(prevState?.loginStoreKeys ?? []);
  const storedBefore = inp.keyFiles.main.exists ? inp.platform.readKeyFile(inp.keyFiles.main.text) : undefined;
  const ours = (k: string | undefined) => isToolKey(k, storedBefore, [...toolKeys]);
  let codexLogin = false;
  const shownAuth = tildify(inp.authJson.path, paths.home);
  if (choices.layout === 'openai-base-url') {
    const alreadyThere = auth.apiKey === key; // only an API-key login has one
    if (auth.kind === 'chatgpt') {
      notes.push(`${shownAuth} held a ChatGPT login; it is replaced by the API key (${maskKey(key)}) and kept: \`${cmd('restore')}\`, \`${cmd('uninstall')}\` or a switch to the provider table puts it back.`);
    }
    if (!alreadyThere) {
      // What the store held before the tool first wrote it, kept until uninstall (backups get pruned).
      if (!inp.authBefore.exists && !ours(auth.apiKey)) {
        writes.push(write(inp.authBefore, renderAuthBefore({ text: inp.authJson.exists ? inp.authJson.text : null, mode: inp.authJson.mode ?? SECRET_MODE }), { newMode: SECRET_MODE, dirMode: SECRET_DIR_MODE, secret: true, internal: true, privateDir: paths.stateDir }));
      }
      if (inp.codexInstalled) codexLogin = true;
      else writes.push(write(inp.authJson, renderAuthJson(key), { newMode: SECRET_MODE, dirMode: SECRET_DIR_MODE, secret: true }));
    }
    toolKeys.add(keyFingerprint(key));
  } else if (ours(auth.apiKey)) {
    // The provider table reads the key file, not Codex's login store: a Lightweight key left there
    // would go to OpenAI from a plain `codex` after uninstall. Give the store back as it was.
    const before = parseAuthBefore(inp.authBefore.exists ? inp.authBefore.text : undefined);
    if (before) {
      writes.push(plannedWrite(inp.authJson, before.text, { mode: before.mode, secret: true }));
      notes.push(`${shownAuth} held the Lightweight key of the base-URL layout; it is back as it was before (${before.text === null ? 'no file' : readAuthState(before.text).kind === 'chatgpt' ? 'your ChatGPT login' : 'its earlier contents'}).`);
    } else {
      notes.push(`${shownAuth} still holds the Lightweight key of the base-URL layout: \`${cmd('uninstall')}\` takes it out.`);
    }
  }

  const state: SetupState = {
    version: 1,
    layout: choices.layout,
    codexHome: paths.codexHome,
    rcFiles: [...new Set([...(prevState?.rcFiles ?? []), ...rcWritten])],
    ...(userVariable || prevState?.userVariable ? { userVariable: true } : {}),
    // The values from before the very first setup are the ones uninstall brings back.
    previous: previousTopLevel(prevState, config.previous),
    owned: [...OWNED_TOP_LEVEL],
    keySource: choices.keySource,
    ...(choices.keySourceChosen ? { keySourceChosen: true } : {}),
    ...(toolKeys.size ? { loginStoreKeys: [...toolKeys] } : {}),
    ...(inp.catalogSupport ? { catalogSupport: inp.catalogSupport } : {}),
    ...(prevState?.profiles ? { profiles: prevState.profiles } : {}),
  };
  writes.push(write(inp.state, renderState(state), { newMode: 0o600, dirMode: SECRET_DIR_MODE, internal: true }));

  return { writes, config, ...shellParts, codexLogin, ...(followingProfiles.length ? { followingProfiles } : {}), auth, notes };
}

/**
 * A Codex config file's write. It names the command Codex runs for the key: nobody else may write
 * to it, so a mode that lets others write is tightened, and said (Windows keeps who may write in
 * ACLs, not in the mode). `setup --system` writes the system config through it too.
 */
export function configWrite(file: TextFile, after: string, opts: { modeBits: boolean; home: string; newMode: number; dirMode: number }, notes: string[]): PlannedWrite {
  const w = write(file, after, { newMode: opts.newMode, dirMode: opts.dirMode });
  if (opts.modeBits && (w.mode & 0o022) !== 0) {
    const tightened = w.mode & ~0o022;
    notes.push(`${tildify(file.path, opts.home)} was writable by others (mode ${octalMode(w.mode)}); it is now ${octalMode(tightened)}, since it names the command Codex runs for the key.`);
    w.mode = tightened;
  }
  return w;
}

/** How setup writes a config of the user's own: private when new, in a private Codex home. */
function userConfig(inp: SetupInputs): { modeBits: boolean; home: string; newMode: number; dirMode: number } {
  return { modeBits: inp.platform.modeBits, home: inp.paths.home, newMode: 0o600, dirMode: SECRET_DIR_MODE };
}

/**
 * The profile files setup wrote, when the default's key source changes: each keeps its URL and
 * model and takes the new key source, or `codex -p <name>` would stop loading (env_key beside an
 * auth command). A profile that is gone, does not parse, or no longer has the tool's provider table
 * is left as it is (doctor's profile check says what is wrong with it).
 */
function planFollowingProfiles(inp: SetupInputs, writes: PlannedWrite[], notes: string[]): { name: string; path: string }[] {
  const followed: { name: string; path: string }[] = [];
  const source = inp.choices.keySource;
  for (const { name, file } of inp.profiles ?? []) {
    const shown = tildify(file.path, inp.paths.home);
    let now: ConfigSummary;
    try {
      now = file.exists ? summarize(parseToml(file.text, shown)) : {};
    } catch {
      continue;
    }
    if (now.layout !== 'model-providers' || !now.keySource || now.keySource === source || !now.baseUrl || !now.model) continue;
    const want: ConfigWant = { ...keySourceWant(inp), layout: 'model-providers', model: now.model, baseUrl: now.baseUrl, keySource: source, userHadModelProvider: false };
    writes.push(configWrite(file, planCodexConfig(file.text, shown, want, { predictRefusals: !inp.codexAsked }).after, userConfig(inp), notes));
    notes.push(`${shown} (\`codex -p ${name}\`) now reads the key ${source === 'file' ? 'from the key file too' : `from ${KEY_VAR} too`}: Codex merges its provider table into config.toml's and refuses env_key beside an auth command.`);
    followed.push({ name, path: file.path });
  }
  return followed;
}

/** What every Codex config the tool writes says about where the key comes from. */
function keySourceWant(inp: SetupInputs): Pick<ConfigWant, 'authCommand' | 'envKeyInstructions'> {
  return {
    authCommand: inp.platform.authCommand(inp.paths.keys.main, inp.paths.home, inp.env ?? {}),
    envKeyInstructions: envKeyInstructions(inp.paths.keys.main, inp.paths.home, inp.platform),
  };
}
