/**
 * Opens the connection to a gateway the way Codex does from this environment: directly, or
 * through the proxy Codex would pick (an HTTP CONNECT tunnel, or SOCKS5), then TLS with the
 * certificates Codex trusts. Each step fails with its own code, so a report can say which hop
 * failed (the proxy refused, asked for credentials, could not reach the host; the certificate
 * was not trusted) instead of a library's sentence.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import { bareHost, type ProxyChoice } from './route.js';

/** Failures of a hop this tool makes itself, by code; `phase` tells the proxy from the gateway. */
export type HopCode =
  | 'LW_PROXY_DNS'
  | 'LW_PROXY_REFUSED'
  | 'LW_PROXY_UNREACHABLE'
  | 'LW_PROXY_STATUS'
  | 'LW_PROXY_SOCKS'
  | 'LW_PROXY_CLOSED'
  | 'LW_PROXY_BAD_RESPONSE'
  | 'LW_TIMEOUT';

export class HopError extends Error {
  constructor(
    message: string,
    readonly code: HopCode | string,
    readonly phase: 'proxy' | 'connect' | 'tls',
    /** The proxy's answer to CONNECT (HTTP status), or a SOCKS5 reply code. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ConnectTarget {
  host: string;
  port: number;
  tls: boolean;
  proxy?: ProxyChoice;
  /** Codex's trust, for the gateway's certificate (and an https proxy's). */
  secureContext?: () => SecureContext;
  /** For `localhost`: the loopback addresses it was checked against. */
  lookup?: LookupFunction;
  signal: AbortSignal;
}

/** A proxy's answer head is a few hundred bytes; anything longer is not a proxy. */
const MAX_HEAD = 16 * 1024;

const PROXY_CONNECT_CODES: Record<string, HopCode> = {
  ENOTFOUND: 'LW_PROXY_DNS',
  EAI_AGAIN: 'LW_PROXY_DNS',
  EAI_NONAME: 'LW_PROXY_DNS',
  EAI_FAIL: 'LW_PROXY_DNS',
  ECONNREFUSED: 'LW_PROXY_REFUSED',
  EHOSTUNREACH: 'LW_PROXY_UNREACHABLE',
  ENETUNREACH: 'LW_PROXY_UNREACHABLE',
  EADDRNOTAVAIL: 'LW_PROXY_UNREACHABLE',
  ETIMEDOUT: 'LW_PROXY_UNREACHABLE',
  ECONNRESET: 'LW_PROXY_CLOSED',
};

/**
 * Resolves once `socket` is connected (or TLS-established); rejects on error or abort, destroying
 * it. An error is marked with the hop it happened in, unless `onError` says more.
 */
function settle<T extends Socket>(socket: T, ready: string, signal: AbortSignal, phase: HopError['phase'], onError: (err: NodeJS.ErrnoException) => Error = (e) => Object.assign(e, { phase })): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      socket.destroy();
      reject(new HopError('timed out', 'LW_TIMEOUT', phase));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    socket.once(ready, () => {
      signal.removeEventListener('abort', abort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      reject(onError(err));
    });
  });
}

function asProxyError(err: NodeJS.ErrnoException): Error {
  const code = PROXY_CONNECT_CODES[err.code ?? ''];
  return code ? new HopError(err.message, code, 'proxy') : Object.assign(err, { phase: 'proxy' });
}

/** Reads from `socket` until `done` says how many bytes make the reply (or the bound is passed). */
function readReply(socket: Socket, signal: AbortSignal, done: (buf: Buffer) => number | undefined, what: string): Promise<{ reply: Buffer; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const finish = (err?: Error, value?: { reply: Buffer; rest: Buffer }) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(value!);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const n = done(buf);
      if (n !== undefined) finish(undefined, { reply: buf.subarray(0, n), rest: buf.subarray(n) });
      else if (buf.length > MAX_HEAD) finish(new HopError(`the proxy sent more than ${MAX_HEAD} bytes without ${what}`, 'LW_PROXY_BAD_RESPONSE', 'proxy'));
    };
    const onClose = () => finish(new HopError(`the proxy closed the connection before ${what}`, 'LW_PROXY_CLOSED', 'proxy'));
    const onError = (err: NodeJS.ErrnoException) => finish(asProxyError(err));
    const onAbort = () => finish(new HopError('timed out', 'LW_TIMEOUT', 'proxy'));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function credentials(u: URL): { user: string; pass: string } | undefined {
  if (!u.username && !u.password) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { user: dec(u.username), pass: dec(u.password) };
}

/** An HTTP CONNECT tunnel to host:port through an http(s) proxy. */
async function httpTunnel(socket: Socket, t: ConnectTarget, proxy: URL): Promise<Socket> {
  const authority = `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`;
  const creds = credentials(proxy);
  const auth = creds ? `Proxy-Authorization: Basic ${Buffer.from(`${creds.user}:${creds.pass}`).toString('base64')}\r\n` : '';
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  const { reply, rest } = await readReply(socket, t.signal, (b) => {
    const end = b.indexOf('\r\n\r\n');
    return end === -1 ? undefined : end + 4;
  }, 'answering CONNECT');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(reply.toString('latin1'));
  if (!status) throw new HopError('the proxy did not answer CONNECT in HTTP', 'LW_PROXY_BAD_RESPONSE', 'proxy');
  const code = Number(status[1]);
  if (code < 200 || code > 299) {
    socket.destroy();
    throw new HopError(`the proxy answered CONNECT with HTTP ${code}`, 'LW_PROXY_STATUS', 'proxy', code);
  }
  if (rest.length) socket.unshift(rest);
  return socket;
}

