/**
 * The network requests this tool makes: GET <base>/models with the bearer key (and, for
 * `doctor --live` and `models --test`, one streaming POST <base>/responses), through
 * undici over a connection opened the way Codex opens it (connect.ts), bounded by a single
 * deadline. Redirects are not followed (the key must never go to another host) and TLS
 * verification is never relaxed, whatever the environment says.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { Agent } from './undici.js';
import type { ProbeOutcome } from './classify.js';
import { openConnection } from './connect.js';
import { bareHost, codexRoute, proxyAllowed, type RouteFacts } from './route.js';
import { loadTrust, secureContextFor, TrustError, type Trust } from './trust.js';
import { isLoopbackAddress } from './urls.js';
import { LIVE_PROMPT, SseReader, type DirectOutcome } from './live.js';

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

/**
 * How to connect for one request to `url`: the way Codex connects (its proxy, its trusted
 * certificates), with `localhost` pinned to the loopback addresses it was checked against.
 * Plain http (this machine only) never goes through a proxy.
 */
async function connectionFor(url: string, opts: ProbeOptions, signal: AbortSignal): Promise<{ open: () => Promise<Socket>; route: RouteFacts } | { failed: NoAnswer; route: RouteFacts }> {
  const target = new URL(url);
  const route = codexRoute(url, opts.env);
  const usable = route.proxy && proxyAllowed(url) ? route.proxy : undefined;
  const facts: RouteFacts = {
    ...(usable ? { proxy: { shown: usable.shown, variable: usable.variable } } : {}),
    ...(route.exemptedBy ? { exemptedBy: route.exemptedBy } : {}),
    ...(route.unused ? { unused: route.unused } : {}),
    ...(route.proxy && !usable ? { codexProxiesPlainHttp: { shown: route.proxy.shown, variable: route.proxy.variable } } : {}),
  };
  const pinned = usable ? {} : await pinLocalhost(target.hostname);
  if (pinned.refused !== undefined) return { failed: { code: 'LW_NOT_LOOPBACK', message: `localhost resolves to ${pinned.refused} on this machine`, timedOut: false, elapsedMs: 0 }, route: facts };
  const tls = target.protocol === 'https:';
  let trust: Trust | undefined;
  if (tls || usable?.url.protocol === 'https:') {
    try {
      trust = await loadTrust(opts.env);
    } catch (err) {
      if (!(err instanceof TrustError)) throw err;
      return { failed: { code: 'LW_CA_FILE', message: err.message, timedOut: false, elapsedMs: 0, phase: 'tls' }, route: facts };
    }
  }
  const endpoint = { host: bareHost(target), port: Number(target.port) || (tls ? 443 : 80), tls };
  const open = () =>
    openConnection({
      ...endpoint,
      ...(usable ? { proxy: usable } : {}),
      ...(trust ? { secureContext: () => secureContextFor(trust) } : {}),
      ...(pinned.lookup ? { lookup: pinned.lookup } : {}),
      signal,
    });
  return { open, route: facts };
}

/** The dispatcher for one request to `url`, over the connection connectionFor opens. */
async function dispatcherFor(url: string, opts: ProbeOptions, signal: AbortSignal): Promise<{ dispatcher: Dispatcher; route: RouteFacts } | { failed: NoAnswer; route: RouteFacts }> {
  const c = await connectionFor(url, opts, signal);
  if ('failed' in c) return c;
  const connect = (_o: unknown, cb: (err: Error | null, socket: Socket | null) => void) => {
    c.open().then(
      (s) => cb(null, s),
      (e: Error) => cb(e, null),
    );
  };
  return { dispatcher: new Agent({ connect: connect as never, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, connections: 1 }), route: c.route };
}

/** How a request that got no answer failed. */
interface NoAnswer {
  code?: string;
  message: string;
  timedOut: boolean;
  elapsedMs: number;
  /** Which hop failed: the proxy, the connection to the gateway, or TLS with it. */
  phase?: 'proxy' | 'connect' | 'tls';
  /** The proxy's answer to CONNECT, or a SOCKS reply code. */
  status?: number;
}

/** The hop a failure came from, and the proxy's status, wherever they sit in the error's causes. */
function hopOf(err: unknown): { phase?: NoAnswer['phase']; status?: number } {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { phase, status } = e as { phase?: unknown; status?: unknown };
    if (phase === 'proxy' || phase === 'connect' || phase === 'tls') return { phase, ...(typeof status === 'number' ? { status } : {}) };
  }
  return {};
}

