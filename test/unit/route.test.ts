/**
 * Codex's network view as rules: which proxy the real Codex 0.171 used and which NO_PROXY entries
 * it honoured, each row measured with `codex exec` through a CONNECT proxy (test/real/network.test.ts
 * replays the ones that matter against the real Codex).
 */
import { describe, expect, it } from 'vitest';
import { codexRoute, codexTrust, noProxyMatch, nodeOnlyTls, parseProxy } from '../../src/gateway/route.js';
import { pemCertificates } from '../../src/gateway/trust.js';
import { folderRisk } from '../../src/files/secure-path.js';

const LW = 'https://api.lightweight.one/v1/models';
const P = 'http://proxy.corp:3128';
const OTHER = 'http://other.corp:8080';
const chosen = (url: string, env: NodeJS.ProcessEnv) => {
  const r = codexRoute(url, env);
  return r.proxy ? `${r.proxy.variable} ${r.proxy.shown}` : r.exemptedBy ? `exempt by ${r.exemptedBy.variable} "${r.exemptedBy.entry}"` : 'direct';
};

describe('which proxy Codex uses', () => {
  it.each<[string, string, NodeJS.ProcessEnv, string]>([
    ['HTTPS_PROXY for https', LW, { HTTPS_PROXY: P }, `HTTPS_PROXY ${P}`],
    ['lower-case https_proxy', LW, { https_proxy: P }, `https_proxy ${P}`],
    ['upper case wins over lower case', LW, { HTTPS_PROXY: P, https_proxy: OTHER }, `HTTPS_PROXY ${P}`],
    ['an empty upper-case one still shadows the lower-case one', LW, { HTTPS_PROXY: '', https_proxy: OTHER }, 'direct'],
    ['…and falls back to ALL_PROXY', LW, { HTTPS_PROXY: '', ALL_PROXY: P }, `ALL_PROXY ${P}`],
    ['HTTP_PROXY is never used for https', LW, { HTTP_PROXY: P }, 'direct'],
    ['ALL_PROXY is the fallback for https', LW, { ALL_PROXY: P }, `ALL_PROXY ${P}`],
    ['all_proxy too', LW, { all_proxy: P }, `all_proxy ${P}`],
    ['ALL_PROXY wins over all_proxy', LW, { ALL_PROXY: P, all_proxy: OTHER }, `ALL_PROXY ${P}`],
    ['HTTPS_PROXY wins over ALL_PROXY', LW, { HTTPS_PROXY: P, ALL_PROXY: OTHER }, `HTTPS_PROXY ${P}`],
    ['https_proxy wins over ALL_PROXY', LW, { https_proxy: P, ALL_PROXY: OTHER }, `https_proxy ${P}`],
    ['HTTP_PROXY for http', 'http://127.0.0.1:9/v1/models', { HTTP_PROXY: P }, `HTTP_PROXY ${P}`],
    ['HTTPS_PROXY is never used for http', 'http://127.0.0.1:9/v1/models', { HTTPS_PROXY: P }, 'direct'],
    ['this machine is not exempt by itself (https)', 'https://127.0.0.1:9/v1/models', { HTTPS_PROXY: P }, `HTTPS_PROXY ${P}`],
    ['a value without a scheme is an http proxy', LW, { HTTPS_PROXY: 'proxy.corp:3128' }, `HTTPS_PROXY ${P}`],
    ['credentials are never shown', LW, { HTTPS_PROXY: 'http://u:p%40ss@proxy.corp:3128' }, `HTTPS_PROXY ${P}`],
    ['socks5h', LW, { ALL_PROXY: 'socks5h://127.0.0.1:1080' }, 'ALL_PROXY socks5h://127.0.0.1:1080'],
    ['blank is no proxy', LW, { HTTPS_PROXY: '  ' }, 'direct'],
    ['no variable', LW, {}, 'direct'],
  ])('%s', (_n, url, env, want) => expect(chosen(url, env)).toBe(want));

  it('a variable Codex does not use for this scheme, or cannot read, is named', () => {
    expect(codexRoute(LW, { HTTP_PROXY: P }).unused).toEqual({ variable: 'HTTP_PROXY', why: 'Codex uses HTTP_PROXY only for http:// URLs; this one is https://' });
    expect(codexRoute(LW, { HTTPS_PROXY: 'ftp://x' }).unused).toEqual({ variable: 'HTTPS_PROXY', why: 'HTTPS_PROXY is not a proxy URL Codex can use, so Codex connects directly' });
  });

  it.each([
    ['http://proxy:3128', 'http://proxy:3128'],
    ['proxy:3128', 'http://proxy:3128'],
    ['https://proxy', 'https://proxy'],
    ['socks5://h:1', 'socks5://h:1'],
    ['', undefined],
    ['ftp://h', undefined],
    ['a b', undefined],
  ])('parseProxy(%j)', (value, want) => expect(parseProxy(value) ? `${parseProxy(value)!.protocol}//${parseProxy(value)!.host}` : undefined).toBe(want));
});

