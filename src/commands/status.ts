/** `lightweight status`: what is configured now, in a few lines (or JSON). Reads only. */
import { cmd } from '../invocation.js';
import { codexVersion, findExecutable } from '../codex/binary.js';
import { EXIT } from '../errors.js';
import { keyForGateway, readInstalled } from '../setup/installed.js';
import { maskKey } from '../gateway/key.js';
import { tildify } from '../files/paths.js';
import type { Io } from '../ui/output.js';
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
  rcFiles: string[];
  codex: { installed: boolean; version: string | null; path: string | null };
}

export function renderStatus(r: StatusReport): string {
  const layout = r.layout === 'model-providers' ? 'provider table (model_provider = "lightweight")' : r.layout === 'openai-base-url' ? 'base-URL override (openai_base_url)' : `none — run ${cmd()}`;
  const lines = [
    `Layout:   ${layout}`,
    `Gateway:  ${r.baseUrl ? `${r.environment === 'custom' ? 'custom' : r.environment} (${r.baseUrl})` : '-'}`,
    `Model:    ${r.model ?? '-'}`,
    `Key:      ${r.key.kept ? `${r.key.masked} in ${r.key.kept}${r.rcFiles.length ? `, loaded by ${r.rcFiles.join(', ')}` : ''}` : 'not stored'}`,
    `Codex:    ${r.codex.installed ? `${r.codex.version ?? 'version unknown'} (${r.codex.path})` : 'not installed (npm install -g @openai/codex)'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function status(flags: StatusFlags, io: Io): Promise<number> {
  const codexPath = findExecutable('codex', io.env);
  const [inst, version] = await Promise.all([readInstalled(io.env, io.cwd, flags.codexHome), codexPath ? codexVersion(codexPath, io.env) : undefined]);
  const { summary, paths } = inst;
  const show = (p: string) => tildify(p, paths.home);
  const kept = summary.layout === 'openai-base-url' ? (inst.auth.state.apiKey ? inst.auth.path : null) : inst.keyFile.key ? inst.keyFile.path : null;
  const { key } = keyForGateway(inst);
  const report: StatusReport = {
    layout: summary.layout ?? null,
    environment: summary.baseUrl ? environmentOf(summary.baseUrl) : null,
    baseUrl: summary.baseUrl ?? null,
    model: summary.model ?? null,
    key: { kept, masked: key ? maskKey(key) : null },
    rcFiles: (inst.state?.rcFiles ?? []).map(show),
    codex: { installed: Boolean(codexPath), version: version ?? null, path: codexPath ?? null },
  };
  io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return EXIT.ok;
}
