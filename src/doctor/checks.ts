/**
 * Doctor's checks as pure functions of what was found on the machine. Each returns one or
 * more checks, and every check that is not a pass carries the exact command or edit that
 * fixes it.
 */
import { cmd } from '../invocation.js';
import { activeLayout, firstLineOf, PROVIDER_PATH, refusedSettings, summarize, type KeySource } from '../codex/config.js';
import type { CodexDoctorFinding, CodexFacts } from '../codex/doctor.js';
import type { ConfigFacts, KeyFileFacts } from '../setup/installed.js';
import type { AuthState } from '../codex/login-store.js';
import { CODEX_INSTALL } from '../codex/binary.js';
import { KEY_VAR, PROVIDER_ID, WIRE_API, type Layout } from '../gateway/constants.js';
import { maskKey } from '../gateway/key.js';
import { canonicalModel, closestNames, modelInfo } from '../gateway/models.js';
import { isNetworkCause, type CheckVerdict, type Cause } from '../gateway/classify.js';
import type { LiveCause, LiveVerdict } from '../gateway/live.js';
import type { RouteFacts } from '../gateway/route.js';
import { getPath, isTable, type TomlTable } from '../toml/parse.js';
import type { TomlDoc } from '../toml/scan.js';
import { environmentOf, normalizeBaseUrl } from '../gateway/urls.js';
import { CliError } from '../errors.js';
import { octalMode } from '../files/io.js';
import { platformOf } from '../platform/platform.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Group = 'codex' | 'configuration' | 'key' | 'gateway';

/**
 * Every id a doctor check can carry. The type keeps this list whole (a check with another id does not
 * compile), so docs/ can be tested against it; `codex-refuses:<key>` carries the refused setting.
 */
export const CHECK_IDS = [
  'codex', 'codex-config', 'codex-auth', 'codex-refuses:', 'codex-daemon', 'model-catalog',
  'config', 'config-file', 'config-layers', 'wire-api', 'model-set', 'base-url', 'forced-login', 'settings',
  'context-window', 'model-keys', 'profiles', 'profile-files', 'profile',
  'login-shell', 'auth-command', 'api-key', 'key-file', 'gui-editors',
  'connectivity', 'model', 'live',
] as const;
type PlainId = Exclude<(typeof CHECK_IDS)[number], 'codex-refuses:'>;
export type CheckId = PlainId | `codex-refuses:${string}`;

export interface Check {
  id: CheckId;
  group: Group;
  status: CheckStatus;
  title: string;
  detail: string;
  fix: string;
  cause?: Cause | LiveCause;
}


function check(group: Group, id: CheckId, status: CheckStatus, title: string, detail = '', fix = ''): Check {
  return { id, group, status, title, detail, fix };
}

/** The checks of one id: each check function makes its results with this. */
export function checkOf(group: Group, id: CheckId): (status: CheckStatus, title: string, detail?: string, fix?: string) => Check {
  return (status, title, detail = '', fix = '') => check(group, id, status, title, detail, fix);
}

/* ---------- Codex ---------- */

/** Codex's own remediation, unless it is empty or redacted (`<redacted>` is not advice). */
function theirFix(remediation: string | null | undefined): string | undefined {
  return remediation && !remediation.includes('<redacted>') ? remediation : undefined;
}

/** A detail of Codex's report as one string (its values are strings or lists of them). */
function detailText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(', ');
  return undefined;
}

/** Codex's own reason for refusing the config (`codex features list`), placed at the line of the setting it names. */
export interface CodexRefusal {
  reason: string;
  where?: string;
}

export function codexChecks(c: CodexFacts, configPath: string, configExists = true, refusal?: CodexRefusal): Check[] {
  if (!c.path) {
    return [
      check('codex', 'codex', 'fail', 'Codex CLI is not installed', 'No `codex` on PATH.', CODEX_INSTALL),
      check('codex', 'codex-config', 'skip', 'Codex\'s own config check', 'Codex is not installed.'),
      check('codex', 'codex-auth', 'skip', 'Codex\'s own auth check', 'Codex is not installed.'),
    ];
  }
  const out = [check('codex', 'codex', 'pass', `Codex ${c.version ?? '(version unknown)'} is installed`, c.path)];
  const map = (s: string): CheckStatus => (s === 'ok' ? 'pass' : s === 'warning' ? 'warn' : s === 'fail' ? 'fail' : 'skip');
  const load = c.doctor?.['config.load'];
  const cc = checkOf('codex', 'codex-config');
  if (!load) {
    out.push(cc('skip', 'Codex\'s own config check', c.doctorError ?? '`codex doctor --json` is not available in this Codex version.'));
  } else if (!configExists) {
    // The config check already says config.toml is missing; Codex has nothing to add about a file that is not there.
    out.push(cc('skip', 'Codex\'s own config check', `${configPath} does not exist yet.`));
  } else if (load.status === 'ok') {
    out.push(cc('pass', 'Codex loads config.toml'));
  } else if (load.status === 'warning') {
    // Codex loaded the file and has something to say (a deprecated key, settings it ignores): not a load failure.
    const said = detailText(load.details?.['startup warning']) ?? load.summary;
    out.push(cc('warn', 'Codex loads config.toml, with a warning', `codex doctor: ${said.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')}.`, theirFix(load.remediation) ?? `Codex still runs; to silence the warning, edit ${configPath} as it says.`));
  } else if (refusal) {
    // `codex doctor` says only "invalid data"; Codex's loader says what and where.
    const where = refusal.where ?? configPath;
    out.push(cc(map(load.status), `Codex cannot load config.toml (${where})`, `Codex: ${refusal.reason.replace(/\.$/, '')}.`, `Fix ${where} (Codex does not start while it is there), then run ${cmd('doctor')} again.`));
  } else {
    const d = load.details ?? {};
    const line = detailText(d.line);
    const column = detailText(d.column);
    const where = line ? `${detailText(d.file) ?? configPath}:${line}${column ? `:${column}` : ''}` : '';
    const error = detailText(d.error);
    out.push(
      cc(
        map(load.status),
        `Codex cannot load config.toml${where ? ` (${where})` : ''}`,
        `codex doctor: ${load.summary}${error ? ` (${error})` : ''}${where ? ` at ${where}` : ''}.`,
        // Codex's remediation says only to fix "the reported error": the findings below name it.
        `Fix ${where || configPath} (see the findings below), then run ${cmd('doctor')} again.`,
      ),
    );
  }
  const auth = c.doctor?.['auth.credentials'];
  if (!auth) out.push(check('codex', 'codex-auth', 'skip', 'Codex\'s own auth check', c.doctorError ?? '`codex doctor --json` did not report auth.'));
  else {
    const details = Object.entries(auth.details ?? {})
      .filter(([k]) => /env var|auth mode|stored API key|ChatGPT/i.test(k))
      .map(([k, v]) => `${k}: ${detailText(v) ?? ''}`)
      .join('; ');
    out.push(
      check(
        'codex',
        'codex-auth',
        map(auth.status),
        auth.status === 'ok' ? 'Codex finds its credentials' : `Codex: ${auth.summary}`,
        details ? `codex doctor: ${details}.` : `codex doctor: ${auth.summary}.`,
        auth.status === 'ok' ? '' : (theirFix(auth.remediation) ?? `Run ${cmd()}.`),
      ),
    );
  }
  return out;
}