/** A SOCKS5 connection to host:port (RFC 1928, with RFC 1929 user/password when the URL has them). */
async function socksTunnel(socket: Socket, t: ConnectTarget, proxy: URL): Promise<Socket> {
  const creds = credentials(proxy);
  socket.write(Buffer.from(creds ? [5, 2, 0, 2] : [5, 1, 0]));
  const hello = (await readReply(socket, t.signal, (b) => (b.length >= 2 ? 2 : undefined), 'answering the SOCKS greeting')).reply;
  if (hello[0] !== 5) throw new HopError('the proxy does not speak SOCKS5', 'LW_PROXY_BAD_RESPONSE', 'proxy');
  if (hello[1] === 2 && creds) {
    const u = Buffer.from(creds.user);
    const p = Buffer.from(creds.pass);
    socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
    const ok = (await readReply(socket, t.signal, (b) => (b.length >= 2 ? 2 : undefined), 'answering the SOCKS login')).reply;
    if (ok[1] !== 0) throw new HopError('the SOCKS proxy refused the user name and password', 'LW_PROXY_STATUS', 'proxy', 407);
  } else if (hello[1] !== 0) {
    throw new HopError('the SOCKS proxy wants a login', 'LW_PROXY_STATUS', 'proxy', 407);
  }
  // socks5h: the proxy resolves the name; socks5: this side does.
  let address: Buffer;
  if (proxy.protocol === 'socks5:' && isIP(t.host) === 0) {
    const found = await dnsLookup(t.host).catch((err: NodeJS.ErrnoException) => {
      throw Object.assign(err, { phase: 'connect' });
    });
    address = addressBytes(found.address);
  } else address = addressBytes(t.host);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, Buffer.from([t.port >> 8, t.port & 255])]));
  const { reply, rest } = await readReply(
    socket,
    t.signal,
    (b) => {
      if (b.length < 5) return undefined;
      const len = b[3] === 1 ? 4 : b[3] === 4 ? 16 : b[3] === 3 ? 1 + b[4]! : -1;
      if (len < 0) return 5;
      return b.length >= 4 + len + 2 ? 4 + len + 2 : undefined;
    },
    'answering the SOCKS connect',
  );
  if (reply[0] !== 5) throw new HopError('the proxy does not speak SOCKS5', 'LW_PROXY_BAD_RESPONSE', 'proxy');
  if (reply[1] !== 0) {
    socket.destroy();
    throw new HopError(`the SOCKS proxy answered with reply code ${reply[1]}`, 'LW_PROXY_SOCKS', 'proxy', reply[1]);
  }
  if (rest.length) socket.unshift(rest);
  return socket;
}

function addressBytes(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (family === 6) {
    const full = host.includes('::') ? expand6(host) : host.split(':');
    return Buffer.concat([Buffer.from([4]), Buffer.from(full.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]))]);
  }
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function expand6(host: string): string[] {
  const [a, b] = host.split('::');
  const head = a ? a.split(':') : [];
  const tail = b ? b.split(':') : [];
  return [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
}

/** The socket for one request: through Codex's proxy when it has one, TLS with Codex's trust for https. */
export async function openConnection(t: ConnectTarget): Promise<Socket> {
  // node:tls only where TLS is spoken: a check of a plain-http gateway never loads it (a few ms).
  const tlsConnect = t.tls || t.proxy?.url.protocol === 'https:' ? (await import('node:tls')).connect : undefined;
  let socket: Socket;
  if (t.proxy) {
    const p = t.proxy.url;
    const port = Number(p.port) || (p.protocol === 'https:' ? 443 : p.protocol.startsWith('socks') ? 1080 : 80);
    const host = bareHost(p);
    const raw = netConnect({ host, port });
    // Building the trust context takes tens of ms: done while the connection is being set up.
    const ctx = t.tls || p.protocol === 'https:' ? t.secureContext?.() : undefined;
    socket = await settle(raw, 'connect', t.signal, 'proxy', asProxyError);
    if (p.protocol === 'https:') {
      socket = await settle(tlsConnect!({ socket, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: true, ...(ctx ? { secureContext: ctx } : {}) }), 'secureConnect', t.signal, 'proxy');
    }
    socket = p.protocol.startsWith('socks') ? await socksTunnel(socket, t, p) : await httpTunnel(socket, t, p);
  } else {
    const raw = netConnect({ host: t.host, port: t.port, ...(t.lookup ? { lookup: t.lookup } : {}) });
    if (t.tls) t.secureContext?.();
    socket = await settle(raw, 'connect', t.signal, 'connect');
  }
  if (!t.tls) return socket;
  // Built above while connecting (secureContext caches it).
  const ctx = t.secureContext?.();
  const secure: TLSSocket = tlsConnect!({
    socket,
    ...(isIP(t.host) ? {} : { servername: t.host }),
    // Whatever NODE_TLS_REJECT_UNAUTHORIZED says: an explicit true wins over it.
    rejectUnauthorized: true,
    ALPNProtocols: ['http/1.1'],
    ...(ctx ? { secureContext: ctx } : {}),
  });
  return settle(secure, 'secureConnect', t.signal, 'tls');
}
