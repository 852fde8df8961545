import { isLoopbackHost } from './urls.js';

/**
 * The proxy a request to `url` goes through, by the rules undici's EnvHttpProxyAgent applies
 * (HTTPS_PROXY, else HTTP_PROXY; NO_PROXY exempts), credentials hidden. Pure, so reports
 * can name the proxy without loading undici. Traffic to this machine never goes through a
 * proxy, whatever NO_PROXY says: over plain http the key would cross the network in clear.
 */
export function proxyFor(url: string, env: NodeJS.ProcessEnv): string | undefined {
  const u = new URL(url);
  if (isLoopbackHost(u.hostname)) return undefined;
  const raw = u.protocol === 'https:' ? env.https_proxy ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.HTTP_PROXY : env.http_proxy ?? env.HTTP_PROXY;
  if (!raw) return undefined;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').split(/[,\s]+/).filter(Boolean);
  const hostname = u.hostname.toLowerCase();
  if (noProxy.some((p) => p === '*' || hostname === p.replace(/^\./, '').replace(/:\d+$/, '') || hostname.endsWith(`.${p.replace(/^[.*]+/, '').replace(/:\d+$/, '')}`))) return undefined;
  try {
    const p = new URL(raw);
    return `${p.protocol}//${p.host}`;
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//');
  }
}