describe('NO_PROXY as Codex reads it', () => {
  it.each<[string, string, string | undefined]>([
    ['api.lightweight.one', 'the host itself', 'api.lightweight.one'],
    ['.lightweight.one', 'a leading dot: subdomains', '.lightweight.one'],
    ['lightweight.one', 'a parent domain at a dot boundary', 'lightweight.one'],
    ['.api.lightweight.one', 'a leading dot also matches the name itself', '.api.lightweight.one'],
    ['API.LIGHTWEIGHT.ONE', 'without case', 'API.LIGHTWEIGHT.ONE'],
    ['*', 'everything', '*'],
    ['example.com, api.lightweight.one', 'commas, spaces trimmed', 'api.lightweight.one'],
    ['ight.one', 'not inside a label', undefined],
    ['*.lightweight.one', 'a wildcard prefix matches nothing', undefined],
    ['api.lightweight.one:443', 'an entry with a port matches nothing', undefined],
    ['https://api.lightweight.one', 'an entry with a scheme matches nothing', undefined],
    ['example.com api.lightweight.one', 'spaces do not separate entries', undefined],
  ])('%j (%s)', (list, _why, want) => expect(noProxyMatch('api.lightweight.one', list)).toBe(want));

  it.each<[string, string, string | undefined]>([
    ['127.0.0.1', '127.0.0.0/8', '127.0.0.0/8'],
    ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.2/32', undefined],
    ['127.0.0.1', 'localhost', undefined],
    ['10.1.2.3', '10.0.0.0/8', '10.0.0.0/8'],
    ['::1', '::1', '::1'],
    ['fd12::1', 'fd00::/8', 'fd00::/8'],
    ['api.lightweight.one', '10.0.0.0/8', undefined],
  ])('host %s, entry %s', (host, list, want) => expect(noProxyMatch(host, list)).toBe(want));

  it('NO_PROXY wins over no_proxy, even when empty', () => {
    expect(chosen(LW, { HTTPS_PROXY: P, NO_PROXY: 'example.com', no_proxy: 'api.lightweight.one' })).toBe(`HTTPS_PROXY ${P}`);
    expect(chosen(LW, { HTTPS_PROXY: P, NO_PROXY: '', no_proxy: 'api.lightweight.one' })).toBe(`HTTPS_PROXY ${P}`);
    expect(chosen(LW, { HTTPS_PROXY: P, no_proxy: 'api.lightweight.one' })).toBe('exempt by no_proxy "api.lightweight.one"');
    expect(chosen('https://[::1]:9/v1/models', { HTTPS_PROXY: P, NO_PROXY: '::1' })).toBe('exempt by NO_PROXY "::1"');
  });
});