/* ---------- Configuration ---------- */

const BUILTIN_PROVIDERS = new Set(['openai', 'ollama', 'lmstudio', 'amazon-bedrock', 'oss']);

/**
 * `predict`: no installed Codex can say whether it loads the file, so the tool's own rules stand
 * in for it (worded as a prediction). Where Codex answers, its word (codex-config) is the only one.
 * `forcedChatgpt`: where forced_login_method = "chatgpt" is set (file:line), if it is.
 */
export function configChecks(f: ConfigFacts, opts: { predict?: boolean; forcedChatgpt?: string; fileRisk?: string; fileRiskFix?: string } = {}): Check[] {
  const c = (id: CheckId, status: CheckStatus, title: string, detail = '', fix = '') => check('configuration', id, status, title, detail, fix);
  if (f.error) return [c('config', 'fail', `${f.path} cannot be read`, f.error, `Fix ${f.error.split(': ')[0]} (or move the file aside and run ${cmd()}).`)];
  if (!f.exists || !f.parsed || !f.doc) return [c('config', 'fail', 'No Lightweight setup', `${f.path} does not exist.`, `Run ${cmd()}.`)];
  const p = f.parsed;
  const doc = f.doc;
  const line = (path: readonly string[]) => `${f.path}:${firstLineOf(doc, path)}`;
  const out: Check[] = [];
  const mp = p.model_provider;
  const table = getPath(p, PROVIDER_PATH);
  const obu = p.openai_base_url;
  const layout = activeLayout(p);

  if (layout === 'model-providers') {
    out.push(c('config', obu !== undefined ? 'warn' : 'pass', `${f.path}: provider-table layout`, `model_provider = "${PROVIDER_ID}" with [model_providers.${PROVIDER_ID}].`));
    if (obu !== undefined) {
      out[0]!.detail += ` openai_base_url (${line(['openai_base_url'])}) is also set and is ignored while model_provider is set.`;
      out[0]!.fix = `Delete openai_base_url at ${line(['openai_base_url'])}, so only one layout is present.`;
    }
  } else if (layout === 'openai-base-url') {
    out.push(c('config', table !== undefined ? 'warn' : 'pass', `${f.path}: base-URL layout`, `openai_base_url = "${String(obu)}".`));
    if (table !== undefined) {
      out[0]!.detail += ` [model_providers.${PROVIDER_ID}] (${line(PROVIDER_PATH)}) is also defined but not selected.`;
      out[0]!.fix = `Delete [model_providers.${PROVIDER_ID}] at ${line(PROVIDER_PATH)}, or switch to it: ${cmd()} --layout model-providers.`;
    }
  } else if (mp === PROVIDER_ID) {
    out.push(c('config', 'fail', `model_provider = "${PROVIDER_ID}" points at a provider that is not defined`, `${line(['model_provider'])}: there is no [model_providers.${PROVIDER_ID}] table.`, `Run ${cmd()} to write it.`));
  } else if (typeof mp === 'string' && !(isTable(p.model_providers) && p.model_providers[mp] !== undefined) && !BUILTIN_PROVIDERS.has(mp)) {
    out.push(c('config', 'fail', `model_provider = "${mp}" points at a provider that is not defined`, `${line(['model_provider'])}: no [model_providers.${mp}] table.`, `Run ${cmd()} to use Lightweight, or define [model_providers.${mp}].`));
  } else if (typeof mp === 'string' && mp !== 'openai') {
    out.push(c('config', 'fail', `No Lightweight setup: Codex uses the "${mp}" provider`, `${line(['model_provider'])}: model_provider = "${mp}".`, `Run ${cmd()} to switch to Lightweight.`));
  } else if (table !== undefined) {
    out.push(c('config', 'fail', `[model_providers.${PROVIDER_ID}] is defined but not selected`, `${line(PROVIDER_PATH)}: no model_provider = "${PROVIDER_ID}" at the top.`, `Add model_provider = "${PROVIDER_ID}" before the first table, or run ${cmd()}.`));
  } else {
    out.push(c('config', 'fail', 'No Lightweight setup in config.toml', `${f.path} has neither model_provider = "${PROVIDER_ID}" nor openai_base_url.`, `Run ${cmd()}.`));
  }

  const summary = summarize(p);
  if (layout) out.push(baseUrlCheck(summary.baseUrl, layout === 'model-providers' ? line([...PROVIDER_PATH, 'base_url']) : line(['openai_base_url'])));
  const refused = opts.predict === false ? [] : refusedSettings(doc, p, f.path);
  // wire_api = "chat" is a setting Codex refuses: it is reported once, below, as that.
  if (layout === 'model-providers' && !refused.some((r) => r.key === `${PROVIDER_PATH.join('.')}.wire_api`)) {
    const wire = getPath(p, [...PROVIDER_PATH, 'wire_api']);
    out.push(
      wire === WIRE_API
        ? c('wire-api', 'pass', `wire_api = "${WIRE_API}"`)
        : c(
            'wire-api',
            'fail',
            wire === undefined ? 'wire_api is not set for the Lightweight provider' : `wire_api = "${String(wire)}" for the Lightweight provider`,
            `${line([...PROVIDER_PATH, 'wire_api'])}: the gateway speaks the Responses API${wire === 'chat' ? '; current Codex refuses "chat" altogether' : ''}.`,
            `Set wire_api = "${WIRE_API}" in [model_providers.${PROVIDER_ID}].`,
          ),
    );
  }
  if (p.model === undefined) {
    out.push(c('model-set', 'warn', 'No top-level model', `${f.path} has no model = "..." (some Codex versions then expose no shell tool with custom providers).`, `Add model = "gpt-5.4" before the first table, or run ${cmd()}.`));
  }
  for (const r of refused) {
    out.push(c(`codex-refuses:${r.key}`, 'fail', `Current Codex would refuse to load the file: ${r.key}`, `${r.where}: ${r.problem} (Predicted: no installed Codex could be asked.)`, `${r.fix.replace(/\.$/, '')} (${r.where}).`));
  }
  if (opts.fileRisk) {
    out.push(
      c(
        'config-file',
        'fail',
        `${f.path} is not safe: ${opts.fileRisk}`,
        'It names the command Codex runs for the key: whoever can change it can run their code as you, or read the key. Doctor does not run an auth command it did not write, exactly.',
        opts.fileRiskFix ?? `Make it yours and private (chown, chmod 600 ${f.path}, and a Codex home only you can write to), then run ${cmd()}.`,
      ),
    );
  }
  if (layout === 'openai-base-url' && opts.forcedChatgpt) {
    out.push(
      c(
        'forced-login',
        'fail',
        'forced_login_method = "chatgpt" rules out the base-URL layout',
        `${opts.forcedChatgpt}: Codex refuses API-key logins, and the base-URL layout sends the key from Codex's login store.`,
        `Switch to the provider table, which works with it: ${cmd()} --layout model-providers.`,
      ),
    );
  }
  return out;
}

