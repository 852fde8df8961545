/** `lightweight status`: what is configured now, in a few lines (or JSON). Reads only. */
import { cmd } from '../invocation.js';
import { codexVersion, findExecutable } from '../codex/binary.js';
import { catalogSlugs } from '../codex/catalog.js';
import { CliError, EXIT } from '../errors.js';
import { keyForGateway, readInstalled } from '../setup/installed.js';
import { maskKey } from '../gateway/key.js';
import { profileConfig, tildify } from '../files/paths.js';
import { readTextFile } from '../files/io.js';
import { summarize, type ConfigSummary } from '../codex/config.js';
import { parseToml } from '../toml/parse.js';
import { effectiveInstall } from '../setup/layers.js';
import { terminalSafe, type Io } from '../ui/output.js';
import { environmentOf } from '../gateway/urls.js';

export interface StatusFlags {
  json?: boolean;
  codexHome?: string;
}

export interface StatusReport {
  layout: 'model-providers' | 'openai-base-url' | null;
  environment: 'production' | 'preview' | 'custom' | null;
  baseUrl: string | null;
  model: string | null;
  key: { kept: string | null; masked: string | null };
  /** How Codex gets the key: the key file through an auth command, LIGHTWEIGHT_API_KEY, or its login store. */
  keySource: 'file' | 'env' | 'login-store' | null;
  /** Codex's model picker: the catalog file and the models it lists. */
  catalog: { file: string; models: string[] | null } | null;
  rcFiles: string[];
  codex: { installed: boolean; version: string | null; path: string | null };
  /** Where the layout comes from: the user's config.toml, or the system config (`setup --system`). */
  configFrom: string | null;
  /** The profile files setup wrote (`codex -p <name>`). */
  profiles: Array<{ name: string; file: string; baseUrl: string | null; model: string | null }>;
}

const KEY_SOURCE_TEXT = {
  file: 'from the key file, through an auth command (every Codex, editors too)',
  env: 'from LIGHTWEIGHT_API_KEY (env_key; only where the variable is set)',
  'login-store': "from Codex's login store (auth.json)",
  none: '-',
} as const;

export function renderStatus(r: StatusReport): string {
  const layout = r.layout === 'model-providers' ? 'provider table (model_provider = "lightweight")' : r.layout === 'openai-base-url' ? 'base-URL override (openai_base_url)' : `none — run ${cmd()}`;
  const lines = [
    `Layout:   ${layout}`,
    `Gateway:  ${r.baseUrl ? `${r.environment === 'custom' ? 'custom' : r.environment} (${r.baseUrl})` : '-'}`,
    `Model:    ${r.model ?? '-'}`,
    ...(r.configFrom ? [`From:     ${r.configFrom}`] : []),
    ...r.profiles.map((p) => `Profile:  codex -p ${p.name}: ${p.baseUrl ?? 'no base URL'}${p.model ? `, model ${p.model}` : ''} (${p.file})`),
    `Key:      ${r.key.kept ? `${r.key.masked} in ${r.key.kept}${r.rcFiles.length && r.keySource !== 'login-store' ? `, loaded by ${r.rcFiles.join(', ')}` : ''}` : 'not stored'}`,
    `Key path: ${KEY_SOURCE_TEXT[r.keySource ?? 'none']}`,
    `Picker:   ${r.catalog ? `${r.catalog.file}${r.catalog.models ? ` (${r.catalog.models.length} models)` : ' (not readable)'}` : "Codex's built-in models (no catalog)"}`,
    `Codex:    ${r.codex.installed ? `${r.codex.version ?? 'version unknown'} (${r.codex.path})` : 'not installed (npm install -g @openai/codex)'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function status(flags: StatusFlags, io: Io): Promise<number> {
  const codexPath = findExecutable('codex', io.env);
  const [own, version] = await Promise.all([readInstalled(io.env, io.cwd, flags.codexHome), codexPath ? codexVersion(codexPath, io.env) : undefined]);
  const { inst, system, fromSystem } = await effectiveInstall(own, io.platform);
  const { paths, summary } = inst;
  // A config that does not parse has no status to show: say where it breaks, like setup does.
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix that line, then run status again.');
  const show = (p: string) => tildify(p, paths.home);
  const kept = summary.layout === 'openai-base-url' ? (inst.auth.state.apiKey ? inst.auth.path : null) : inst.keyFile.key ? inst.keyFile.path : null;
  const { key } = keyForGateway(inst);
  const report: StatusReport = {
    layout: summary.layout ?? null,
    environment: summary.baseUrl ? environmentOf(summary.baseUrl) : null,
    baseUrl: summary.baseUrl ?? null,
    model: summary.model ?? null,
    key: { kept, masked: key ? maskKey(key) : null },
    keySource: summary.layout === 'openai-base-url' ? 'login-store' : (summary.keySource ?? null),
    catalog: inst.catalog ? { file: inst.catalog.shown, models: inst.catalog.text !== undefined ? (catalogSlugs(inst.catalog.text) ?? null) : null } : null,
    rcFiles: (inst.state?.rcFiles ?? []).map(show),
    codex: { installed: Boolean(codexPath), version: version ?? null, path: codexPath ?? null },
    configFrom: fromSystem ? system!.path : summary.layout ? show(paths.config) : null,
    profiles: await Promise.all(
      Object.keys(inst.state?.profiles ?? {})
        .sort()
        .map(async (name) => {
          const file = profileConfig(paths, name);
          let p: ConfigSummary = {};
          try {
            // Read as every file is (bounded, regular files only): a FIFO there must not hang status.
            const text = await readTextFile(file);
            if (text.exists) p = summarize(parseToml(text.text, file));
          } catch {
            // Doctor says what is wrong with it; status only shows what it can read.
          }
          return { name, file: show(file), baseUrl: p.baseUrl ?? null, model: p.model ?? null };
        }),
    ),
  };
  io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : terminalSafe(renderStatus(report)));
  return EXIT.ok;
}
