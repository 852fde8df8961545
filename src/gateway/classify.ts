/**
 * Turns the outcome of `GET <base>/models` into a verdict a person can act on: the cause,
 * one sentence about it and the fix. Pure, so setup and doctor share it and tests can walk
 * every branch without a network.
 */
import { cmd } from '../invocation.js';
import { KEY_VAR } from './constants.js';
import type { RouteFacts } from './route.js';
import { MAX_MODELS, servedModels } from './models.js';
import { isLightweightHost } from './urls.js';

/** Causes of a request that got no answer from the gateway: the network between here and there. */
export const NETWORK_CAUSES = [
  'dns',
  'refused',
  'timeout',
  'tls',
  'ca-file',
  'proxy-dns',
  'proxy-refused',
  'proxy-unreachable',
  'proxy-auth',
  'proxy-forbidden',
  'proxy-upstream',
  'proxy-error',
  'connection',
] as const;
export type NetworkCause = (typeof NETWORK_CAUSES)[number];

export function isNetworkCause(cause: string): cause is NetworkCause {
  return (NETWORK_CAUSES as readonly string[]).includes(cause);
}

export type Cause = NetworkCause | 'auth' | 'not-found' | 'rate-limit' | 'server' | 'bad-response';

export type ProbeOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string; elapsedMs: number }
  | { kind: 'error'; code?: string; message: string; elapsedMs: number; timedOut?: boolean; phase?: 'proxy' | 'connect' | 'tls'; status?: number };

export interface CheckContext {
  baseUrl: string;
  /** The model setup writes, to say whether the gateway serves it. */
  model?: string;
  timeoutSeconds: number;
  /** How Codex routes to the gateway from here (the proxy it uses, or why none), to name in reports. */
  route?: RouteFacts;
  /** For where to set CODEX_CA_CERTIFICATE so that Codex started from the desktop has it too. */
  platform?: NodeJS.Platform;
  /** NODE_EXTRA_CA_CERTS' file, when it would make this certificate trusted (Node reads it, Codex does not). */
  nodeExtraCaFixes?: string;
  /** SSL_CERT_FILE stands in for the system's CAs (Codex then trusts only that file). */
  certFileReplacesSystem?: string;
  /** Now, for Retry-After given as a date. */
  now?: number;
  /** Where the key came from, as a person says it ("the key given on standard input"), for the fix of a rejected key. */
  keyOrigin?: string;
  /** The command that runs the check again, for the fix of a timeout (`lightweight doctor`). */
  retry?: string;
}

/** The gateway's own words from an error body (`{"error":{"message"}}`, `{"message"}`, or short text). */
export function gatewayMessage(body: string): string | undefined {
  let text: unknown;
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    text = (typeof j.error === 'object' && j.error !== null ? (j.error as { message?: unknown }).message : j.error) ?? j.message ?? j.detail;
  } catch {
    text = /^\s*</.test(body) ? undefined : body;
  }
  if (typeof text !== 'string') return undefined;
  // One line, printable, short: it comes from the network.
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line && line.length <= 200 ? line : undefined;
}

export type CheckVerdict = (
  | {
      ok: true;
      latencyMs: number;
      models: string[];
      modelServed?: boolean;
      summary: string;
      /** The gateway answered this check, but Codex would not get there the same way (it sends this plain-http URL through a proxy). */
      routeWarning?: { summary: string; fix: string };
    }
  | { ok: false; cause: Cause; summary: string; fix: string; status?: number; retryAfterSeconds?: number; latencyMs: number }
) & { route?: RouteFacts };

/** What a TLS failure means, by OpenSSL's code, in words (never the library's own sentence). */
const TLS_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by a CA Codex does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is signed by a CA Codex does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by a CA Codex does not trust',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a CA Codex does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  CERT_HAS_EXPIRED: "its certificate has expired (or this machine's clock is wrong)",
  CERT_NOT_YET_VALID: "its certificate is not valid yet (or this machine's clock is wrong)",
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  CERT_REVOKED: 'its certificate was revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'what answers there does not speak TLS',
  EPROTO: 'the TLS handshake failed',
};