export function baseUrlCheck(url: string | undefined, where: string): Check {
  const c = checkOf('configuration', 'base-url');
  if (typeof url !== 'string' || url === '') return c('fail', 'No base URL', `${where}: the base URL is missing or not a string.`, `Run ${cmd()}.`);
  let normalized;
  try {
    normalized = normalizeBaseUrl(url);
  } catch (err) {
    return c('fail', `Base URL ${url} is not usable`, `${where}: ${(err as CliError).message}`, `${(err as CliError).hint ?? `Run ${cmd()}.`}`);
  }
  const env = environmentOf(normalized.url);
  const lightweightHost = /(^|\.)lightweight\.one$/.test(new URL(normalized.url).hostname);
  if (!/\/v1$/.test(new URL(normalized.url).pathname)) {
    return c(
      lightweightHost ? 'fail' : 'warn',
      `Base URL ${url} does not end in /v1`,
      `${where}: requests will go to ${normalized.url}/responses, which ${lightweightHost ? 'answers 404' : 'usually answers 404'}.`,
      `Change it to ${normalized.url}/v1 (for example: ${cmd()} --base-url ${normalized.url}/v1).`,
    );
  }
  if (env === 'custom') {
    return c(lightweightHost ? 'warn' : 'pass', `Base URL ${url} (custom gateway)`, `${where}: not the production or preview Lightweight URL.`, lightweightHost ? `Use ${cmd()} --env production (or preview).` : '');
  }
  return c('pass', `Base URL ${normalized.url} (${env})`, where);
}

/* ---------- Key ---------- */

export interface KeyFacts {
  layout?: Layout;
  /** Provider-table layout: where Codex gets the key. */
  keySource?: KeySource;
  /** What the provider's auth command printed when doctor ran it (only this tool's command is run). */
  authCommand?: AuthCommandRun;
  /** LIGHTWEIGHT_API_KEY in this process's environment. */
  envKey?: string;
  keyFile: KeyFileFacts;
  /** This user's uid (undefined where there is none): who the key file and its directory must belong to. */
  uid?: number;
  /** The rc file of the user's shell, if the shell is known, and whether it loads the key file. */
  rc?: { path: string; shell: string; sourcesKeyFile: boolean; sourceCmd: string; login?: { path: string; loadsKeyFile: boolean } };
  auth: { path: string; state: AuthState; mode?: number };
  platform: NodeJS.Platform;
  /** The key is visible to apps started from the desktop (launchctl / environment.d / the Windows user's variables). */
  guiHasKey: boolean;
  /** Windows: LIGHTWEIGHT_API_KEY in the user's environment variables (HKCU\Environment), which new terminals get. */
  userVariable?: { value?: string; error?: string };
}

export type AuthCommandRun =
  | { ours: false }
  | { ours: true; code: number | null; stdout: string; stderr: string; timedOut: boolean };

export function keyChecks(k: KeyFacts): Check[] {
  // Shells are asked about only where there is a setup for them to load a key for (not after uninstall).
  return [apiKeyCheck(k), ...(k.rc?.login && k.layout ? [loginShellCheck(k)] : []), keyFileCheck(k), ...(k.keySource === 'file' ? [authCommandCheck(k)] : []), guiEditorsCheck(k)];
}

/** Codex gets the key without any shell: from the key file through its auth command, or from its login store. */
function codexReadsKeyItself(k: KeyFacts): boolean {
  return k.layout === 'openai-base-url' || (k.layout === 'model-providers' && k.keySource === 'file');
}

/**
 * bash login shells (ssh sessions, macOS Terminal, tmux panes on macOS) read ~/.bash_profile (or
 * ~/.bash_login, ~/.profile) and not ~/.bashrc: the key must be loaded there too.
 */