/**
 * One request to `url` with the bearer key, bounded by the deadline: the dispatcher (with
 * Codex's route and trust, and the loopback rules), the timer and the clean-up are here;
 * `read` takes the response (its body included) while the deadline still runs.
 */
async function send<T>(
  url: string,
  key: string,
  opts: ProbeOptions,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  read: (res: Dispatcher.ResponseData, elapsed: () => number) => Promise<T>,
): Promise<({ answered: T } | { failed: NoAnswer }) & { route: RouteFacts }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const made = await dispatcherFor(url, opts, controller.signal);
  if ('failed' in made) {
    clearTimeout(timer);
    return made;
  }
  const { dispatcher, route } = made;
  try {
    const target = new URL(url);
    const res = await dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method,
      headers: { authorization: `Bearer ${key}`, 'user-agent': `lightweight-setup/${__VERSION__}`, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: controller.signal,
    });
    return { answered: await read(res, elapsed), route };
  } catch (err) {
    const code = errorCode(err);
    return { failed: { message: errorMessage(err), timedOut: controller.signal.aborted, elapsedMs: elapsed(), ...(code ? { code } : {}), ...hopOf(err) }, route };
  } finally {
    clearTimeout(timer);
    // Closing waits for nothing: the request is done, and a hung server must not hold the process.
    void dispatcher.destroy().catch(() => {});
  }
}

/**
 * Whether a TLS connection to `url` can be set up in this environment (the way Codex connects),
 * without sending anything: used to test a CA that Codex does not read before naming it as the
 * fix. The key never goes over a connection only that CA vouches for.
 */
export async function tlsHandshakes(url: string, opts: ProbeOptions): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const c = await connectionFor(url, opts, controller.signal);
    if ('failed' in c) return false;
    (await c.open()).destroy();
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function probeModels(baseUrl: string, key: string, opts: ProbeOptions): Promise<ProbeOutcome & { route: RouteFacts }> {
  const sent = await send(`${baseUrl.replace(/\/+$/, '')}/models`, key, opts, { method: 'GET', headers: { accept: 'application/json' } }, async (res, elapsed) => {
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
      kind: 'response' as const,
      status: res.statusCode,
      headers: res.headers as Record<string, string | string[] | undefined>,
      body: Buffer.concat(chunks).toString('utf8'),
      elapsedMs: elapsed(),
    };
  });
  return 'answered' in sent ? { ...sent.answered, route: sent.route } : { kind: 'error', ...sent.failed, route: sent.route };
}

/**
 * One real request the way Codex makes it: a streaming `POST <base>/responses` with the model and
 * a one-word prompt, read to its end (or the deadline). Times are from the request's start.
 */
export async function streamResponse(baseUrl: string, key: string, model: string, opts: ProbeOptions): Promise<DirectOutcome & { route: RouteFacts }> {
  const init = {
    method: 'POST' as const,
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    // store: false, so the test leaves nothing behind in the account's stored responses.
    body: JSON.stringify({ model, input: LIVE_PROMPT, stream: true, store: false }),
  };
  const sent = await send(`${baseUrl.replace(/\/+$/, '')}/responses`, key, opts, init, async (res, elapsed) => {
    const contentType = String(res.headers['content-type'] ?? '');
    const retryAfter = res.headers['retry-after'];
    const reader = /^text\/event-stream\b/i.test(contentType) && res.statusCode < 300 ? new SseReader() : undefined;
    let body = '';
    let size = 0;
    for await (const chunk of res.body) {
      const text = (chunk as Buffer).toString('utf8');
      size += (chunk as Buffer).length;
      if (reader) reader.feed(text, elapsed());
      else if (body.length < 4096) body += text;
      if (size > MAX_BODY_BYTES) {
        res.body.destroy();
        break;
      }
    }
    return {
      kind: 'response' as const,
      status: res.statusCode,
      contentType,
      body,
      ...(reader ? { stream: reader.end(elapsed()) } : {}),
      totalMs: elapsed(),
      ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
    };
  });
  if ('answered' in sent) return { ...sent.answered, route: sent.route };
  const { elapsedMs, ...failed } = sent.failed;
  return { kind: 'error', ...failed, totalMs: elapsedMs, route: sent.route };
}