function isTlsFailure(code: string, phase: string | undefined): boolean {
  return phase === 'tls' || code in TLS_REASONS || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_');
}

/** Where CODEX_CA_CERTIFICATE must be set so that Codex started from the desktop has it too. */
function desktopCa(platform: NodeJS.Platform | undefined, file: string): string {
  if (platform === 'darwin') return `for Codex started from the desktop (the Codex app, VS Code), also run: launchctl setenv CODEX_CA_CERTIFICATE ${file}`;
  if (platform === 'win32') return `as a user environment variable, so that Codex started from the desktop has it too`;
  return `for Codex started from the desktop (the Codex app, VS Code), also put CODEX_CA_CERTIFICATE=${file} in ~/.config/environment.d/codex.conf and log in again`;
}

/** The fix of a certificate Codex does not trust: CODEX_CA_CERTIFICATE, never a Node variable alone, never turning verification off. */
function caFix(ctx: CheckContext): string {
  const file = ctx.nodeExtraCaFixes ?? '<ca.pem>';
  const where = `in your shell's startup file, and ${desktopCa(ctx.platform, file)}`;
  if (ctx.nodeExtraCaFixes) {
    return `NODE_EXTRA_CA_CERTS (${ctx.nodeExtraCaFixes}) holds the CA that signs it, but only Node programs read that variable: set CODEX_CA_CERTIFICATE=${ctx.nodeExtraCaFixes} too, ${where}. Never turn TLS verification off.`;
  }
  const replaced = ctx.certFileReplacesSystem ? ` SSL_CERT_FILE (${ctx.certFileReplacesSystem}) replaces the system's CAs for Codex: prefer CODEX_CA_CERTIFICATE, which adds to them.` : '';
  return `If a corporate proxy or antivirus intercepts TLS, save its CA certificate (PEM) and set CODEX_CA_CERTIFICATE to that file (Codex adds it to the system's CAs), ${where}; check the clock too.${replaced} Never turn TLS verification off.`;
}

function host(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterSeconds(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = String(Array.isArray(value) ? value[0] : value);
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Model ids from an OpenAI-style list (`{"data":[{"id":...}]}`) or a bare array; undefined if it is not one. */
export function parseModelList(body: string): string[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Not JSON: `json` stays undefined, which is not a list either.
  }
  const list = Array.isArray(json) ? json : typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(list)) return undefined;
  const ids = list.map((m) => (typeof m === 'object' && m !== null ? (m as { id?: unknown }).id : undefined));
  return ids.every((id): id is string => typeof id === 'string') ? ids : undefined;
}

/** Why the route Codex takes here may be the culprit, for a failure of a direct connection. */
function routeHint(route: RouteFacts | undefined): string {
  if (route?.exemptedBy) return ` ${route.exemptedBy.variable}'s entry "${route.exemptedBy.entry}" sends it around the proxy ${route.exemptedBy.proxy}, so Codex connects directly: take that entry out if the gateway is reached through the proxy.`;
  if (route?.unused) return ` ${route.unused.why}: if the gateway is reached through that proxy, set HTTPS_PROXY to it too (where Codex starts as well).`;
  return '';
}

/**
 * A request that got no answer, in words: which hop failed (the proxy Codex uses, the
 * connection, TLS) and the fix for that hop. The gateway's own URL is right by definition: no
 * base-URL advice for it.
 */