export function loginShellCheck(k: KeyFacts): Check {
  const c = checkOf('key', 'login-shell');
  const login = k.rc!.login!;
  if (login.loadsKeyFile) return c('pass', `bash login shells load the key (${login.path})`);
  if (codexReadsKeyItself(k)) {
    // Information, not a problem: Codex has the key either way; only other tools in login shells lack the variable.
    return c('pass', `Codex gets the key in bash login shells too (from the key file); ${login.path} does not set ${KEY_VAR}`, `For other tools in ssh sessions and macOS Terminal: ${cmd()} --shell bash adds the block to ${login.path}.`);
  }
  const codexNeedsIt = k.layout === 'model-providers' && k.keySource === 'env';
  return c(
    codexNeedsIt ? 'fail' : 'warn',
    `bash login shells do not load the key: ${login.path} neither has the block nor sources ~/.bashrc`,
    `ssh sessions, macOS Terminal and tmux panes on macOS start login shells, which read ${login.path} and not ~/.bashrc${codexNeedsIt ? ': Codex started there has no key' : ''}.`,
    `Run ${cmd()} --shell bash (it adds the block to ${login.path}).`,
  );
}

/**
 * Codex's own doctor never runs the auth command (it reports the credentials fine even with the
 * key file gone), so doctor runs it and compares what it prints with the key file.
 */
export function authCommandCheck(k: KeyFacts): Check {
  const c = checkOf('key', 'auth-command');
  const run = k.authCommand;
  if (!run) return c('skip', "Codex's auth command", 'It was not run.');
  if (!run.ours) return c('skip', "Codex's auth command is one of your own", `model_providers.${PROVIDER_ID}.auth runs a command this tool did not write; doctor does not run it.`);
  const why = run.stderr.trim().split('\n').at(-1) ?? '';
  if (run.timedOut) return c('fail', "Codex's auth command did not finish", 'It ran for 5 s without printing a key; Codex gives up after the same time.', `Run ${cmd()}.`);
  if (run.code !== 0) return c('fail', "Codex's auth command fails: Codex sends no key", `It exited with ${run.code}${why ? `: ${why}` : ''}.`, `Run ${cmd()} to store the key again.`);
  const key = run.stdout;
  if (key === '') return c('fail', "Codex's auth command prints no key", 'Codex reports "produced an empty token" and sends no key.', `Run ${cmd()}.`);
  const stored = k.keyFile.key;
  if (stored && key !== stored) return c('fail', "Codex's auth command yields another key than the key file", `It prints ${maskKey(key)}; ${k.keyFile.path} holds ${maskKey(stored)}.`, `Run ${cmd()}.`);
  return c('pass', `Codex's auth command yields the key (${maskKey(key)})`, stored ? `From ${k.keyFile.path}, in every Codex: terminals, editors, the background server.` : `From ${KEY_VAR} (there is no key file).`);
}

function apiKeyCheck(k: KeyFacts): Check {
  const c = checkOf('key', 'api-key');
  const stored = k.keyFile.key;
  const file = k.keyFile.path;
  if (k.layout === 'openai-base-url') {
    const { state } = k.auth;
    const store = k.auth.path;
    const relogin = `${cmd()} --layout openai-base-url (it stores the key with codex login --with-api-key)`;
    if (state.kind === 'chatgpt') {
      return c('fail', 'Codex\'s login store holds a ChatGPT login', `${store} has ChatGPT tokens; with openai_base_url, Codex would send them to the gateway instead of your Lightweight key.`, `Run ${relogin}.`);
    }
    if (state.kind !== 'apikey' || !state.apiKey) {
      return c('fail', 'No key in Codex\'s login store', `The base-URL layout reads the key only from ${store}${state.kind === 'unknown' ? ' (unreadable)' : ''}.`, `Run ${relogin}.`);
    }
    if (stored && stored !== state.apiKey) {
      return c('warn', 'Codex\'s login store has a different key than the key file', `${store}: ${maskKey(state.apiKey)}; ${file}: ${maskKey(stored)}.`, `Run ${relogin} to store the current key.`);
    }
    return c('pass', `The key (${maskKey(state.apiKey)}) is in Codex's login store`, store);
  }
  if (k.userVariable) return userVariableKeyCheck(k, k.userVariable);
  const env = k.envKey?.trim() || undefined;
  const newShell = k.rc ? `open a new terminal, or run: ${k.rc.sourceCmd}` : 'open a new terminal';
  if (env && stored && env !== stored) {
    return c('warn', `This shell has an old key (${maskKey(env)}); new shells get ${maskKey(stored)}`, `${KEY_VAR} in this shell differs from ${file}: this terminal was opened before the key changed.`, `${newShell[0]!.toUpperCase()}${newShell.slice(1)}.`);
  }
  if (env && stored) {
    if (k.rc && !k.rc.sourcesKeyFile) {
      return c('warn', `${KEY_VAR} is set here, but ${k.rc.path} does not load it`, `New ${k.rc.shell} shells will not have the key.`, `Run ${cmd()} --shell ${k.rc.shell}.`);
    }
    return c('pass', `${KEY_VAR} is set (${maskKey(env)}) and stored in ${file}`, k.rc ? `${k.rc.path} loads it in new shells.` : '');
  }
  if (env) {
    return c('warn', `${KEY_VAR} is set in this shell only (${maskKey(env)})`, `It is not stored in ${file}, so new terminals and editors will not have it.`, `Run ${cmd()} to store it.`);
  }
  if (stored && k.rc?.sourcesKeyFile && k.keySource === 'file') {
    return c('pass', `The key (${maskKey(stored)}) is stored in ${file}`, `Codex reads it there; ${k.rc.path} gives new terminals ${KEY_VAR} too (this one was opened before setup).`);
  }
  if (stored && k.rc?.sourcesKeyFile) {
    return c('warn', `${KEY_VAR} is not set in this shell`, `The key (${maskKey(stored)}) is stored in ${file} and ${k.rc.path} loads it, but this terminal was opened before setup.`, `${newShell[0]!.toUpperCase()}${newShell.slice(1)}.`);
  }
  if (stored && codexReadsKeyItself(k)) {
    // --no-rc (CI, provisioning): Codex reads the key file itself, so this is information, not a failure.
    return c(
      'pass',
      `The key (${maskKey(stored)}) is stored in ${file}; Codex reads it there`,
      `No startup file of your shell loads ${KEY_VAR} (${k.rc ? `${k.rc.path} has no lightweight-setup block` : 'your shell is unknown'}), so new shells do not have the variable; Codex does not need it. For other tools: ${k.rc ? `${cmd()} --shell ${k.rc.shell}` : `${cmd()} --shell <bash|zsh|fish|sh>`}.`,
    );
  }
  if (stored) {
    return c('fail', `${KEY_VAR} is stored but no startup file of your shell loads it`, `${file} holds ${maskKey(stored)}, but ${k.rc ? `${k.rc.path} has no lightweight-setup block` : 'your shell is unknown ($SHELL is not set)'}.`, k.rc ? `Run ${cmd()} --shell ${k.rc.shell}.` : `Run ${cmd()} --shell <bash|zsh|fish|sh>.`);
  }
  if (!k.layout && !k.keyFile.error) return c('skip', `${KEY_VAR}`, 'No Lightweight setup, and no key stored or set.');
  return c('fail', `${KEY_VAR} is not set and no key is stored`, k.keyFile.error ?? `Neither this shell nor ${file} has the key.`, `Run ${cmd()}.`);
}

