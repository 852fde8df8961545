/** `lightweight models`: what the gateway serves, joined with what its page says about each model. */
import { cmd } from '../invocation.js';
import { checkGateway } from '../gateway/check.js';
import { EXIT } from '../errors.js';
import { GATEWAY_URLS } from '../gateway/constants.js';
import { keyForGateway, readInstalled, usableBaseUrl } from '../setup/installed.js';
import { canonicalModel, MODELS, modelInfo } from '../gateway/models.js';
import { parseTimeout } from '../setup/flags.js';
import { makeOutput, terminalSafe, type Io } from '../ui/output.js';

export interface ModelsFlags {
  json?: boolean;
  timeout?: string;
  codexHome?: string;
  sync?: boolean;
}

export interface ModelRow {
  id: string;
  context?: string;
  bestFor?: string;
  configured: boolean;
}

export interface ModelsReport {
  source: 'gateway' | 'built-in';
  baseUrl: string;
  configured?: string;
  note?: string;
  models: ModelRow[];
}

/** Joins the served ids with the page's table; the built-in table stands in when the gateway cannot be asked. */
export function modelsReport(baseUrl: string, served: string[] | undefined, configuredName: string | undefined, note?: string): ModelsReport {
  const configured = configuredName ? (canonicalModel(configuredName) ?? configuredName) : undefined;
  const ids = served ?? MODELS.map((m) => m.id);
  return {
    source: served ? 'gateway' : 'built-in',
    baseUrl,
    ...(configured ? { configured } : {}),
    ...(note ? { note } : {}),
    models: ids.map((id) => {
      const info = modelInfo(id);
      return { id, ...(info ? { context: info.context, bestFor: info.bestFor } : {}), configured: id === configured };
    }),
  };
}

export function renderModels(r: ModelsReport): string {
  const lines = [
    r.source === 'gateway' ? `Models served by ${r.baseUrl} (${r.models.length}):` : `Models listed on the gateway's Codex page (built-in table; ${r.note ?? 'the gateway was not asked'}):`,
  ];
  for (const m of r.models) {
    lines.push(`${m.configured ? '*' : ' '} ${m.id.padEnd(20)} ${(m.context ?? '-').padStart(4)}  ${m.bestFor ?? '-'}`);
  }
  if (r.configured) lines.push('', `* configured in config.toml${r.models.some((m) => m.configured) ? '' : ` (${r.configured} is not in this list)`}`);
  return `${lines.join('\n')}\n`;
}

export async function models(flags: ModelsFlags, io: Io): Promise<number> {
  if (flags.sync) return (await import('./sync.js')).syncCatalog(flags, io);
  const timeoutSeconds = parseTimeout(flags.timeout);
  const inst = await readInstalled(io.env, io.cwd, flags.codexHome);
  // No usable URL in the config: ask production, as the report will say.
  const baseUrl = usableBaseUrl(inst) ?? GATEWAY_URLS.production;
  const { key } = keyForGateway(inst);
  let served: string[] | undefined;
  let note: string | undefined;
  let exit: number = EXIT.ok;
  if (!key) note = `no key found; run ${cmd()}`;
  else {
    const out = makeOutput(io);
    const spin = flags.json ? { stop() {} } : out.spinner(`Asking ${baseUrl}/models`);
    const v = await checkGateway({ baseUrl, key, timeoutSeconds, env: io.env }).finally(() => spin.stop());
    if (v.ok) served = v.models;
    else {
      // Reached and refused (a 401 is an answer) is not the same as unreachable; either way the list is not the gateway's.
      const reached = v.status !== undefined;
      note = `${reached ? 'the gateway answered but gave no model list' : 'the gateway could not be reached'}: ${v.cause}, ${v.summary.replace(/\.$/, '')}. ${v.fix}`;
      exit = EXIT.checkFailed;
    }
  }
  const report = modelsReport(baseUrl, served, inst.summary.model, note);
  io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : terminalSafe(renderModels(report)));
  return exit;
}