export function networkFailure(outcome: Extract<ProbeOutcome, { kind: 'error' }>, ctx: CheckContext): { cause: NetworkCause; summary: string; fix: string } {
  const h = host(ctx.baseUrl);
  const ownHost = isLightweightHost(h.replace(/:\d+$/, ''));
  const code = outcome.code ?? '';
  const proxy = ctx.route?.proxy;
  const viaProxy = proxy ? ` (through the proxy ${proxy.shown}, from ${proxy.variable})` : '';
  const out = (cause: NetworkCause, summary: string, fix: string) => ({ cause, summary, fix });
  if (code === 'LW_CA_FILE') return out('ca-file', `${outcome.message}: Codex makes no connection at all while it does.`, 'Point it at the PEM file of your proxy\'s CA certificate, or unset it.');
  if (outcome.phase === 'proxy' && proxy) {
    const p = `The proxy ${proxy.shown} (${proxy.variable})`;
    const proxyHost = proxy.shown.replace(/^[a-z0-9]+:\/\//, '').replace(/:\d+$/, '');
    const status = outcome.status;
    const socks = code === 'LW_PROXY_SOCKS';
    if (outcome.timedOut || code === 'LW_TIMEOUT' || code === 'LW_PROXY_UNREACHABLE') {
      return out('proxy-unreachable', `${p} ${code === 'LW_PROXY_UNREACHABLE' ? 'cannot be reached from this machine' : `did not answer within ${ctx.timeoutSeconds} s`}.`, `Check that the proxy runs and that this machine can reach it (VPN?), or correct ${proxy.variable}; Codex uses the same proxy.`);
    }
    if (code === 'LW_PROXY_DNS') return out('proxy-dns', `The proxy's host name ${proxyHost} (from ${proxy.variable}) could not be resolved.`, `Check ${proxy.variable} for a typo; a company proxy's name may resolve only on the company network or VPN.`);
    if (code === 'LW_PROXY_REFUSED') return out('proxy-refused', `${p} refused the connection: nothing listens at that address.`, `Start the proxy (or the VPN that provides it), or correct ${proxy.variable}; if this network needs no proxy, unset it (Codex would use it too).`);
    if ((code === 'LW_PROXY_STATUS' && status === 407)) {
      return out('proxy-auth', `${p} asks for a login (${socks ? 'SOCKS' : 'HTTP 407'}).`, `Put your proxy login in ${proxy.variable}: ${proxy.shown.replace('//', '//user:password@')} (percent-encode special characters); Codex reads it there too.`);
    }
    if ((code === 'LW_PROXY_STATUS' && status === 403) || (socks && status === 2)) {
      return out('proxy-forbidden', `${p} refused to open a connection to ${h} (${socks ? 'SOCKS: not allowed' : 'HTTP 403'}).`, `Ask your network administrator to allow ${h} through the proxy.`);
    }
    if ((code === 'LW_PROXY_STATUS' && (status === 502 || status === 503 || status === 504)) || (socks && (status === 3 || status === 4 || status === 5 || status === 6))) {
      return out(
        'proxy-upstream',
        `${p} could not reach ${h} (${socks ? `SOCKS reply ${status}` : `HTTP ${status}`}): it cannot resolve or connect to that host.`,
        ownHost ? `The URL is the gateway's own: ask your network administrator whether the proxy can reach ${h}.` : `Check the host in the base URL, or ask your network administrator whether the proxy can reach ${h}.`,
      );
    }
    if (isTlsFailure(code, undefined)) return out('tls', `The TLS connection to the proxy ${proxy.shown} failed: ${TLS_REASONS[code] ?? `TLS error ${code}`}.`, caFix(ctx));
    const said = code === 'LW_PROXY_STATUS' ? `answered CONNECT with HTTP ${status}` : code === 'LW_PROXY_SOCKS' ? `answered with SOCKS reply ${status}` : outcome.message.replace(/^the proxy /, '');
    return out('proxy-error', `${p} ${said}.`, `Check ${proxy.variable}: it must name a proxy that opens HTTPS tunnels (CONNECT) or a SOCKS5 proxy.`);
  }
  if (outcome.timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT' || code === 'LW_TIMEOUT') {
    return out(
      'timeout',
      `${h} did not answer within ${ctx.timeoutSeconds} s${viaProxy}.`,
      `Check your network, VPN or proxy${proxy ? '' : ' (HTTPS_PROXY)'}, or give it longer: ${ctx.retry ?? cmd('doctor')} --timeout ${Math.min(600, Math.max(30, ctx.timeoutSeconds * 3))}.`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    const hint = routeHint(ctx.route);
    return out(
      'dns',
      `The host name ${h} could not be resolved.`,
      hint
        ? hint.trim()
        : ownHost
          ? 'This machine cannot look up the gateway: check its network connection, DNS or VPN; if this network reaches the internet through a proxy, set HTTPS_PROXY (Codex uses it for https:// URLs).'
          : 'Check the base URL for typos, and that this machine has DNS (or set HTTPS_PROXY if you must use a proxy).',
    );
  }
  if (code === 'LW_NOT_LOOPBACK') {
    return out(
      'refused',
      `${outcome.message}, not only to this machine, so the key was not sent over plain http.`,
      'Use http://127.0.0.1:<port>/v1 for a gateway on this machine (or fix localhost in /etc/hosts), and https:// for any other.',
    );
  }
  if (code === 'ECONNREFUSED') {
    return out(
      'refused',
      `${h} refused the connection.`,
      routeHint(ctx.route).trim() ||
        (ownHost
          ? 'The URL is the gateway\'s own: a firewall or VPN blocks it here, or this network reaches the internet only through a proxy (set HTTPS_PROXY).'
          : 'Nothing listens at that host and port: check the port in the base URL, and that the gateway is running.'),
    );
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return out('refused', `${h} cannot be reached from this machine (${code}).`, `${routeHint(ctx.route).trim() || 'Check your network connection, VPN or firewall.'}`);
  }
  if (isTlsFailure(code, outcome.phase)) {
    return out('tls', `Codex would not trust ${h}: ${TLS_REASONS[code] ?? `TLS error${code ? ` ${code}` : ''}`}${viaProxy}.`, caFix(ctx));
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'LW_PROXY_CLOSED') {
    return out('connection', `The connection to ${h} was closed before an answer${viaProxy}.`, `Retry in a minute; if it keeps failing, something between you and the gateway (a proxy, a firewall) cuts the connection.`);
  }
  return out('connection', `The connection to ${h} failed${code ? ` (${code})` : ''}${viaProxy}.`, 'Retry in a minute; if it keeps failing, check your network or proxy.');
}

export function classify(outcome: ProbeOutcome, ctx: CheckContext): CheckVerdict {
  const h = host(ctx.baseUrl);
  const latencyMs = Math.round(outcome.elapsedMs);
  // Every verdict says how the request went (the proxy, or why none), for the reports that name it.
  const via = ctx.route ? { route: ctx.route } : {};
  const fail = (cause: Cause, summary: string, fix: string, extra: Partial<Extract<CheckVerdict, { ok: false }>> = {}): CheckVerdict => ({
    ok: false,
    cause,
    summary,
    fix,
    latencyMs,
    ...extra,
    ...via,
  });
  if (outcome.kind === 'error') {
    const n = networkFailure(outcome, ctx);
    return fail(n.cause, n.summary, n.fix);
  }

  const { status } = outcome;
  const said = gatewayMessage(outcome.body);
  const saying = said ? `: ${said}` : '';
  if (status === 401 || status === 403) {
    const which = ctx.keyOrigin ?? `the key in ${KEY_VAR}`;
    return fail(
      'auth',
      `The gateway rejected the key (HTTP ${status}${saying}).`,
      status === 403 && ctx.model
        ? `The gateway refused ${which}${said ? '' : ' for this request'}: check that it may use the gateway (and ${ctx.model}); copy it again from the Lightweight dashboard if it was revoked, and run ${cmd()} again.`
        : `${which[0]!.toUpperCase()}${which.slice(1)} is mistyped or revoked: copy it again from the Lightweight dashboard and run ${cmd()} again.`,
      { status },
    );
  }
  if (status === 404) {
    const noV1 = !/\/v1$/.test(new URL(ctx.baseUrl).pathname);
    return fail(
      'not-found',
      `${ctx.baseUrl}/models was not found (HTTP 404).`,
      noV1 ? `The base URL must end in /v1: try ${ctx.baseUrl.replace(/\/+$/, '')}/v1.` : 'Check the base URL; the gateway\'s is https://api.lightweight.one/v1.',
      { status },
    );
  }
  if (status === 429) {
    const wait = retryAfterSeconds(outcome.headers['retry-after'], ctx.now);
    return fail(
      'rate-limit',
      `The gateway is rate-limiting this key (HTTP 429${saying})${wait !== undefined ? `; retry after ${wait} s` : ''}.`,
      `Wait${wait !== undefined ? ` ${wait} s` : ' a minute'} and run the check again (${cmd('doctor')}); if it persists, ask your administrator about the per-user limit.`,
      { status, ...(wait !== undefined ? { retryAfterSeconds: wait } : {}) },
    );
  }
  if (status >= 500) {
    return fail('server', `The gateway had a server error (HTTP ${status}${saying}).`, `This is on the gateway's side: retry in a few minutes (${ctx.retry ?? cmd('doctor')}).`, { status });
  }
  if (status >= 300 && status < 400) {
    const loc = outcome.headers.location;
    return fail(
      'bad-response',
      `The gateway redirected (HTTP ${status}${loc ? ` to ${Array.isArray(loc) ? loc[0] : loc}` : ''}); the key is not sent on redirects.`,
      'Set --base-url to the final URL, ending in /v1.',
      { status },
    );
  }
  if (status !== 200) {
    return fail('bad-response', `The gateway answered HTTP ${status}${saying} instead of a model list.`, 'Check that the base URL points at an OpenAI-compatible gateway and ends in /v1.', { status });
  }
  const listed = parseModelList(outcome.body);
  if (!listed) {
    const looksHtml = /^\s*</.test(outcome.body);
    return fail(
      'bad-response',
      `${ctx.baseUrl}/models did not return a JSON model list${looksHtml ? ' (it returned an HTML page, perhaps a captive portal or proxy login)' : ''}.`,
      'Check that the base URL points at the Lightweight gateway (https://api.lightweight.one/v1).',
      { status },
    );
  }
  // Only names this tool can repeat safely, and not too many of them; what was left out is said.
  const served = servedModels(listed);
  const models = served.models;
  const leftOut = [served.unusable ? `${served.unusable} with characters no model name has` : '', served.beyondLimit ? `${served.beyondLimit} beyond the first ${MAX_MODELS}` : ''].filter(Boolean);
  const modelServed = ctx.model ? models.includes(ctx.model) : undefined;
  const plain = ctx.route?.codexProxiesPlainHttp;
  const hostname = h.replace(/:\d+$/, '');
  return {
    ...via,
    ok: true,
    latencyMs,
    models,
    ...(modelServed !== undefined ? { modelServed } : {}),
    ...(plain
      ? {
          routeWarning: {
            summary: `Codex sends requests for ${ctx.baseUrl} through the proxy ${plain.shown} (${plain.variable}): it does not exempt this machine by itself, and the proxy cannot reach a gateway that runs here. (This check went directly: the key never crosses a proxy in clear.)`,
            fix: `Add ${hostname} to NO_PROXY where Codex starts (for example: export NO_PROXY=${hostname}).`,
          },
        }
      : {}),
    summary: `The gateway at ${h} answered in ${latencyMs} ms with ${models.length} model${models.length === 1 ? '' : 's'}${leftOut.length ? ` (${leftOut.join(' and ')} left out)` : ''}.`,
  };
}