/** Windows: new terminals get LIGHTWEIGHT_API_KEY from the user's environment variables, not from a shell startup file. */
function userVariableKeyCheck(k: KeyFacts, v: { value?: string; error?: string }): Check {
  const c = checkOf('key', 'api-key');
  const stored = k.keyFile.key;
  const file = k.keyFile.path;
  const env = k.envKey?.trim() || undefined;
  const where = "your user's environment variables";
  if (stored && v.value !== undefined && v.value !== stored) {
    return c('warn', `${where} hold another key (${maskKey(v.value)}) than ${file} (${maskKey(stored)})`, `New terminals get the other key in ${KEY_VAR}${codexReadsKeyItself(k) ? '; Codex reads the key file, so only other tools are affected' : ', and so does Codex'}.`, `Run ${cmd()} to store one key in both.`);
  }
  if (stored && v.value === stored) {
    if (env && env !== stored) return c('warn', `This terminal has an old key (${maskKey(env)}); new terminals get ${maskKey(stored)}`, `${KEY_VAR} in this terminal differs from ${file}: it was opened before the key changed.`, 'Open a new terminal.');
    return c('pass', `The key (${maskKey(stored)}) is stored in ${file} and in ${where}`, env ? 'New terminals have it.' : 'New terminals have it (this one was opened before setup).');
  }
  if (stored && codexReadsKeyItself(k)) {
    return c('pass', `The key (${maskKey(stored)}) is stored in ${file}; Codex reads it there`, `${KEY_VAR} is not in ${where}${v.error ? ` (they could not be read: ${v.error})` : ''}, so new terminals do not have the variable; Codex does not need it. For other tools: ${cmd()}.`);
  }
  if (stored) return c('fail', `${KEY_VAR} is stored but not in ${where}`, `${file} holds ${maskKey(stored)}; Codex takes the key from ${KEY_VAR}, which new terminals do not have.`, `Run ${cmd()}.`);
  if (env) return c('warn', `${KEY_VAR} is set in this terminal only (${maskKey(env)})`, `It is not stored in ${file}, so new terminals and editors will not have it.`, `Run ${cmd()} to store it.`);
  if (!k.layout && !k.keyFile.error) return c('skip', `${KEY_VAR}`, 'No Lightweight setup, and no key stored or set.');
  return c('fail', `${KEY_VAR} is not set and no key is stored`, k.keyFile.error ?? `Neither this terminal nor ${file} has the key.`, `Run ${cmd()}.`);
}

function keyFileCheck(k: KeyFacts): Check {
  const c = checkOf('key', 'key-file');
  const f = k.keyFile;
  if (f.error) return c('fail', `${f.path} cannot be read`, f.error, `Move it aside and run ${cmd()}.`);
  if (!f.exists) return c('skip', 'No stored key file', `${f.path} does not exist.`);
  if (!f.key) return c('fail', `${f.path} holds no key`, 'The export line is missing or was edited.', `Run ${cmd()}.`);
  // Windows keeps who may read a file in its ACLs, which this tool does not read: said, not claimed.
  if (!platformOf(k.platform).modeBits) {
    return c('pass', `Key file ${f.path} holds the key`, "It is in your local profile folder, which Windows keeps to you by default; this tool does not check the folder's permissions (ACLs).");
  }
  // Every new shell runs this file: whoever can replace it runs code as you.
  if (k.uid !== undefined && f.uid !== undefined && f.uid !== k.uid) {
    return c('fail', `${f.path} belongs to another user (uid ${f.uid})`, 'Your shells will not load it, and whoever owns it could change what they run.', `Remove it and run ${cmd()}.`);
  }
  if (k.uid !== undefined && f.dir && f.dir.uid !== k.uid) {
    return c('fail', `${f.dir.path}, which holds the key file, belongs to another user (uid ${f.dir.uid})`, 'They can replace the key file, which every new shell runs.', `Remove the directory (or its symlink) and run ${cmd()}.`);
  }
  if (f.unsafeAbove) {
    return c(
      'fail',
      `${f.unsafeAbove.path}, a folder above the key file, is not safe: ${f.unsafeAbove.why}`,
      'Another user who can rename folders there can swap the key\'s directory for one of their own, whose file every new shell and Codex\'s auth command then read and run.',
      `Make it safe (chmod o-w,g-w ${f.unsafeAbove.path}, or chmod +t for a shared folder), or keep the tool's directory elsewhere (XDG_CONFIG_HOME) and run ${cmd()}.`,
    );
  }
  if (f.dir && (f.dir.mode & 0o022) !== 0) {
    return c('fail', `${f.dir.path}, which holds the key file, is writable by others (mode ${octalMode(f.dir.mode)})`, 'Another user could replace the key file, which every new shell runs.', `Run ${cmd()} (it makes its own directory private again), or: chmod 700 ${f.dir.path}`);
  }
  if (f.mode !== undefined && (f.mode & 0o077) !== 0) {
    return c('fail', `${f.path} is open to others (mode ${octalMode(f.mode)})`, 'It holds your key, and every new shell runs it.', `chmod 600 ${f.path}`);
  }
  return c('pass', `Key file ${f.path} is private (0600, in a directory only you can write to, below folders no one else can rename)`);
}

