/**
 * A corporate network on loopback: a throwaway CA (made with openssl at test time), an HTTPS
 * front with a certificate for the gateway's real host names signed by that CA (a TLS-intercepting
 * proxy's), which forwards to the stand-in, and a CONNECT proxy that tunnels the gateway's host
 * names to that front, refuses other hosts with 403, and can misbehave like real proxies do (403
 * for everything, 407 without a login, 502 for a host it cannot resolve). The real production URL
 * is used unchanged: api.lightweight.one does not resolve on this machine, so only the proxy
 * reaches it, as behind a corporate firewall.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';

export const GATEWAY_HOSTS = ['api.lightweight.one', 'preview.api.lightweight.one'];

export interface Pki {
  /** The interception CA's certificate (PEM file): what CODEX_CA_CERTIFICATE must name. */
  ca: string;
  /** A CA that signs nothing here. */
  otherCa: string;
  key: string;
  cert: string;
}

/** A CA and a server certificate for the gateway's hosts, in `dir`. */
export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  const at = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Throwaway Corp Interception CA', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Unrelated CA', '-keyout', at('other.key'), '-out', at('other.pem'), '-days', '2');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${GATEWAY_HOSTS[0]}`, '-keyout', at('server.key'), '-out', at('server.csr'));
  writeFileSync(at('ext.cnf'), `subjectAltName=${GATEWAY_HOSTS.map((h) => `DNS:${h}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  ssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('ext.cnf'));
  return { ca: at('ca.pem'), otherCa: at('other.pem'), key: at('server.key'), cert: at('server.pem') };
}

async function listen(server: Server | TlsServer | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

function tracked(server: { on(e: 'connection', l: (s: Socket) => void): unknown }): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** The TLS front: terminates TLS with the gateway's (intercepted) certificate and forwards the bytes to the stand-in. */
export async function startFront(pki: Pki, standInPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = createTlsServer({ key: readFileSync(pki.key), cert: readFileSync(pki.cert) }, (client) => {
    const upstream = netConnect(standInPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const sockets = tracked(server);
  const port = await listen(server);
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type ProxyMode = 'ok' | 'forbid-all' | 'login' | 'cannot-resolve';

export interface CorporateProxy {
  url: string;
  /** host:port of every CONNECT asked for, and the Proxy-Authorization it came with. */
  connects: Array<{ target: string; auth?: string }>;
  mode: ProxyMode;
  close(): Promise<void>;
}

export const PROXY_LOGIN = { user: 'corp-user', password: 'p@ss w0rd' };

/** The CONNECT proxy: the gateway's hosts go to the front, every other host gets 403 (Codex asks for chatgpt.com and github.com too). */
export async function startCorporateProxy(frontPort: number, mode: ProxyMode = 'ok'): Promise<CorporateProxy> {
  const state = { mode };
  const connects: CorporateProxy['connects'] = [];
  const server = createServer((_req, res) => {
    res.writeHead(403);
    res.end();
  });
  const sockets = tracked(server);
  const refuse = (client: Socket, status: string, extra = '') => client.end(`HTTP/1.1 ${status}\r\n${extra}content-length: 0\r\n\r\n`);
  server.on('connect', (req, client: Socket) => {
    const target = req.url ?? '';
    const auth = req.headers['proxy-authorization'];
    connects.push({ target, ...(auth ? { auth } : {}) });
    client.on('error', () => undefined);
    const host = target.replace(/:\d+$/, '');
    if (state.mode === 'forbid-all') return refuse(client, '403 Forbidden');
    if (state.mode === 'login' && auth !== `Basic ${Buffer.from(`${PROXY_LOGIN.user}:${PROXY_LOGIN.password}`).toString('base64')}`) {
      return refuse(client, '407 Proxy Authentication Required', 'proxy-authenticate: Basic realm="corp"\r\n');
    }
    if (!GATEWAY_HOSTS.includes(host)) return refuse(client, '403 Forbidden');
    if (state.mode === 'cannot-resolve') return refuse(client, '502 Bad Gateway');
    const upstream = netConnect(frontPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    get mode() {
      return state.mode;
    },
    set mode(m: ProxyMode) {
      state.mode = m;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
