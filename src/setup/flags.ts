/** Setup's flags, checked before anything is read or asked: a bad value fails fast with exit 2. */
import { CliError } from '../errors.js';
import { GATEWAY_ENVS, GATEWAY_URLS, LAYOUTS, type GatewayEnv, type Layout } from '../gateway/constants.js';
import { normalizeModel } from '../gateway/models.js';
import { parseShell, SHELLS, type Shell } from '../shell/detect.js';
import { normalizeBaseUrl } from '../gateway/urls.js';

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
}

export interface ResolvedFlags {
  layout?: Layout;
  model?: string;
  env?: GatewayEnv;
  baseUrl?: string;
  shell?: Shell;
  warnings: string[];
  timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) {
    throw new CliError(`--timeout must be a number of seconds between 0 and 600 (got "${value}").`, 2);
  }
  return n;
}

export function resolveFlags(f: SetupFlags): ResolvedFlags {
  const warnings: string[] = [];
  const out: ResolvedFlags = { warnings, timeoutSeconds: parseTimeout(f.timeout) };
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
    const checked = normalizeBaseUrl(f.baseUrl);
    out.baseUrl = checked.url;
    warnings.push(...checked.warnings);
    if (f.env !== undefined) warnings.push(`--base-url overrides --env ${f.env} (${GATEWAY_URLS[out.env!]}).`);
  }
  if (f.shell !== undefined) {
    const shell = parseShell(f.shell);
    if (!shell) throw new CliError(`--shell must be one of ${SHELLS.join(', ')} (got "${f.shell}").`, 2);
    out.shell = shell;
  }
  if (f.rc === false && f.rcFile !== undefined) throw new CliError('--rc-file and --no-rc contradict each other; pick one.', 2);
  return out;
}