function guiEditorsCheck(k: KeyFacts): Check {
  const c = checkOf('key', 'gui-editors');
  if (k.layout === 'openai-base-url') return c('pass', 'Editors started from the desktop get the key', 'The base-URL layout keeps it in Codex\'s login store, which they read.');
  if (k.layout !== 'model-providers') return c('skip', 'Editors started from the desktop', 'No Lightweight layout is active.');
  if (k.keySource === 'file') return c('pass', 'Editors started from the desktop get the key', "Codex reads it from the key file through its auth command; no shell variable is needed.");
  if (k.guiHasKey) return c('pass', 'Editors started from the desktop get the key', `${KEY_VAR} is in the desktop session's environment${k.userVariable ? " (your user's environment variables; programs started before setup need a restart)" : ''}.`);
  // The key file first: it is the default since Codex 0.118, so an env_key left from an older Codex
  // (or chosen) is best cleared that way; the other ways are for a Codex that cannot run an auth command.
  const fileFirst = `Have Codex read the key file (Codex 0.118 or newer): ${cmd()} --key-source file. Otherwise: `;
  const fix =
    k.platform === 'darwin'
      ? // Not `launchctl setenv`: it takes the key as an argument, visible in ps.
        `${fileFirst}start the editor from a terminal (code .) so it inherits the key, or switch layouts: ${cmd()} --layout openai-base-url (the key then lives in Codex's login store, which editors read).`
      : `${fileFirst}start the editor from a terminal (code .), or put ${KEY_VAR}=<key> in ~/.config/environment.d/lightweight.conf (chmod 600) and log in again; or switch layouts: ${cmd()} --layout openai-base-url.`;
  return c('warn', 'Editors started from the desktop will not see the key', `The key reaches ${KEY_VAR} only through shell startup files, which the VS Code extension and other desktop-launched editors never read.`, fix);
}

/* ---------- Codex's background server and model catalog ---------- */

export interface DaemonFacts {
  keySource?: KeySource;
  running: boolean;
  startedAt?: Date;
  /** When the key file was last written (the key changed). */
  keyChangedAt?: Date;
}

/**
 * With env_key, Codex's background server keeps the key of the terminal that started it: one
 * started before the key changed goes on sending the old key (or none).
 */
export function daemonCheck(d: DaemonFacts): Check | undefined {
  if (d.keySource !== 'env' || !d.running) return undefined;
  const c = checkOf('codex', 'codex-daemon');
  // Codex records the start to the second: only a start in an earlier second is surely before the change.
  if (d.startedAt && d.keyChangedAt && d.startedAt.getTime() + 1000 <= d.keyChangedAt.getTime()) {
    return c(
      'warn',
      "Codex's background server started before the key changed",
      `It started ${d.startedAt.toISOString()}, the key changed ${d.keyChangedAt.toISOString()}: with env_key it keeps the environment of the terminal that started it, so Codex's TUI sends the old key (or none)`,
      `From a new terminal (which has the new key), run: codex app-server daemon restart; or let the key come from the key file: ${cmd()} --key-source file.`,
    );
  }
  return c('pass', "Codex's background server started after the last key change", d.startedAt ? `Started ${d.startedAt.toISOString()}.` : '');
}

export interface CatalogFacts {
  layout?: Layout;
  keySource?: KeySource;
  codexInstalled: boolean;
  /** model_catalog_json as written, and the file it names. */
  configured?: string;
  shown?: string;
  ours?: boolean;
  exists?: boolean;
  slugs?: string[];
  /** The installed Codex's error when it refuses the catalog. */
  refused?: string;
  /** The installed Codex's version, and what setup found about its catalog support. */
  codexVersion?: string;
  support?: { codexVersion?: string; supported: boolean; reason?: string };
}

export function catalogCheck(f: CatalogFacts, v: CheckVerdict | { skipped: string }): Check {
  const c = checkOf('codex', 'model-catalog');
  const sync = cmd('models --sync');
  if (!f.layout) return c('skip', "Codex's model picker", 'No Lightweight layout is active.');
  if (f.configured === undefined) {
    if (!f.codexInstalled) return c('skip', "Codex's model picker", `Codex is not installed; after installing it, fill the picker with: ${sync}`);
    if (f.support && !f.support.supported && f.support.codexVersion === f.codexVersion) {
      return c('skip', "Codex's model picker keeps Codex's own list", `Codex ${f.codexVersion ?? ''}: ${f.support.reason ?? 'no model catalog support'}.`.replace('Codex :', 'Codex:'));
    }
    const errorLine = f.keySource === 'file' ? ' With the auth command and no catalog, Codex also asks the gateway for /models in its own format on every run and prints an ERROR when it cannot read the answer.' : '';
    return c('warn', "Codex's model picker does not list the gateway's models", `No model_catalog_json: /model lists Codex's built-in models, which the gateway does not serve.${errorLine}`, `Run: ${sync}`);
  }
  if (!f.ours) return c('pass', "Codex's model picker uses your own catalog", `model_catalog_json = "${f.configured}".`);
  if (!f.exists) return c('fail', `model_catalog_json names ${f.shown}, which is missing`, 'Codex does not start without the file it names.', `Run: ${sync}`);
  if (f.refused) return c('fail', "The installed Codex refuses the model catalog: Codex does not start", `${f.refused} (a Codex upgrade changed what a catalog must hold)`, `Rebuild it for this Codex: ${sync}`);
  if (!f.slugs) return c('fail', `${f.shown} is not a model catalog`, 'Codex does not start with a catalog it cannot read.', `Run: ${sync}`);
  if (!('skipped' in v) && v.ok) {
    const missing = v.models.filter((m) => !f.slugs!.includes(m));
    const gone = f.slugs.filter((m) => !v.models.includes(m));
    if (missing.length || gone.length) {
      const parts = [missing.length ? `it lacks ${missing.join(', ')}, which the gateway serves` : '', gone.length ? `it lists ${gone.join(', ')}, which the gateway no longer serves` : ''].filter(Boolean);
      return c('warn', "Codex's model picker is out of date", `${f.shown}: ${parts.join('; ')}.`, `Run: ${sync}`);
    }
  }
  return c('pass', `Codex's model picker lists the gateway's ${f.slugs.length} model${f.slugs.length === 1 ? '' : 's'}`, f.shown ?? '');
}

