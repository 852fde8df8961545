/** Setup's flags, checked before anything is read or asked: a bad value fails fast with exit 2. */
import { AUTH_COMMAND_SINCE, versionAtLeast } from '../codex/binary.js';
import { KEY_SOURCES, type KeySource } from '../codex/config.js';
import { CliError } from '../errors.js';
import { GATEWAY_ENVS, GATEWAY_URLS, LAYOUTS, type GatewayEnv, type Layout } from '../gateway/constants.js';
import { normalizeModel } from '../gateway/models.js';
import { parseShell, SHELLS, type Shell } from '../shell/detect.js';
import { normalizeBaseUrl } from '../gateway/urls.js';
import { isProfileName } from './state.js';

export interface SetupFlags {
  yes?: boolean;
  apiKeyStdin?: boolean;
  layout?: string;
  model?: string;
  env?: string;
  baseUrl?: string;
  shell?: string;
  rcFile?: string;
  /** commander's --no-rc sets this to false. */
  rc?: boolean;
  /** commander's --no-verify sets this to false. */
  verify?: boolean;
  dryRun?: boolean;
  codexHome?: string;
  timeout?: string;
  keySource?: string;
  /** A Codex profile file ($CODEX_HOME/<name>.config.toml) instead of config.toml. */
  profile?: string;
  /** One JSON object on standard output instead of the report (unattended only). */
  json?: boolean;
  /** Codex's system config (/etc/codex/config.toml) for every user, instead of this user's. */
  system?: boolean;
}

export interface ResolvedFlags {
  layout?: Layout;
  model?: string;
  env?: GatewayEnv;
  baseUrl?: string;
  shell?: Shell;
  keySource?: KeySource;
  profile?: string;
  warnings: string[];
  /** What was corrected in the flags as typed (a pasted endpoint path on --base-url). */
  notes: string[];
  timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) {
    throw new CliError(`--timeout must be a number of seconds, more than 0 and at most 600 (got "${value}").`, 2);
  }
  return n;
}

export function resolveFlags(f: SetupFlags): ResolvedFlags {
  const warnings: string[] = [];
  const out: ResolvedFlags = { warnings, notes: [], timeoutSeconds: parseTimeout(f.timeout) };
  if (f.layout !== undefined) {
    if (!(LAYOUTS as readonly string[]).includes(f.layout)) {
      throw new CliError(`--layout must be one of ${LAYOUTS.join(', ')} (got "${f.layout}").`, 2);
    }
    out.layout = f.layout as Layout;
  }
  if (f.model !== undefined) out.model = normalizeModel(f.model);
  if (f.env !== undefined) {
    if (!(GATEWAY_ENVS as string[]).includes(f.env)) throw new CliError(`--env must be one of ${GATEWAY_ENVS.join(', ')} (got "${f.env}").`, 2);
    out.env = f.env as GatewayEnv;
  }
  if (f.baseUrl !== undefined) {
    const checked = normalizeBaseUrl(f.baseUrl, { correct: true });
    out.baseUrl = checked.url;
    warnings.push(...checked.warnings);
    out.notes.push(...checked.notes);
    if (f.env !== undefined) warnings.push(`--base-url overrides --env ${f.env} (${GATEWAY_URLS[out.env!]}).`);
  }
  if (f.shell !== undefined) {
    const shell = parseShell(f.shell);
    if (!shell) throw new CliError(`--shell must be one of ${SHELLS.join(', ')} (got "${f.shell}").`, 2);
    out.shell = shell;
  }
  if (f.keySource !== undefined) {
    if (!(KEY_SOURCES as readonly string[]).includes(f.keySource)) throw new CliError(`--key-source must be one of ${KEY_SOURCES.join(', ')} (got "${f.keySource}").`, 2);
    out.keySource = f.keySource as KeySource;
  }
  if (f.profile !== undefined) {
    // The file's name pasted for the profile's (`preview.config.toml`, a path to it): the profile is its stem.
    const file = /(?:^|[\\/])([^\\/]+)\.config\.toml$/.exec(f.profile.trim());
    out.profile = parseProfileName(file ? file[1]! : f.profile);
    if (file) out.notes.push(`Took --profile ${f.profile.trim()} as the profile "${out.profile}" (\`codex -p ${out.profile}\` reads $CODEX_HOME/${out.profile}.config.toml).`);
    if (out.layout === 'openai-base-url') throw new CliError('--profile writes a provider table (codex -p then switches the URL beside the default); it cannot be used with --layout openai-base-url.', 2);
  }
  if (f.json && !f.yes) throw new CliError('--json is for unattended runs: add --yes (and give the key with --api-key-stdin or LIGHTWEIGHT_API_KEY).', 2);
  if (f.rc === false && f.rcFile !== undefined) throw new CliError('--rc-file and --no-rc contradict each other; pick one.', 2);
  return out;
}

/**
 * A profile name as `codex -p <name>` takes it and as a file name beside config.toml: letters,
 * digits, `-` and `_` (no dots, no slashes: the file must land in CODEX_HOME, nowhere else).
 */
export function parseProfileName(name: string): string {
  const n = name.trim();
  if (!isProfileName(n)) {
    throw new CliError(
      `--profile must be a name of letters, digits, - and _ (at most 64, not "config"), as in \`codex -p preview\` (got ${JSON.stringify(name)}).`,
      2,
    );
  }
  return n;
}

export interface KeySourceDecision {
  source: KeySource;
  /** The user chose it (now or on an earlier run): later reruns keep it. */
  chosen: boolean;
  note?: string;
}

/**
 * Where Codex gets the key: the flag, else the user's earlier choice, else the key file through
 * an auth command, unless the installed Codex is too old to run one (then LIGHTWEIGHT_API_KEY,
 * with a note). A Codex that is not installed yet gets the auth command: what npm installs now
 * runs it.
 */
export function decideKeySource(flag: KeySource | undefined, earlier: { source?: KeySource; chosen?: boolean } | undefined, codexVersion: string | undefined): KeySourceDecision {
  const tooOld = codexVersion !== undefined && !versionAtLeast(codexVersion, AUTH_COMMAND_SINCE);
  if (flag === 'file' && tooOld) {
    throw new CliError(
      `--key-source file needs Codex ${AUTH_COMMAND_SINCE} or newer; the installed Codex is ${codexVersion}, which ignores the auth command and would send no key.`,
      2,
      'Upgrade Codex (npm install -g @openai/codex), or use --key-source env.',
    );
  }
  if (flag) return { source: flag, chosen: true };
  const wanted = earlier?.chosen && earlier.source ? earlier.source : 'file';
  if (wanted === 'file' && tooOld) {
    return {
      source: 'env',
      chosen: false,
      note: `Codex ${codexVersion} is older than ${AUTH_COMMAND_SINCE} and cannot run an auth command, so it gets the key from LIGHTWEIGHT_API_KEY (env_key), which editors started from the desktop do not see. After upgrading Codex, run setup again to read the key from the key file instead.`,
    };
  }
  return { source: wanted, chosen: Boolean(earlier?.chosen && earlier.source) };
}
