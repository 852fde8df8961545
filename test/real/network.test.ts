/**
 * Doctor tells Codex's truth on a corporate network (issue 20): for each environment, the real
 * Codex 0.171 (`codex exec`, retries off) and `lightweight doctor` run side by side against the
 * same loopback rig (a CONNECT proxy, a TLS-intercepting front for the gateway's real host names,
 * a throwaway CA; test/support/corporate.ts), and must agree: doctor's connectivity check passes
 * exactly when Codex's request gets through. Each failure's cause and fix are asserted too; and
 * doctor's profile check against `codex -p preview` the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, makePki, PROXY_LOGIN, startCorporateProxy, startFront, type CorporateProxy, type Pki } from '../support/corporate.js';
import { doctorJson } from '../support/doctor.js';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { killProcessesUnder, runProcess } from '../support/process.js';
import { Sandbox } from '../support/sandbox.js';
import { scratchDir } from '../support/scratch.js';

const KEY = 'sk-lw-corporate-0123456789';
const LW = 'https://api.lightweight.one/v1';
let gw: StandIn;
let pki: Pki;
let front: Awaited<ReturnType<typeof startFront>>;
let proxy: CorporateProxy;
let sb: Sandbox;
let dir: string;

beforeAll(async () => {
  dir = scratchDir('lw-corp-');
  pki = makePki(join(dir, 'pki'));
  gw = await startGateway();
  front = await startFront(pki, Number(new URL(gw.url).port));
  proxy = await startCorporateProxy(front.port);
  sb = new Sandbox().withCodex();
  // The production URL, unchanged: only the proxy reaches it.
  const s = await sb.setup(KEY, ['--no-verify']);
  expect(s.code, s.all).toBe(0);
  expect(sb.config().model_providers.lightweight.base_url).toBe(LW);
}, 120_000);

afterAll(async () => {
  killProcessesUnder(sb.root);
  await proxy.close();
  await front.close();
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real Codex, one request, retries off (a failed connection would otherwise be retried for ever). */
async function codexWorks(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ works: boolean; said: string }> {
  const before = responsesPosts(gw).length;
  const r = await runProcess(
    'codex',
    [
      'exec',
      '--skip-git-repo-check',
      '--ephemeral',
      '-c',
      'model_providers.lightweight.request_max_retries=0',
      '-c',
      'model_providers.lightweight.stream_max_retries=0',
      '-c',
      'features.unbounded_connection_retries=false',
      ...args,
      'ping',
    ],
    { env: { ...sb.env, ...env }, cwd: sb.home, timeoutMs: 60_000 },
  );
  const works = r.code === 0 && responsesPosts(gw).length > before && r.stdout.includes(gw.answer);
  return { works, said: r.all.split('\n').filter((l) => /ERROR|error/.test(l)).slice(-2).join(' | ') };
}

async function doctorConnectivity(env: NodeJS.ProcessEnv) {
  const d = await doctorJson(sb, ['--timeout', '10'], { env, timeoutMs: 60_000 });
  return d.checks('connectivity')[0]!;
}

interface Row {
  name: string;
  env: () => NodeJS.ProcessEnv;
  works: boolean;
  cause?: string;
  fix?: string | RegExp;
  mode?: CorporateProxy['mode'];
}