/* ---------- Gateway ---------- */

/** How the check went, the way Codex goes: through which proxy, or directly and why. */
export function routeNote(route: RouteFacts | undefined): string {
  if (route?.proxy) return `through the proxy ${route.proxy.shown} (${route.proxy.variable}, as Codex picks it)`;
  if (route?.exemptedBy) return `directly: ${route.exemptedBy.variable} exempts it from the proxy, for Codex too`;
  return '';
}

/** What Codex's own doctor found when it tried the provider's URL (no key sent): its word on whether Codex gets there. */
function codexReach(f: CodexDoctorFinding): { reaches: boolean; said: string } {
  const said = Object.values(f.details ?? {})
    .map((v) => (typeof v === 'string' ? v : ''))
    .filter((v) => /reachable|failed|unreachable|route/i.test(v))
    .join('; ');
  return { reaches: f.status !== 'fail', said: said || f.summary };
}

export function connectivityCheck(v: CheckVerdict | { skipped: string }, baseUrl: string | undefined, keySource: string | undefined, codexSays?: CodexDoctorFinding): Check {
  const c = checkOf('gateway', 'connectivity');
  if ('skipped' in v) return c('skip', 'Gateway connectivity', v.skipped);
  const via = [keySource ? `key from ${keySource}` : '', routeNote(v.route)].filter(Boolean).join('; ');
  const codex = codexSays ? codexReach(codexSays) : undefined;
  if (v.ok && codex && !codex.reaches) {
    // The check goes the way Codex goes; where Codex itself still cannot get there, Codex is right.
    return c('fail', 'The gateway answers this check, but Codex itself cannot reach it', `codex doctor: ${codex.said.replace(/<redacted>/g, '…')}.`, `Run \`codex doctor\` here: its network checks show what stops Codex (proxy, CA, DNS), and this tool's check goes the way it found (${v.summary.replace(/\.$/, '')}).`);
  }
  if (v.ok && v.routeWarning) return c('warn', `${v.summary.replace(/\.$/, '')}, but not the way Codex goes`, `${v.routeWarning.summary}`, v.routeWarning.fix);
  if (v.ok) return c('pass', v.summary.replace(/\.$/, ''), `GET ${baseUrl}/models${via ? ` (${via})` : ''}.`);
  // A failure's summary already names the proxy it went through.
  const source = keySource ? ` (key from ${keySource})` : '';
  if (isNetworkCause(v.cause) && codex?.reaches) {
    // Codex got there (without a key) where this check did not: never a ✗ where Codex works.
    return { ...c('warn', `Gateway check failed (${v.cause}), but Codex itself reaches the gateway`, `${v.summary.replace(/\.$/, '')}${source}; codex doctor: ${codex.said.replace(/<redacted>/g, '…')}. The key and the model list are unchecked.`, `${v.fix} If Codex works, \`${cmd('doctor --live')}\` checks a real request through it.`), cause: v.cause };
  }
  return { ...c('fail', `Gateway check failed (${v.cause})`, `${v.summary.replace(/\.$/, '')}${source}.`, v.fix), cause: v.cause };
}

export function modelCheck(configModel: string | undefined, v: CheckVerdict | { skipped: string }): Check {
  const c = checkOf('gateway', 'model');
  if (!configModel) return c('skip', 'Configured model', 'config.toml sets no model.');
  const id = canonicalModel(configModel) ?? configModel;
  const alias = id !== configModel ? ` (alias of ${id})` : '';
  if ('skipped' in v || !v.ok) return c('skip', `Model ${configModel}${alias}`, 'The gateway could not be asked for its model list.');
  if (v.models.includes(id) || v.models.includes(configModel)) return c('pass', `${configModel}${alias} is served by the gateway`);
  const close = closestNames(id, v.models);
  return c(
    'fail',
    `${configModel}${alias} is not served by the gateway`,
    `The gateway serves ${v.models.length} model${v.models.length === 1 ? '' : 's'}${close.length ? `; closest: ${close.join(', ')}` : ''}. Codex will get "model not found".`,
    `Set model = "${close[0] ?? v.models[0] ?? 'gpt-5.4'}" in config.toml (or run ${cmd()} --model <name>).`,
  );
}

/** `doctor --live`: one real request, through Codex when it is installed. */
export function liveCheck(v: LiveVerdict | { skipped: string }): Check {
  const c = checkOf('gateway', 'live');
  if ('skipped' in v) return c('skip', 'A real request', v.skipped);
  const how = v.via === 'codex' ? 'through Codex' : `POST /responses (${v.model})`;
  // The figures are what a user runs --live for: in the line itself, not only in --json.
  if (v.status === 'pass') return c('pass', `A real request works: ${v.summary.replace(/\.$/, '')}`, v.summary);
  const title =
    v.status === 'fail' ? `A real request fails ${how} (${v.cause})` : v.cause === 'slow-start' ? `A real request works ${how}, but only after a slow start` : `A real request works ${how}, but another model answered`;
  return { ...c(v.status, title, v.summary, v.fix), ...(v.cause ? { cause: v.cause } : {}) };
}

