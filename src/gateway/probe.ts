/**
 * The one network request this tool makes: GET <base>/models with the bearer key, through
 * undici, bounded by a single deadline. Redirects are not followed (the key must never go
 * to another host) and TLS verification is never relaxed.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undici.js';
import type { ProbeOutcome } from './classify.js';
import { proxyFor } from './proxy.js';
import { isLoopbackAddress } from './urls.js';

/** Model lists are small; a body beyond this is not one, and reading on would only waste the deadline. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ProbeOptions {
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown };
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return (e?.message ?? String(err)).replace(/\.$/, '');
}

/**
 * `localhost` counts as this machine only if it resolves to loopback addresses and nothing else
 * (a hosts file or resolver can point it away); the connection then uses exactly the addresses
 * checked, so a second lookup cannot send the key elsewhere.
 */
export async function pinLocalhost(
  hostname: string,
  resolve: (host: string) => Promise<LookupAddress[]> = (host) => dnsLookup(host, { all: true }),
): Promise<{ lookup?: LookupFunction; refused?: string }> {
  if (hostname.toLowerCase() !== 'localhost') return {};
  let addrs: LookupAddress[];
  try {
    addrs = await resolve(hostname);
  } catch {
    return {}; // The connection attempt reports it.
  }
  const away = addrs.filter((a) => !isLoopbackAddress(a.address));
  if (addrs.length === 0 || away.length) return { refused: away.map((a) => a.address).join(', ') || 'nothing' };
  const lookup = ((_host: string, options: { all?: boolean; family?: number }, cb: (...args: unknown[]) => void) => {
    const fit = addrs.filter((a) => !options.family || a.family === options.family);
    const use = fit.length ? fit : addrs;
    if (options.all) cb(null, use);
    else cb(null, use[0]!.address, use[0]!.family);
  }) as unknown as LookupFunction;
  return { lookup };
}

export async function probeModels(baseUrl: string, key: string, opts: ProbeOptions): Promise<ProbeOutcome & { proxy?: string }> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  const proxy = proxyFor(url, opts.env);
  const pinned = await pinLocalhost(new URL(url).hostname);
  if (pinned.refused !== undefined) {
    return { kind: 'error', code: 'LW_NOT_LOOPBACK', message: `localhost resolves to ${pinned.refused} on this machine`, elapsedMs: 0 };
  }
  const agentOptions = { connect: { timeout: opts.timeoutMs, ...(pinned.lookup ? { lookup: pinned.lookup } : {}) }, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, connections: 1 };
  const dispatcher: Dispatcher = proxy
    ? new EnvHttpProxyAgent({
        ...agentOptions,
        httpProxy: opts.env.http_proxy ?? opts.env.HTTP_PROXY,
        httpsProxy: opts.env.https_proxy ?? opts.env.HTTPS_PROXY,
        noProxy: opts.env.no_proxy ?? opts.env.NO_PROXY,
      })
    : new Agent(agentOptions);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const target = new URL(url);
    const res = await dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers: { authorization: `Bearer ${key}`, accept: 'application/json', 'user-agent': `lightweight-setup/${__VERSION__}` },
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.body.destroy();
        break;
      }
      chunks.push(chunk as Buffer);
    }
    return {
      kind: 'response',
      status: res.statusCode,
      headers: res.headers as Record<string, string | string[] | undefined>,
      body: Buffer.concat(chunks).toString('utf8'),
      elapsedMs: elapsed(),
      ...(proxy ? { proxy } : {}),
    };
  } catch (err) {
    const timedOut = controller.signal.aborted;
    const code = errorCode(err);
    return { kind: 'error', message: errorMessage(err), elapsedMs: elapsed(), timedOut, ...(code ? { code } : {}), ...(proxy ? { proxy } : {}) };
  } finally {
    clearTimeout(timer);
    // Closing waits for nothing: the request is done, and a hung server must not hold the process.
    void dispatcher.destroy().catch(() => {});
  }
}