describe('what Codex trusts', () => {
  const exists = (p: string) => p === '/etc/ssl/certs/ca-certificates.crt';
  it.each<[string, NodeJS.ProcessEnv, NodeJS.Platform, object]>([
    ['the system bundle', {}, 'linux', { systemFile: { path: '/etc/ssl/certs/ca-certificates.crt' }, osStore: false }],
    ['CODEX_CA_CERTIFICATE adds', { CODEX_CA_CERTIFICATE: '/ca.pem' }, 'linux', { systemFile: { path: '/etc/ssl/certs/ca-certificates.crt' }, extra: { path: '/ca.pem', variable: 'CODEX_CA_CERTIFICATE' } }],
    ['SSL_CERT_FILE replaces the system store (and is the CA file)', { SSL_CERT_FILE: '/only.pem' }, 'linux', { systemFile: { path: '/only.pem', variable: 'SSL_CERT_FILE' }, extra: { path: '/only.pem', variable: 'SSL_CERT_FILE' } }],
    ['CODEX_CA_CERTIFICATE wins as the CA file; SSL_CERT_FILE still replaces the system store', { SSL_CERT_FILE: '/only.pem', CODEX_CA_CERTIFICATE: '/ca.pem' }, 'linux', { systemFile: { path: '/only.pem', variable: 'SSL_CERT_FILE' }, extra: { path: '/ca.pem', variable: 'CODEX_CA_CERTIFICATE' } }],
    ['empty values are unset', { CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: '' }, 'linux', { systemFile: { path: '/etc/ssl/certs/ca-certificates.crt' } }],
    ['SSL_CERT_DIR adds', { SSL_CERT_DIR: '/certs' }, 'linux', { dir: '/certs' }],
    ['macOS asks the keychain', {}, 'darwin', { osStore: true }],
  ])('%s', (_n, env, platform, want) => expect(codexTrust(env, platform, exists)).toMatchObject(want));

  it('Node-only variables are noticed, never used', () => {
    expect(nodeOnlyTls({ NODE_EXTRA_CA_CERTS: '/x.pem', NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_OPTIONS: '--use-openssl-ca' })).toEqual({ extraCaCerts: '/x.pem', rejectUnauthorizedOff: true, nodeOptions: '--use-openssl-ca' });
    expect(nodeOnlyTls({ NODE_OPTIONS: '--max-old-space-size=4096' })).toEqual({ rejectUnauthorizedOff: false });
  });

  it('reads certificate blocks, OpenSSL TRUSTED ones as plain, and skips other blocks (a CRL)', () => {
    const text = '# comment\n-----BEGIN TRUSTED CERTIFICATE-----\nQUJD\nREVG\n-----END TRUSTED CERTIFICATE-----\n-----BEGIN X509 CRL-----\nx\n-----END X509 CRL-----\n-----BEGIN CERTIFICATE-----\nR0hJ\n-----END CERTIFICATE-----\n';
    const certs = pemCertificates(text);
    expect(certs).toEqual(['-----BEGIN CERTIFICATE-----\nQUJD\nREVG\n-----END CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\nR0hJ\n-----END CERTIFICATE-----']);
  });
});

describe('who could rename a folder on the way to the key', () => {
  const me = { uid: 1000, gid: 1000 };
  it.each<[string, { uid: number; gid: number; mode: number }, string | undefined]>([
    ['mine, 0755', { uid: 1000, gid: 1000, mode: 0o40755 }, undefined],
    ["root's, 0755 (/home)", { uid: 0, gid: 0, mode: 0o40755 }, undefined],
    ['shared and sticky (/tmp)', { uid: 0, gid: 0, mode: 0o41777 }, undefined],
    ['mine, group-writable by my own group', { uid: 1000, gid: 1000, mode: 0o40775 }, undefined],
    ['mine, group-writable by another group', { uid: 1000, gid: 50, mode: 0o40775 }, 'its group (gid 50) can write to it (mode 0775, no sticky bit)'],
    ['mine, writable by others', { uid: 1000, gid: 1000, mode: 0o40777 }, 'others can write to it (mode 0777, no sticky bit)'],
    ["another user's", { uid: 1001, gid: 1001, mode: 0o40755 }, 'it belongs to another user (uid 1001)'],
    ["another user's, even sticky", { uid: 1001, gid: 1001, mode: 0o41777 }, 'it belongs to another user (uid 1001)'],
  ])('%s', (_n, st, why) => expect(folderRisk(st, me)).toBe(why));
});