/* ---------- Settings that contradict the gateway ---------- */

export interface ProfileFile {
  /** As shown (~/.codex/work.config.toml). */
  shown: string;
  name: string;
  parsed?: TomlTable;
  error?: string;
}

export interface ContradictionFacts {
  parsed: TomlTable;
  /** config.toml as shown, and as scanned (for line numbers). */
  configShown: string;
  doc: TomlDoc;
  codexHomeShown: string;
  /** What the gateway serves, when it was asked. */
  served?: readonly string[];
  profiles: readonly ProfileFile[];
}

/** Top-level keys that name a model Codex will request. `model` itself has its own check. */
const MODEL_KEYS = ['review_model'];

const isModelKey = (k: string) => MODEL_KEYS.includes(k) || (/_model$/.test(k) && k !== 'model');

function servedName(name: string, served: readonly string[]): boolean {
  return served.includes(name) || served.includes(canonicalModel(name) ?? name);
}

/**
 * Settings that make Codex fail or misbehave against this gateway though the config loads:
 * a context window larger than the model's, models the gateway does not serve, legacy
 * `[profiles.x]` tables, and profile files that name unserved models or undefined providers.
 */
export function contradictionChecks(f: ContradictionFacts): Check[] {
  const out: Check[] = [];
  const c = (id: CheckId, status: CheckStatus, title: string, detail = '', fix = '') => out.push(check('configuration', id, status, title, detail, fix));
  const at = (path: string[]) => `${f.configShown}:${firstLineOf(f.doc, path)}`;
  const model = typeof f.parsed.model === 'string' ? f.parsed.model : undefined;
  const info = model ? modelInfo(canonicalModel(model) ?? model) : undefined;

  const windows: string[] = [];
  for (const key of ['model_context_window', 'model_auto_compact_token_limit']) {
    const v = f.parsed[key];
    if (typeof v === 'number' && info && v > info.contextTokens) {
      windows.push(key);
      c(
        'context-window',
        'fail',
        `${key} = ${v} is larger than ${model}'s context (${info.context})`,
        `${at([key])}: probably left from another provider's model; Codex lets a session grow past what ${model} accepts, and requests then fail.`,
        `Delete ${key} (Codex then uses the model's own window), or set it to at most ${info.contextTokens}.`,
      );
    }
  }

  if (f.served) {
    for (const [key, v] of Object.entries(f.parsed)) {
      if (!isModelKey(key) || typeof v !== 'string' || servedName(v, f.served)) continue;
      const close = closestNames(canonicalModel(v) ?? v, f.served);
      c('model-keys', 'fail', `${key} = "${v}" is not served by the gateway`, `${at([key])}: Codex asks for it (for /review) and gets "model not found".`, `Set ${key} = "${close[0] ?? model ?? f.served[0] ?? 'gpt-5.4'}", or delete it to use the main model.`);
    }
  }

  const legacy = isTable(f.parsed.profiles) ? Object.keys(f.parsed.profiles) : [];
  for (const name of legacy) {
    c(
      'profiles',
      'warn',
      `[profiles.${name}] is ignored by Codex`,
      `${at(['profiles', name])}: Codex ignores [profiles.*] tables silently, and refuses \`codex -p ${name}\` while this one exists.`,
      `Move its settings into ${f.codexHomeShown}/${name}.config.toml (the same keys, at the top level) and delete [profiles.${name}].`,
    );
  }

  const providers = isTable(f.parsed.model_providers) ? Object.keys(f.parsed.model_providers) : [];
  for (const p of f.profiles) {
    if (p.error) {
      c('profile-files', 'fail', `${p.shown} cannot be read`, p.error, `Fix it: \`codex -p ${p.name}\` fails while it does not parse.`);
      continue;
    }
    const t = p.parsed ?? {};
    const own = isTable(t.model_providers) ? Object.keys(t.model_providers) : [];
    const provider = typeof t.model_provider === 'string' ? t.model_provider : undefined;
    if (provider !== undefined && !providers.includes(provider) && !own.includes(provider) && !BUILTIN_PROVIDERS.has(provider)) {
      c('profile-files', 'fail', `${p.shown} selects model_provider = "${provider}", which is not defined`, `\`codex -p ${p.name}\` then fails before any request.`, `Define [model_providers.${provider}] (in config.toml or in ${p.shown}), or use model_provider = "${PROVIDER_ID}".`);
    }
    const usesGateway = provider === undefined || provider === PROVIDER_ID;
    for (const [key, v] of Object.entries(t)) {
      if ((key !== 'model' && !isModelKey(key)) || typeof v !== 'string' || !f.served || !usesGateway || servedName(v, f.served)) continue;
      const close = closestNames(canonicalModel(v) ?? v, f.served);
      c('profile-files', 'fail', `${p.shown} sets ${key} = "${v}", which the gateway does not serve`, `\`codex -p ${p.name}\` asks for it and gets "model not found".`, `Set ${key} = "${close[0] ?? f.served[0] ?? 'gpt-5.4'}" in ${p.shown}.`);
    }
  }
  if (!out.length) {
    const what = [f.served ? 'model names' : '', 'context limits', 'profiles'].filter(Boolean).join(', ');
    c('settings', 'pass', 'No settings contradict the gateway', `Checked ${what}${f.profiles.length ? ` and ${f.profiles.length} profile file${f.profiles.length === 1 ? '' : 's'}` : ''}.`);
  }
  return out;
}

/**
 * Codex judges from this process's environment only. When its one complaint is the key
 * variable missing here, and the key is stored and loaded by the shell's startup file, a new
 * terminal fixes it: the same warning as api-key, not a failure.
 */
export function reconcile(checks: Check[]): Check[] {
  const apiKey = checks.find((c) => c.id === 'api-key');
  return checks.map((c) =>
    c.id === 'codex-auth' && c.status === 'fail' && /\(missing\)/.test(c.detail) && apiKey?.status === 'warn' && /not set in this shell/.test(apiKey.title)
      ? { ...c, status: 'warn', fix: apiKey.fix }
      : c,
  );
}
