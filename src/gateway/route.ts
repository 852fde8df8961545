/**
 * How Codex reaches a URL from this environment: which proxy it uses (if any) and which
 * certificates it trusts. Pure, so setup, doctor and `models` judge the network the way Codex
 * sees it, and tests walk every rule without a network.
 *
 * Every rule below was measured with the real Codex 0.171 on Linux (`codex exec` through a
 * CONNECT proxy and a TLS-intercepting front with a private CA; see codex-network.md and
 * test/real/network.test.ts), not read off documentation. Codex's HTTP client is reqwest,
 * whose rules differ from Node's and curl's in ways that matter here:
 *
 * - https URLs use HTTPS_PROXY, else https_proxy; http URLs use HTTP_PROXY, else http_proxy
 *   (never HTTPS_PROXY); either scheme falls back to ALL_PROXY, else all_proxy. The upper-case
 *   name wins over the lower-case one, and a variable that is set but empty still wins over its
 *   lower-case twin (it then counts as "no proxy for this scheme" and ALL_PROXY is tried).
 * - A value without a scheme is an http:// proxy; one that is not a URL at all means no proxy.
 * - This machine is NOT exempt: Codex sends https://127.0.0.1 through the proxy too.
 * - NO_PROXY (else no_proxy, the upper-case one winning even when empty) is split at commas
 *   only, each entry trimmed. An entry is an IP address or CIDR range (matching only hosts
 *   written as IP addresses), `*` (everything), or a domain that matches itself and, at a dot
 *   boundary, its subdomains (`lightweight.one` and `.lightweight.one` both exempt
 *   api.lightweight.one; `ight.one` does not), compared without case. `*.lightweight.one`,
 *   `api.lightweight.one:443` and `https://api.lightweight.one` match nothing.
 * - Trust: the system's CA store (on Linux the bundle OpenSSL would use, and the certificates
 *   in SSL_CERT_DIR), plus CODEX_CA_CERTIFICATE, which adds to it. SSL_CERT_FILE instead
 *   REPLACES the system store (and is added as Codex's own CA file when CODEX_CA_CERTIFICATE is
 *   not set). NODE_EXTRA_CA_CERTS, NODE_TLS_REJECT_UNAUTHORIZED and NODE_OPTIONS change nothing
 *   for Codex, and so nothing for this check.
 */
import { BlockList, isIP } from 'node:net';

export type ProxyVariable = 'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy' | 'ALL_PROXY' | 'all_proxy';

export interface ProxyChoice {
  /** The proxy, credentials included (they go into Proxy-Authorization, never on screen). */
  url: URL;
  /** scheme://host:port, without credentials: what reports show. */
  shown: string;
  /** The variable Codex took it from. */
  variable: ProxyVariable;
}

export interface Route {
  proxy?: ProxyChoice;
  /** The NO_PROXY entry that sends this host directly although a proxy is set. */
  exemptedBy?: { variable: 'NO_PROXY' | 'no_proxy'; entry: string; proxy: string };
  /** A proxy variable Codex ignores for this URL, worth naming when the direct connection fails. */
  unused?: { variable: ProxyVariable; why: string };
}

const get = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[name];