const rows: Row[] = [
  { name: "HTTPS_PROXY, the proxy's CA not trusted", env: () => ({ HTTPS_PROXY: proxy.url }), works: false, cause: 'tls', fix: /set CODEX_CA_CERTIFICATE to that file/ },
  { name: 'HTTPS_PROXY + NODE_EXTRA_CA_CERTS (Node reads it; Codex does not)', env: () => ({ HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: pki.ca }), works: false, cause: 'tls', fix: /set CODEX_CA_CERTIFICATE=\/\S+\/ca\.pem too/ },
  { name: 'HTTPS_PROXY + NODE_TLS_REJECT_UNAUTHORIZED=0 turns nothing off', env: () => ({ HTTPS_PROXY: proxy.url, NODE_TLS_REJECT_UNAUTHORIZED: '0' }), works: false, cause: 'tls' },
  { name: 'HTTPS_PROXY + SSL_CERT_FILE', env: () => ({ HTTPS_PROXY: proxy.url, SSL_CERT_FILE: pki.ca }), works: true },
  { name: 'HTTPS_PROXY + CODEX_CA_CERTIFICATE', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: true },
  { name: 'lower-case https_proxy + CA', env: () => ({ https_proxy: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: true },
  { name: 'HTTP_PROXY only (Codex uses it for http:// only)', env: () => ({ HTTP_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'dns', fix: /^Codex uses HTTP_PROXY only for http:\/\/ URLs; this one is https:\/\/: if the gateway is reached through that proxy, set HTTPS_PROXY to it too/ },
  { name: 'ALL_PROXY only (the fallback for both schemes)', env: () => ({ ALL_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: true },
  { name: 'NO_PROXY=api.lightweight.one exempts the gateway', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: 'api.lightweight.one' }), works: false, cause: 'dns', fix: /^NO_PROXY's entry "api\.lightweight\.one" sends it around the proxy/ },
  { name: 'NO_PROXY=lightweight.one (a parent domain) exempts it too', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: 'example.com, lightweight.one' }), works: false, cause: 'dns' },
  { name: 'NO_PROXY=*.lightweight.one exempts nothing', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: '*.lightweight.one' }), works: true },
  { name: 'NO_PROXY=api.lightweight.one:443 (with a port) exempts nothing', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: 'api.lightweight.one:443' }), works: true },
  { name: 'NO_PROXY empty shadows no_proxy', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: '', no_proxy: 'api.lightweight.one' }), works: true },
  { name: 'the proxy is down (its port refuses)', env: () => ({ HTTPS_PROXY: `http://127.0.0.1:${closedPortNumber}`, CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'proxy-refused', fix: /^Start the proxy \(or the VPN that provides it\), or correct HTTPS_PROXY/ },
  { name: "the proxy's name does not resolve", env: () => ({ HTTPS_PROXY: 'http://proxy.corp.invalid:3128', CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'proxy-dns', fix: /^Check HTTPS_PROXY for a typo/ },
  { name: 'the proxy answers CONNECT with 403', mode: 'forbid-all', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'proxy-forbidden', fix: 'Ask your network administrator to allow api.lightweight.one through the proxy.' },
  { name: 'the proxy wants a login (407)', mode: 'login', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'proxy-auth', fix: /^Put your proxy login in HTTPS_PROXY: http:\/\/user:password@127\.0\.0\.1:\d+/ },
  { name: 'the proxy with its login in HTTPS_PROXY', mode: 'login', env: () => ({ HTTPS_PROXY: proxy.url.replace('//', `//${encodeURIComponent(PROXY_LOGIN.user)}:${encodeURIComponent(PROXY_LOGIN.password)}@`), CODEX_CA_CERTIFICATE: pki.ca }), works: true },
  { name: 'the proxy cannot resolve the gateway (502)', mode: 'cannot-resolve', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: false, cause: 'proxy-upstream', fix: "The URL is the gateway's own: ask your network administrator whether the proxy can reach api.lightweight.one." },
];

let closedPortNumber = 0;

describe('Codex and doctor agree, environment by environment', () => {
  beforeAll(async () => {
    closedPortNumber = await closedPort();
  });

  it.each(rows)('$name', async (row) => {
    proxy.mode = row.mode ?? 'ok';
    try {
      const env = row.env();
      const [codex, check] = [await codexWorks(env), await doctorConnectivity(env)];
      expect(codex.works, `Codex: ${codex.said}`).toBe(row.works);
      expect(check.status, JSON.stringify(check)).toBe(row.works ? 'pass' : 'fail');
      if (row.cause) expect(check.cause).toBe(row.cause);
      if (row.fix) expect(check.fix).toMatch(typeof row.fix === 'string' ? new RegExp(`^${row.fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : row.fix);
      // No library's words reach the user.
      expect(`${check.title} ${check.detail} ${check.fix}`).not.toMatch(/UND_ERR|!== 200|Proxy response|getaddrinfo|ECONNREFUSED 127/);
    } finally {
      proxy.mode = 'ok';
    }
  });
});

/** Adding a CA to the system store takes root and Debian's update-ca-certificates; CI runs as root. */
const CAN_TRUST_SYSTEM = process.getuid?.() === 0 && existsSync('/usr/sbin/update-ca-certificates');

describe.skipIf(!CAN_TRUST_SYSTEM)('the CA added to the system trust store (update-ca-certificates; skipped unless root on Debian)', () => {
  const installed = '/usr/local/share/ca-certificates/lightweight-setup-test-ca.crt';
  beforeAll(() => {
    writeFileSync(installed, execFileSync('cat', [pki.ca]));
    execFileSync('update-ca-certificates', { stdio: 'ignore' });
  });
  afterAll(() => {
    rmSync(installed, { force: true });
    execFileSync('update-ca-certificates', ['--fresh'], { stdio: 'ignore' });
  });

  it.each<Row>([
    { name: 'HTTPS_PROXY alone: Codex trusts the system store, and so does the check', env: () => ({ HTTPS_PROXY: proxy.url }), works: true },
    { name: 'CODEX_CA_CERTIFICATE naming another CA adds to the system store', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.otherCa }), works: true },
    { name: 'SSL_CERT_FILE naming another CA replaces the system store', env: () => ({ HTTPS_PROXY: proxy.url, SSL_CERT_FILE: pki.otherCa }), works: false, cause: 'tls', fix: /SSL_CERT_FILE \(.*\) replaces the system's CAs for Codex: prefer CODEX_CA_CERTIFICATE/ },
  ])('$name', async (row) => {
    const env = row.env();
    const [codex, check] = [await codexWorks(env), await doctorConnectivity(env)];
    expect(codex.works, `Codex: ${codex.said}`).toBe(row.works);
    expect(check.status, JSON.stringify(check)).toBe(row.works ? 'pass' : 'fail');
    if (row.cause) expect(check.cause).toBe(row.cause);
    if (row.fix) expect(check.fix).toMatch(row.fix as RegExp);
  });
});

describe('setup and models see the network the same way', () => {
  it('setup behind the proxy with the CA in CODEX_CA_CERTIFICATE passes its check; with the CA only in NODE_EXTRA_CA_CERTS it fails naming CODEX_CA_CERTIFICATE', async () => {
    const ok = await sb.setup(KEY, [], { env: { HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca } });
    expect(ok.code, ok.all).toBe(0);
    const nodeOnly = await sb.setup(KEY, [], { env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: pki.ca } });
    expect(nodeOnly.code, nodeOnly.all).toBe(1);
    expect(nodeOnly.stdout).toContain(`set CODEX_CA_CERTIFICATE=${pki.ca} too`);
    expect(nodeOnly.stdout).not.toMatch(/Everything needed works/);
    const models = await sb.run(['models', '--json'], { env: { HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca } });
    expect(models.code, models.all).toBe(0);
    expect(JSON.parse(models.stdout).models.length).toBeGreaterThan(0);
  });

  it('doctor --live behind the proxy: through Codex when the CA is given to Codex; never a timeout for a CA only Node reads', async () => {
    const live = await doctorJson(sb, ['--live'], { env: { HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }, timeoutMs: 120_000 });
    expect(live.checks('live')[0]).toMatchObject({ status: 'pass' });
    expect(live.checks('live')[0]!.detail).toMatch(/through Codex/);
    const nodeOnly = await doctorJson(sb, ['--live'], { env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: pki.ca }, timeoutMs: 120_000 });
    expect(nodeOnly.checks('connectivity')[0]).toMatchObject({ status: 'fail', cause: 'tls' });
    expect(nodeOnly.checks('live')[0]!.cause).not.toBe('timeout');
  });
});

describe('a profile beside the default: doctor\'s profile check sees the network as `codex -p` does', () => {
  beforeAll(async () => {
    const r = await sb.setup(KEY, ['--profile', 'preview', '--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config('.codex/preview.config.toml').model_providers.lightweight.base_url).toBe('https://preview.api.lightweight.one/v1');
  });

  it.each<Row & { defaultWorks: boolean }>([
    { name: 'HTTPS_PROXY + CODEX_CA_CERTIFICATE: both get through', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca }), works: true, defaultWorks: true },
    { name: "the proxy's CA not trusted: the profile fails as tls, like the default", env: () => ({ HTTPS_PROXY: proxy.url }), works: false, cause: 'tls', defaultWorks: false },
    { name: 'NO_PROXY exempts the preview host only: the profile fails, the default works', env: () => ({ HTTPS_PROXY: proxy.url, CODEX_CA_CERTIFICATE: pki.ca, NO_PROXY: 'preview.api.lightweight.one' }), works: false, cause: 'dns', fix: /^NO_PROXY's entry "preview\.api\.lightweight\.one" sends it around the proxy/, defaultWorks: true },
  ])('$name', async (row) => {
    const env = row.env();
    const codex = await codexWorks(env, ['-p', 'preview']);
    const d = await doctorJson(sb, ['--timeout', '10'], { env, timeoutMs: 60_000 });
    const profile = d.checks('profile')[0]!;
    expect(codex.works, `codex -p preview: ${codex.said}`).toBe(row.works);
    expect(profile.status, JSON.stringify(profile)).toBe(row.works ? 'pass' : 'fail');
    if (row.cause) expect(profile.cause).toBe(row.cause);
    if (row.fix) expect(profile.fix).toMatch(row.fix as RegExp);
    expect(d.checks('connectivity')[0]!.status).toBe(row.defaultWorks ? 'pass' : 'fail');
  });
});
