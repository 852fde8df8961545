/**
 * Turns the outcome of `GET <base>/models` into a verdict a person can act on: the cause,
 * one sentence about it and the fix. Pure, so setup and doctor share it and tests can walk
 * every branch without a network.
 */
import { cmd } from '../invocation.js';
import { KEY_VAR } from './constants.js';
import { isLightweightHost } from './urls.js';

export type Cause = 'dns' | 'refused' | 'timeout' | 'tls' | 'auth' | 'not-found' | 'rate-limit' | 'server' | 'bad-response';

export type ProbeOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string; elapsedMs: number }
  | { kind: 'error'; code?: string; message: string; elapsedMs: number; timedOut?: boolean };

export interface CheckContext {
  baseUrl: string;
  /** The model setup writes, to say whether the gateway serves it. */
  model?: string;
  timeoutSeconds: number;
  /** The proxy the request went through, if any, to mention when it fails. */
  proxy?: string;
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

export type CheckVerdict =
  | { ok: true; latencyMs: number; models: string[]; modelServed?: boolean; summary: string }
  | { ok: false; cause: Cause; summary: string; fix: string; status?: number; retryAfterSeconds?: number; latencyMs: number };

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'ECONNRESET_TLS',
]);

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

export function classify(outcome: ProbeOutcome, ctx: CheckContext): CheckVerdict {
  const h = host(ctx.baseUrl);
  const latencyMs = Math.round(outcome.elapsedMs);
  const fail = (cause: Cause, summary: string, fix: string, extra: Partial<Extract<CheckVerdict, { ok: false }>> = {}): CheckVerdict => ({
    ok: false,
    cause,
    summary,
    fix,
    latencyMs,
    ...extra,
  });
  const viaProxy = ctx.proxy ? ` (through the proxy ${ctx.proxy})` : '';
  // The gateway's own host is spelled right; for another URL a typo is a likely cause.
  const ownHost = isLightweightHost(h.replace(/:\d+$/, ''));

  if (outcome.kind === 'error') {
    const code = outcome.code ?? '';
    if (outcome.timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
      return fail(
        'timeout',
        `${h} did not answer within ${ctx.timeoutSeconds} s${viaProxy}.`,
        `Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: ${ctx.retry ?? cmd('doctor')} --timeout ${Math.min(600, Math.max(30, ctx.timeoutSeconds * 3))}.`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      return fail(
        'dns',
        `The host name ${h} could not be resolved${viaProxy}.`,
        ownHost
          ? 'This machine cannot look up the gateway: check its network connection, DNS or VPN (or set HTTPS_PROXY if you must use a proxy).'
          : 'Check the base URL for typos, and that this machine has DNS (or set HTTPS_PROXY if you must use a proxy).',
      );
    }
    if (code === 'LW_NOT_LOOPBACK') {
      return fail(
        'refused',
        `${outcome.message}, not only to this machine, so the key was not sent over plain http.`,
        'Use http://127.0.0.1:<port>/v1 for a gateway on this machine (or fix localhost in /etc/hosts), and https:// for any other.',
      );
    }
    if (code === 'ECONNREFUSED') {
      return fail('refused', `${h} refused the connection${viaProxy}.`, 'The base URL must be exactly https://api.lightweight.one/v1 (or your gateway\'s URL ending in /v1); check the port and any proxy.');
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
      return fail('refused', `${h} cannot be reached from this machine (${code})${viaProxy}.`, 'Check your network connection, VPN or firewall.');
    }
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|ssl|tls/i.test(outcome.message)) {
      return fail(
        'tls',
        `The TLS connection to ${h} failed: ${outcome.message}.`,
        'If a corporate proxy or antivirus intercepts TLS, point NODE_EXTRA_CA_CERTS at its CA certificate (PEM) and retry; check the system clock too. Never disable TLS verification.',
      );
    }
    return fail('server', `The connection to ${h} failed: ${outcome.message}${code ? ` (${code})` : ''}.`, 'Retry in a minute; if it keeps failing, check your network or proxy.');
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
  const models = parseModelList(outcome.body);
  if (!models) {
    const looksHtml = /^\s*</.test(outcome.body);
    return fail(
      'bad-response',
      `${ctx.baseUrl}/models did not return a JSON model list${looksHtml ? ' (it returned an HTML page, perhaps a captive portal or proxy login)' : ''}.`,
      'Check that the base URL points at the Lightweight gateway (https://api.lightweight.one/v1).',
      { status },
    );
  }
  const modelServed = ctx.model ? models.includes(ctx.model) : undefined;
  return {
    ok: true,
    latencyMs,
    models,
    ...(modelServed !== undefined ? { modelServed } : {}),
    summary: `The gateway at ${h} answered in ${latencyMs} ms with ${models.length} model${models.length === 1 ? '' : 's'}.`,
  };
}