/** The first of the names that is set at all (an empty value counts as set), with its name. */
function firstSet<N extends string>(env: NodeJS.ProcessEnv, names: readonly N[]): { name: N; value: string } | undefined {
  for (const name of names) {
    const value = get(env, name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/** A proxy variable's value as Codex reads it: a URL, `host:port` meaning http, anything else none. */
export function parseProxy(value: string): URL | undefined {
  if (value === '' || /\s/.test(value)) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  return PROXY_SCHEMES.has(u.protocol) && u.hostname !== '' ? u : undefined;
}

/** scheme://host:port without the credentials. */
export function showProxy(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/** The host of a URL as a name or address to connect to and to compare: lower case, an IPv6 literal without brackets. */
export function bareHost(u: URL): string {
  return u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** Whether an IP address lies in an NO_PROXY entry that is an address or a CIDR range; undefined when the entry is neither. */
function inRange(host: string, entry: string): boolean | undefined {
  const [addr, bits, extra] = entry.split('/');
  const family = addr ? isIP(addr) : 0;
  if (extra !== undefined || family === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  const hostFamily = isIP(host);
  if (hostFamily === 0) return false;
  const list = new BlockList();
  list.addSubnet(addr!, prefix, type);
  return list.check(host, hostFamily === 4 ? 'ipv4' : 'ipv6');
}

/** The NO_PROXY entry that exempts `host`, if any (see the rules at the top). */
export function noProxyMatch(host: string, list: string): string | undefined {
  const h = host.toLowerCase();
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const ip = inRange(h, entry);
    if (ip !== undefined) {
      if (ip) return entry;
      continue;
    }
    const d = entry.toLowerCase();
    if (d === '*') return entry;
    const bare = d.startsWith('.') ? d.slice(1) : d;
    if (h === d || h === bare || h.endsWith(`.${bare}`)) return entry;
  }
  return undefined;
}

/** Which proxy Codex uses for `url` in this environment, and why (see the rules at the top). */
export function codexRoute(url: string, env: NodeJS.ProcessEnv): Route {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const own = firstSet<ProxyVariable>(env, https ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy']);
  const fallback = firstSet<ProxyVariable>(env, ['ALL_PROXY', 'all_proxy']);
  const chosen = own && own.value !== '' ? own : fallback && fallback.value !== '' ? fallback : undefined;
  const other = firstSet<ProxyVariable>(env, https ? ['HTTP_PROXY', 'http_proxy'] : ['HTTPS_PROXY', 'https_proxy']);
  const unused: Route['unused'] =
    !chosen && other?.value
      ? { variable: other.name, why: `Codex uses ${other.name} only for ${https ? 'http://' : 'https://'} URLs; this one is ${https ? 'https://' : 'http://'}` }
      : undefined;
  if (!chosen) return unused ? { unused } : {};
  const proxy = parseProxy(chosen.value);
  if (!proxy) return { unused: { variable: chosen.name, why: `${chosen.name} is not a proxy URL Codex can use, so Codex connects directly` } };
  const no = firstSet(env, ['NO_PROXY', 'no_proxy'] as const);
  const entry = no ? noProxyMatch(bareHost(u), no.value) : undefined;
  if (entry !== undefined) return { exemptedBy: { variable: no!.name, entry, proxy: showProxy(proxy) } };
  return { proxy: { url: proxy, shown: showProxy(proxy), variable: chosen.name } };
}

/** What the route to the gateway is, for reports: the proxy Codex would use, or why none. */
export interface RouteFacts {
  proxy?: { shown: string; variable: string };
  exemptedBy?: Route['exemptedBy'];
  unused?: Route['unused'];
  /** Codex sends this plain-http request through a proxy, which this check does not do (the key would cross it in clear). */
  codexProxiesPlainHttp?: { shown: string; variable: string };
}

/** Where Codex takes its trusted certificates from (see the rules at the top). */
export interface TrustPlan {
  /** The system store, read as a file (Linux); absent where Codex asks the OS (macOS, Windows). */
  systemFile?: { path: string; variable?: 'SSL_CERT_FILE' };
  /** SSL_CERT_DIR's certificates, which add to the system store. */
  dir?: string;
  /** The CA file Codex adds: CODEX_CA_CERTIFICATE, else SSL_CERT_FILE. */
  extra?: { path: string; variable: 'CODEX_CA_CERTIFICATE' | 'SSL_CERT_FILE' };
  /** Codex asks the operating system (keychain, certificate store), which this tool cannot read: its built-in list stands in. */
  osStore: boolean;
}

/** Where OpenSSL looks for the system bundle on Linux distributions, in the order Codex probes them. */
export const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export function codexTrust(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, exists: (p: string) => boolean): TrustPlan {
  const nonEmpty = (name: string) => (env[name] ? env[name] : undefined);
  const certFile = nonEmpty('SSL_CERT_FILE');
  const codexCa = nonEmpty('CODEX_CA_CERTIFICATE');
  const extra = codexCa ? { path: codexCa, variable: 'CODEX_CA_CERTIFICATE' as const } : certFile ? { path: certFile, variable: 'SSL_CERT_FILE' as const } : undefined;
  const dir = nonEmpty('SSL_CERT_DIR');
  const osStore = platform === 'darwin' || platform === 'win32';
  const systemFile = certFile ? { path: certFile, variable: 'SSL_CERT_FILE' as const } : osStore ? undefined : SYSTEM_BUNDLES.filter(exists).map((path) => ({ path }))[0];
  return { ...(systemFile ? { systemFile } : {}), ...(dir ? { dir } : {}), ...(extra ? { extra } : {}), osStore: osStore && !certFile };
}

/** Node's own TLS variables that are set: they change what Node programs trust, never what Codex does. */
export function nodeOnlyTls(env: NodeJS.ProcessEnv): { extraCaCerts?: string; rejectUnauthorizedOff: boolean; nodeOptions?: string } {
  const opts = env.NODE_OPTIONS && /--(use-openssl-ca|use-system-ca|use-bundled-ca|tls-|openssl-)/.test(env.NODE_OPTIONS) ? env.NODE_OPTIONS : undefined;
  return {
    ...(env.NODE_EXTRA_CA_CERTS ? { extraCaCerts: env.NODE_EXTRA_CA_CERTS } : {}),
    rejectUnauthorizedOff: env.NODE_TLS_REJECT_UNAUTHORIZED === '0',
    ...(opts ? { nodeOptions: opts } : {}),
  };
}

/** Whether a request to `url` may go through a proxy at all: never plain http (the key would cross it in clear). */
export function proxyAllowed(url: string): boolean {
  return new URL(url).protocol === 'https:';
}
