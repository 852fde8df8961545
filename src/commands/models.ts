/** `lightweight models`: what the gateway serves, joined with what its page says about each model. */
import { cmd } from '../invocation.js';
import { checkGateway } from '../gateway/check.js';
import { CliError, EXIT } from '../errors.js';
import { GATEWAY_URLS } from '../gateway/constants.js';
import { keyForGateway, readInstalled, usableBaseUrl } from '../setup/installed.js';
import { canonicalModel, MODEL_IDS, modelInfo } from '../gateway/models.js';
import { parseTimeout } from '../setup/flags.js';
import { makeOutput, terminalSafe, type Io } from '../ui/output.js';

export interface ModelsFlags {
  json?: boolean;
  timeout?: string;
  codexHome?: string;
  sync?: boolean;
  test?: boolean;
}

/** One served model under test: `{id, ok, ttft_ms, cause?}` in --json. */
export interface ModelTest {
  id: string;
  ok: boolean;
  ttft_ms: number | null;
  cause?: string;
  /** The model that answered, when another one did. */
  answered_by?: string;
  detail: string;
}

/** Requests at a time: enough to be quick, few enough not to trip a gateway's rate limit. */
const TEST_CONCURRENCY = 3;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function renderModelTests(baseUrl: string, rows: readonly ModelTest[]): string {
  const width = Math.max(5, ...rows.map((r) => r.id.length));
  const lines = [`One streaming request to each model served by ${baseUrl}:`, '', `  ${'model'.padEnd(width)}  ${'result'.padEnd(16)}  first token`];
  for (const r of rows) {
    const result = r.ok ? (r.answered_by ? `ok (${r.answered_by})` : 'ok') : `fail: ${r.cause}`;
    lines.push(`  ${r.id.padEnd(width)}  ${result.padEnd(16)}  ${r.ttft_ms === null ? '-' : `${r.ttft_ms} ms`}`);
  }
  const failed = rows.filter((r) => !r.ok);
  lines.push('', failed.length ? `${failed.length} of ${rows.length} failed:` : `All ${rows.length} answered.`);
  for (const r of failed) lines.push(`  ${r.id}: ${r.detail}`);
  return `${lines.join('\n')}\n`;
}

async function testModels(baseUrl: string, key: string, served: readonly string[], flags: ModelsFlags, io: Io): Promise<number> {
  const { liveDirect } = await import('../gateway/check.js');
  const timeoutSeconds = Math.max(parseTimeout(flags.timeout), 30);
  const out = makeOutput(io);
  const spin = flags.json ? { stop() {} } : out.spinner(`Sending one short request to each of ${served.length} models`);
  const rows = await mapLimited(served, TEST_CONCURRENCY, async (id): Promise<ModelTest> => {
    const v = await liveDirect({ baseUrl, key, model: id, timeoutSeconds, env: io.env });
    const ok = v.status !== 'fail';
    return {
      id,
      ok,
      ttft_ms: v.ttftMs === undefined ? null : Math.round(v.ttftMs),
      ...(!ok && v.cause ? { cause: v.cause } : {}),
      ...(v.cause === 'other-model' && v.answeredBy ? { answered_by: v.answeredBy } : {}),
      detail: ok ? v.summary : `${v.summary} ${v.fix}`.trim(),
    };
  }).finally(() => spin.stop());
  io.stdout.write(flags.json ? `${JSON.stringify({ baseUrl, models: rows }, null, 2)}\n` : terminalSafe(renderModelTests(baseUrl, rows)));
  return rows.every((r) => r.ok) ? EXIT.ok : EXIT.checkFailed;
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
  const ids = served ?? MODEL_IDS;
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
  if (!key) {
    if (flags.test) throw new CliError('No key to test the models with.', EXIT.usage, `Run ${cmd()} first.`);
    note = `no key found; run ${cmd()}`;
  } else {
    const out = makeOutput(io);
    const spin = flags.json ? { stop() {} } : out.spinner(`Asking ${baseUrl}/models`);
    const v = await checkGateway({ baseUrl, key, timeoutSeconds, env: io.env }).finally(() => spin.stop());
    if (v.ok) {
      served = v.models;
      if (flags.test) return testModels(baseUrl, key, served, flags, io);
    } else if (flags.test) {
      // Without the list there is nothing to test: the reason, and no model table pretending otherwise.
      if (flags.json) io.stdout.write(`${JSON.stringify({ baseUrl, models: [], error: { cause: v.cause, summary: v.summary, fix: v.fix } }, null, 2)}\n`);
      else out.error(`${baseUrl}/models failed (${v.cause}): ${v.summary} ${v.fix}`);
      return EXIT.checkFailed;
    } else {
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
