import { CliError } from '../errors.js';
import { GATEWAY_URLS, type GatewayEnv } from './constants.js';

export interface BaseUrlCheck {
  url: string;
  /** Advice that does not stop setup (for example a path without /v1). */
  warnings: string[];
  /** What was corrected in what was typed (a pasted endpoint path, a missing /v1 on the gateway's own hosts). */
  notes: string[];
}

/** Endpoint paths people paste with the base URL: the base is what comes before them. */
const ENDPOINTS = ['/models', '/responses', '/chat/completions', '/completions'];

/** The Lightweight gateway's own hosts, whose base URL is always <host>/v1. */
export function isLightweightHost(hostname: string): boolean {
  return Object.values(GATEWAY_URLS).some((u) => new URL(u).hostname === hostname.toLowerCase());
}

/**
 * A host that is this machine: a loopback literal, or `localhost` (which the check then requires
 * to resolve to loopback addresses only). Names under `.localhost` are not: most resolvers send
 * them to DNS like any other name, and DNS can point them anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  // An IPv6 literal comes bracketed from a URL ([::1]).
  return h === 'localhost' || isLoopbackAddress(h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (an address, not a name). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return /^127(\.\d{1,3}){3}$/.test(a) || a === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(a);
}

/**
 * Validates a gateway base URL and returns it in the one form this tool writes:
 * scheme, host, port and path, no trailing slash. Anything that would leak the key
 * (credentials in the URL, plain http to another machine) or that Codex cannot use is
 * refused with the reason.
 */
export function normalizeBaseUrl(input: string, opts: { correct?: boolean } = {}): BaseUrlCheck {
  const raw = input.trim();
  if (raw === '') throw new CliError('The base URL is empty.', 2, `Use for example ${GATEWAY_URLS.production}.`);
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) {
    throw new CliError(`The base URL "${printable(raw)}" contains spaces or control characters.`, 2);
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    throw new CliError(`The base URL "${raw}" has no scheme.`, 2, `Did you mean https://${raw.replace(/^\/+/, '')}?`);
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`The base URL "${raw}" is not a valid URL.`, 2, `Use for example ${GATEWAY_URLS.production}.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new CliError(`The base URL must use https:// (got ${u.protocol}).`, 2, `Use for example ${GATEWAY_URLS.production}.`);
  }
  if (u.username || u.password) {
    throw new CliError(
      'The base URL contains a user name or password.',
      2,
      'Leave credentials out of the URL: the key is sent as a bearer token from LIGHTWEIGHT_API_KEY.',
    );
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new CliError(
      `Plain http:// is only allowed for this machine (localhost, 127.0.0.1, ::1), not ${u.hostname}.`,
      2,
      'Use https:// so the key is not sent in clear text.',
    );
  }
  if (u.search || u.hash) {
    throw new CliError('The base URL must not have a query string or fragment.', 2, `Use for example ${GATEWAY_URLS.production}.`);
  }
  let path = u.pathname.replace(/\/+$/, '');
  const warnings: string[] = [];
  const notes: string[] = [];
  // Typed by the user (setup's --base-url), a pasted endpoint or a missing /v1 on the gateway's
  // own hosts is corrected; read from config.toml, the value is what Codex uses, so it is judged as it is.
  const endpoint = opts.correct ? ENDPOINTS.find((e) => path.endsWith(e)) : undefined;
  if (endpoint && path.length > endpoint.length) {
    path = path.slice(0, -endpoint.length);
    notes.push(`Took the base URL ${u.protocol}//${u.host}${path}: ${endpoint} is an endpoint under it, which Codex adds itself.`);
  }
  if (opts.correct && isLightweightHost(u.hostname) && path === '') {
    path = '/v1';
    notes.push(`Took the base URL ${u.protocol}//${u.host}/v1: the gateway's API is under /v1.`);
  }
  const url = `${u.protocol}//${u.host}${path}`;
  if (!/\/v1$/.test(path)) {
    warnings.push(`The base URL ${url} does not end in /v1, and OpenAI-compatible gateways usually answer 404 without it: did you mean ${url}/v1?`);
  }
  return { url, warnings, notes };
}

/** Which gateway a base URL points at, so switches and reports can name it. */
export function environmentOf(url: string): GatewayEnv | 'custom' {
  const trimmed = url.trim().replace(/\/+$/, '');
  for (const [env, u] of Object.entries(GATEWAY_URLS)) if (u === trimmed) return env as GatewayEnv;
  return 'custom';
}

export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
