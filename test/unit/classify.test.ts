import { describe, expect, it } from 'vitest';
import { classify, gatewayMessage, parseModelList, retryAfterSeconds, type ProbeOutcome } from '../../src/gateway/classify.js';

const ctx = { baseUrl: 'https://api.lightweight.one/v1', model: 'gpt-5.4', timeoutSeconds: 10 };
const res = (status: number, body = '', headers: Record<string, string> = {}): ProbeOutcome => ({ kind: 'response', status, body, headers, elapsedMs: 12.4 });
const err = (code: string | undefined, message = 'boom', timedOut = false): ProbeOutcome => ({ kind: 'error', message, elapsedMs: 3, timedOut, ...(code ? { code } : {}) });
const list = (...ids: string[]) => JSON.stringify({ object: 'list', data: ids.map((id) => ({ id })) });

describe('classify', () => {
  it.each([
    ['ENOTFOUND', err('ENOTFOUND'), 'dns', /could not be resolved/],
    ['EAI_AGAIN', err('EAI_AGAIN'), 'dns', /could not be resolved/],
    ['ECONNREFUSED', err('ECONNREFUSED'), 'refused', /refused the connection/],
    ['EHOSTUNREACH', err('EHOSTUNREACH'), 'refused', /cannot be reached/],
    ['our deadline', err(undefined, 'This operation was aborted', true), 'timeout', /within 10 s/],
    ['connect timeout', err('UND_ERR_CONNECT_TIMEOUT'), 'timeout', /within 10 s/],
    ['headers timeout', err('UND_ERR_HEADERS_TIMEOUT'), 'timeout', /within 10 s/],
    ['self-signed', err('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'tls', /chain ends in a CA Codex does not trust/],
    ['expired', err('CERT_HAS_EXPIRED', 'certificate has expired'), 'tls', /has expired/],
    ['altname', err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', /for another host name/],
    ['reset', err('ECONNRESET', 'socket hang up'), 'connection', /closed before an answer/],
    ['401', res(401), 'auth', /rejected the key \(HTTP 401\)/],
    ['403', res(403), 'auth', /HTTP 403/],
    ['404', res(404), 'not-found', /HTTP 404/],
    ['429', res(429, '', { 'retry-after': '17' }), 'rate-limit', /retry after 17 s/],
    ['500', res(500), 'server', /HTTP 500/],
    ['503', res(503), 'server', /HTTP 503/],
    ['302', res(302, '', { location: 'https://elsewhere.example/v1/models' }), 'bad-response', /redirected.*elsewhere\.example/],
    ['418', res(418), 'bad-response', /HTTP 418/],
    ['garbage', res(200, '{nope'), 'bad-response', /did not return a JSON model list/],
    ['html', res(200, '<html>log in</html>'), 'bad-response', /HTML page/],
    ['wrong shape', res(200, '{"data": "x"}'), 'bad-response', /JSON model list/],
  ])('%s -> %s', (_name, outcome, cause, summary) => {
    const v = classify(outcome, ctx);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.cause).toBe(cause);
    expect(v.summary).toMatch(summary);
    expect(v.fix.length).toBeGreaterThan(10);
  });

  it("says the TLS fix is CODEX_CA_CERTIFICATE (what Codex reads), never NODE_EXTRA_CA_CERTS alone, never disabling verification", () => {
    const v = classify(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), { ...ctx, platform: 'linux' });
    expect(!v.ok && v.fix).toBe(
      "If a corporate proxy or antivirus intercepts TLS, save its CA certificate (PEM) and set CODEX_CA_CERTIFICATE to that file (Codex adds it to the system's CAs), in your shell's startup file, and for Codex started from the desktop (the Codex app, VS Code), also put CODEX_CA_CERTIFICATE=<ca.pem> in ~/.config/environment.d/codex.conf and log in again; check the clock too. Never turn TLS verification off.",
    );
    const mac = classify(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { ...ctx, platform: 'darwin', nodeExtraCaFixes: '/etc/corp-ca.pem' });
    expect(!mac.ok && mac.fix).toBe(
      'NODE_EXTRA_CA_CERTS (/etc/corp-ca.pem) holds the CA that signs it, but only Node programs read that variable: set CODEX_CA_CERTIFICATE=/etc/corp-ca.pem too, in your shell\'s startup file, and for Codex started from the desktop (the Codex app, VS Code), also run: launchctl setenv CODEX_CA_CERTIFICATE /etc/corp-ca.pem. Never turn TLS verification off.',
    );
    const replaced = classify(err('SELF_SIGNED_CERT_IN_CHAIN'), { ...ctx, certFileReplacesSystem: '/tmp/only.pem' });
    expect(!replaced.ok && replaced.fix).toContain("SSL_CERT_FILE (/tmp/only.pem) replaces the system's CAs for Codex: prefer CODEX_CA_CERTIFICATE, which adds to them.");
  });

  it('points at the missing /v1 on a 404', () => {
    const v = classify(res(404), { ...ctx, baseUrl: 'https://api.lightweight.one' });
    expect(!v.ok && v.fix).toBe('The base URL must end in /v1: try https://api.lightweight.one/v1.');
    const withV1 = classify(res(404), ctx);
    expect(!withV1.ok && withV1.fix).not.toMatch(/must end in \/v1/);
  });

  it('reports the Retry-After seconds, also from an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const v = classify(res(429, '', { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), { ...ctx, now });
    expect(!v.ok && v.retryAfterSeconds).toBe(30);
    const none = classify(res(429), ctx);
    expect(!none.ok && none.retryAfterSeconds).toBeUndefined();
  });

  it('names the proxy a failure went through', () => {
    const v = classify(err('UND_ERR_SOCKET'), { ...ctx, route: { proxy: { shown: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' } } });
    expect(!v.ok && v.summary).toBe('The connection to api.lightweight.one was closed before an answer (through the proxy http://proxy.corp:3128, from HTTPS_PROXY).');
  });

  it('succeeds on a model list and says whether the model is served', () => {
    const v = classify(res(200, list('gpt-5.4', 'o3')), ctx);
    expect(v).toMatchObject({ ok: true, models: ['gpt-5.4', 'o3'], modelServed: true, latencyMs: 12 });
    expect(classify(res(200, list('o3')), ctx)).toMatchObject({ ok: true, modelServed: false });
  });
});

describe('model lists', () => {
  it.each([
    [list('a', 'b'), ['a', 'b']],
    ['[{"id":"a"}]', ['a']],
    ['{"data":[]}', []],
    ['{"data":[{"name":"a"}]}', undefined],
    ['[1,2]', undefined],
    ['null', undefined],
    ['', undefined],
  ])('%s -> %j', (body, ids) => expect(parseModelList(body)).toEqual(ids));
});

describe('Retry-After', () => {
  it.each([
    ['5', 5],
    [' 120 ', 120],
    [undefined, undefined],
    ['soon', undefined],
  ])('%j -> %j', (v, s) => expect(retryAfterSeconds(v)).toBe(s));
});

describe('fixes that fit the situation, with the gateway\'s own words', () => {
  it.each([
    ['{"error":{"message":"Invalid API key","type":"invalid_request_error"}}', 'Invalid API key'],
    ['{"message":"Key revoked"}', 'Key revoked'],
    ['{"error":"quota exceeded"}', 'quota exceeded'],
    ['plain words\nsecond line', 'plain words second line'],
    ['<html>nope</html>', undefined],
    ['{"error":{"code":42}}', undefined],
    [`{"message":"${'x'.repeat(300)}"}`, undefined],
    // Terminal control sequences from the network are not printed as such.
    ['{"message":"\\u001b]52;c;aGk=\\u0007 hidden"}', ']52;c;aGk=  hidden'],
  ])('gatewayMessage(%j) is %j', (body, said) => expect(gatewayMessage(body)).toBe(said));

  it('a 401 shows the gateway\'s message and names where the key came from', () => {
    const v = classify(res(401, '{"error":{"message":"Invalid API key"}}'), { ...ctx, keyOrigin: 'the key given on standard input' });
    expect(v).toMatchObject({
      summary: 'The gateway rejected the key (HTTP 401: Invalid API key).',
      fix: 'The key given on standard input is mistyped or revoked: copy it again from the Lightweight dashboard and run npx lightweight-setup again.',
    });
  });

  it('a DNS failure on the gateway\'s own host does not say "check for typos"; on another host it does', () => {
    const own = classify(err('ENOTFOUND'), ctx);
    expect(own.ok ? '' : own.fix).toBe('This machine cannot look up the gateway: check its network connection, DNS or VPN; if this network reaches the internet through a proxy, set HTTPS_PROXY (Codex uses it for https:// URLs).');
    const other = classify(err('ENOTFOUND'), { ...ctx, baseUrl: 'https://gw.exmaple.com/v1' });
    expect(other.ok ? '' : other.fix).toContain('Check the base URL for typos');
  });

  it('a timeout names the command to run again with a longer --timeout', () => {
    const v = classify(err(undefined, 'aborted', true), { ...ctx, retry: 'lightweight doctor' });
    expect(v.ok ? '' : v.fix).toBe('Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: lightweight doctor --timeout 30.');
  });
});

describe('every verdict, exactly as the user reads it', () => {
  const LW = 'https://api.lightweight.one/v1';
  const OTHER = 'https://gw.example.com:8443/v1';
  const at = (baseUrl: string, extra: Record<string, unknown> = {}) => ({ baseUrl, timeoutSeconds: 10, ...extra });
  const TIMEOUT_FIX = 'Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: npx lightweight-setup doctor --timeout 30.';

  it.each<[string, ProbeOutcome, Record<string, unknown>, Record<string, unknown>]>([
    ['our deadline', err(undefined, 'aborted', true), at(LW), { cause: 'timeout', summary: 'api.lightweight.one did not answer within 10 s.', fix: TIMEOUT_FIX }],
    ['a body timeout, through a proxy', err('UND_ERR_BODY_TIMEOUT'), at(LW, { route: { proxy: { shown: 'http://proxy:3128', variable: 'https_proxy' } } }), { cause: 'timeout', summary: 'api.lightweight.one did not answer within 10 s (through the proxy http://proxy:3128, from https_proxy).', fix: 'Check your network, VPN or proxy, or give it longer: npx lightweight-setup doctor --timeout 30.' }],
    ['ETIMEDOUT, a long limit', err('ETIMEDOUT'), at(LW, { timeoutSeconds: 120 }), { cause: 'timeout', summary: 'api.lightweight.one did not answer within 120 s.', fix: 'Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: npx lightweight-setup doctor --timeout 360.' }],
    ['a timeout past the cap, with its own retry command', err('UND_ERR_CONNECT_TIMEOUT'), at(LW, { timeoutSeconds: 500, retry: 'npx lightweight-setup doctor' }), { cause: 'timeout', fix: 'Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: npx lightweight-setup doctor --timeout 600.' }],
    ['EAI_NONAME, our host', err('EAI_NONAME'), at(LW), { cause: 'dns', summary: 'The host name api.lightweight.one could not be resolved.', fix: 'This machine cannot look up the gateway: check its network connection, DNS or VPN; if this network reaches the internet through a proxy, set HTTPS_PROXY (Codex uses it for https:// URLs).' }],
    ['EAI_FAIL, another host with a port', err('EAI_FAIL'), at(OTHER), { cause: 'dns', summary: 'The host name gw.example.com:8443 could not be resolved.', fix: 'Check the base URL for typos, and that this machine has DNS (or set HTTPS_PROXY if you must use a proxy).' }],
    ['our host with a port is still ours', err('EAI_AGAIN'), at('https://api.lightweight.one:8443/v1'), { cause: 'dns', fix: expect.stringMatching(/^This machine cannot look up the gateway/) }],
    ['ECONNREFUSED', err('ECONNREFUSED'), at(OTHER), { cause: 'refused', summary: 'gw.example.com:8443 refused the connection.' }],
    ['ENETUNREACH', err('ENETUNREACH'), at(LW), { cause: 'refused', summary: 'api.lightweight.one cannot be reached from this machine (ENETUNREACH).', fix: 'Check your network connection, VPN or firewall.' }],
    ['EADDRNOTAVAIL', err('EADDRNOTAVAIL'), at(LW), { cause: 'refused', summary: 'api.lightweight.one cannot be reached from this machine (EADDRNOTAVAIL).' }],
    ['ERR_TLS_* not in the list', err('ERR_TLS_HANDSHAKE_TIMEOUT', 'handshake'), at(LW), { cause: 'tls', summary: 'Codex would not trust api.lightweight.one: TLS error ERR_TLS_HANDSHAKE_TIMEOUT.' }],
    ['ERR_SSL_*', err('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), at(LW), { cause: 'tls', summary: 'Codex would not trust api.lightweight.one: what answers there does not speak TLS.' }],
    ['a failure in the TLS step, whatever its code', { kind: 'error', code: 'EPIPE', message: 'unable to verify the first certificate', elapsedMs: 3, phase: 'tls' }, at(LW), { cause: 'tls' }],
    ['a code containing TLS elsewhere is not TLS', err('X_ERR_TLS', 'boom'), at(LW), { cause: 'connection', summary: 'The connection to api.lightweight.one failed (X_ERR_TLS).', fix: 'Retry in a minute; if it keeps failing, check your network or proxy.' }],
    ['no code at all: no library text either', err(undefined, 'socket closed'), at(LW), { cause: 'connection', summary: 'The connection to api.lightweight.one failed.' }],
    ['a CA variable naming an unusable file', err('LW_CA_FILE', 'CODEX_CA_CERTIFICATE names /x.pem, which does not exist'), at(LW), { cause: 'ca-file', summary: 'CODEX_CA_CERTIFICATE names /x.pem, which does not exist: Codex makes no connection at all while it does.', fix: "Point it at the PEM file of your proxy's CA certificate, or unset it." }],
    ['a base URL that is not one (named as given)', err('ENOTFOUND'), at('gw example'), { cause: 'dns', summary: 'The host name gw example could not be resolved.' }],
    ['401 with the gateway\'s words', res(401, '{"error":{"message":"Invalid API key"}}'), at(LW, { keyOrigin: 'the key in ~/.config/lightweight/env' }), { cause: 'auth', status: 401, summary: 'The gateway rejected the key (HTTP 401: Invalid API key).', fix: 'The key in ~/.config/lightweight/env is mistyped or revoked: copy it again from the Lightweight dashboard and run npx lightweight-setup again.' }],
    ['401 without an origin', res(401), at(LW), { cause: 'auth', fix: 'The key in LIGHTWEIGHT_API_KEY is mistyped or revoked: copy it again from the Lightweight dashboard and run npx lightweight-setup again.' }],
    ['403 with a model and no words', res(403), at(LW, { model: 'o3' }), { cause: 'auth', status: 403, fix: 'The gateway refused the key in LIGHTWEIGHT_API_KEY for this request: check that it may use the gateway (and o3); copy it again from the Lightweight dashboard if it was revoked, and run npx lightweight-setup again.' }],
    ['403 with a model and words', res(403, '{"message":"plan does not include o3"}'), at(LW, { model: 'o3' }), { cause: 'auth', summary: 'The gateway rejected the key (HTTP 403: plan does not include o3).', fix: expect.stringMatching(/^The gateway refused the key in LIGHTWEIGHT_API_KEY: check/) }],
    ['403 without a model', res(403), at(LW), { cause: 'auth', fix: expect.stringMatching(/is mistyped or revoked/) }],
    ['404 without /v1', res(404), at('https://gw.example.com/api/'), { cause: 'not-found', status: 404, summary: 'https://gw.example.com/api//models was not found (HTTP 404).', fix: 'The base URL must end in /v1: try https://gw.example.com/api/v1.' }],
    ['404 with /v1', res(404), at(LW), { cause: 'not-found', fix: "Check the base URL; the gateway's is https://api.lightweight.one/v1." }],
    ['404 with /v1 not at the end', res(404), at('https://gw.example.com/v1/x'), { cause: 'not-found', fix: 'The base URL must end in /v1: try https://gw.example.com/v1/x/v1.' }],
    ['429 with seconds', res(429, '', { 'retry-after': '17' }), at(LW), { cause: 'rate-limit', status: 429, retryAfterSeconds: 17, summary: 'The gateway is rate-limiting this key (HTTP 429); retry after 17 s.', fix: 'Wait 17 s and run the check again (npx lightweight-setup doctor); if it persists, ask your administrator about the per-user limit.' }],
    ['429 without Retry-After', res(429, '{"error":"slow down"}'), at(LW), { cause: 'rate-limit', status: 429, summary: 'The gateway is rate-limiting this key (HTTP 429: slow down).', fix: 'Wait a minute and run the check again (npx lightweight-setup doctor); if it persists, ask your administrator about the per-user limit.' }],
    ['502', res(502), at(LW), { cause: 'server', status: 502, summary: 'The gateway had a server error (HTTP 502).', fix: "This is on the gateway's side: retry in a few minutes (npx lightweight-setup doctor)." }],
    ['500 with a retry command', res(500), at(LW, { retry: 'npx lightweight-setup doctor' }), { cause: 'server', status: 500, fix: "This is on the gateway's side: retry in a few minutes (npx lightweight-setup doctor)." }],
    ['300', res(300), at(LW), { cause: 'bad-response', status: 300, summary: 'The gateway redirected (HTTP 300); the key is not sent on redirects.', fix: 'Set --base-url to the final URL, ending in /v1.' }],
    ['399', res(399), at(LW), { cause: 'bad-response', status: 399, summary: 'The gateway redirected (HTTP 399); the key is not sent on redirects.' }],
    ['307 to elsewhere', res(307, '', { location: 'https://x.example/v1/models' }), at(LW), { summary: 'The gateway redirected (HTTP 307 to https://x.example/v1/models); the key is not sent on redirects.' }],
    ['400', res(400, '{"detail":"bad request"}'), at(LW), { cause: 'bad-response', status: 400, summary: 'The gateway answered HTTP 400: bad request instead of a model list.', fix: 'Check that the base URL points at an OpenAI-compatible gateway and ends in /v1.' }],
    ['405', res(405), at(LW), { cause: 'bad-response', status: 405, summary: 'The gateway answered HTTP 405 instead of a model list.' }],
    ['407', res(407), at(LW), { cause: 'bad-response', status: 407 }],
    ['204', res(204), at(LW), { cause: 'bad-response', status: 204 }],
    ['HTML after blank lines', res(200, '\n  <!doctype html>'), at(LW), { cause: 'bad-response', status: 200, summary: 'https://api.lightweight.one/v1/models did not return a JSON model list (it returned an HTML page, perhaps a captive portal or proxy login).', fix: 'Check that the base URL points at the Lightweight gateway (https://api.lightweight.one/v1).' }],
    ['text with a < later', res(200, 'nope <b>'), at(LW), { cause: 'bad-response', summary: 'https://api.lightweight.one/v1/models did not return a JSON model list.' }],
  ])('%s', (_n, outcome, context, want) => {
    const v = classify(outcome, context as unknown as Parameters<typeof classify>[1]);
    expect(v).toMatchObject({ ok: false, latencyMs: Math.round(outcome.elapsedMs), ...want });
    if (!('status' in want) && outcome.kind === 'error') expect(v).not.toHaveProperty('status');
  });

  it.each([
    [['o3'], 'o3', { modelServed: true, summary: 'The gateway at api.lightweight.one answered in 12 ms with 1 model.' }],
    [['o3', 'gpt-5.4'], 'gpt-5.4-mini', { modelServed: false, summary: 'The gateway at api.lightweight.one answered in 12 ms with 2 models.' }],
    [[], undefined, { summary: 'The gateway at api.lightweight.one answered in 12 ms with 0 models.' }],
  ])('a list of %j for model %s', (ids, model, want) => {
    const v = classify(res(200, list(...ids)), { baseUrl: LW, timeoutSeconds: 10, ...(model ? { model } : {}) });
    expect(v).toEqual({ ok: true, latencyMs: 12, models: ids, ...want });
  });

  it.each([
    ['{"error":{"message":"Invalid key"}}', 'Invalid key'],
    ['{"error":"plain"}', 'plain'],
    ['{"error":null,"message":"from message"}', 'from message'],
    ['{"detail":"from detail"}', 'from detail'],
    ['{"error":{"code":1}}', undefined],
    ['  <html>', undefined],
    ['plain text answer', 'plain text answer'],
    ['two\n\u001b[31mlines', 'two [31mlines'],
    ['x'.repeat(200), 'x'.repeat(200)],
    ['x'.repeat(201), undefined],
    ['   ', undefined],
  ])('the gateway says %j: %j', (body, said) => expect(gatewayMessage(body)).toBe(said));

  it.each([
    [undefined, undefined],
    ['', undefined],
    [' 5 ', 5],
    [['7', '9'], 7],
    ['5s', undefined],
    ['x5', undefined],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
  ])('Retry-After %j is %j seconds', (v, s) => expect(retryAfterSeconds(v, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(s));

  it.each([
    ['[{"id":"a"}]', ['a']],
    ['{"data":[{"id":"a"},{"id":"b"}]}', ['a', 'b']],
    ['{"data":[{"id":"a"},null]}', undefined],
    ['{"data":[{"id":"a"},"b"]}', undefined],
    ['{"data":[{"name":"a"}]}', undefined],
    ['null', undefined],
    ['"text"', undefined],
    ['{"models":[]}', undefined],
  ])('model list %s: %j', (body, ids) => expect(parseModelList(body)).toEqual(ids));
});

describe("failures on the way Codex goes: the proxy's hops and the route's own hints", () => {
  const LW = 'https://api.lightweight.one/v1';
  const proxy = { shown: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' };
  const via = { baseUrl: LW, timeoutSeconds: 10, route: { proxy } };
  const hop = (code: string, status?: number, extra: Partial<Extract<ProbeOutcome, { kind: 'error' }>> = {}): ProbeOutcome => ({ kind: 'error', code, message: 'x', elapsedMs: 3, phase: 'proxy', ...(status !== undefined ? { status } : {}), ...extra });
  it.each<[string, ProbeOutcome, string, string, string]>([
    ['proxy port closed', hop('LW_PROXY_REFUSED'), 'proxy-refused', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) refused the connection: nothing listens at that address.', 'Start the proxy (or the VPN that provides it), or correct HTTPS_PROXY; if this network needs no proxy, unset it (Codex would use it too).'],
    ['proxy name unknown', hop('LW_PROXY_DNS'), 'proxy-dns', "The proxy's host name proxy.corp (from HTTPS_PROXY) could not be resolved.", 'Check HTTPS_PROXY for a typo; a company proxy\'s name may resolve only on the company network or VPN.'],
    ['proxy unreachable', hop('LW_PROXY_UNREACHABLE'), 'proxy-unreachable', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) cannot be reached from this machine.', 'Check that the proxy runs and that this machine can reach it (VPN?), or correct HTTPS_PROXY; Codex uses the same proxy.'],
    ['proxy silent', hop('LW_TIMEOUT', undefined, { timedOut: true }), 'proxy-unreachable', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) did not answer within 10 s.', 'Check that the proxy runs and that this machine can reach it (VPN?), or correct HTTPS_PROXY; Codex uses the same proxy.'],
    ['CONNECT 407', hop('LW_PROXY_STATUS', 407), 'proxy-auth', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) asks for a login (HTTP 407).', 'Put your proxy login in HTTPS_PROXY: http://user:password@proxy.corp:3128 (percent-encode special characters); Codex reads it there too.'],
    ['CONNECT 403', hop('LW_PROXY_STATUS', 403), 'proxy-forbidden', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) refused to open a connection to api.lightweight.one (HTTP 403).', 'Ask your network administrator to allow api.lightweight.one through the proxy.'],
    ['CONNECT 502', hop('LW_PROXY_STATUS', 502), 'proxy-upstream', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) could not reach api.lightweight.one (HTTP 502): it cannot resolve or connect to that host.', "The URL is the gateway's own: ask your network administrator whether the proxy can reach api.lightweight.one."],
    ['SOCKS not allowed', hop('LW_PROXY_SOCKS', 2), 'proxy-forbidden', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) refused to open a connection to api.lightweight.one (SOCKS: not allowed).', 'Ask your network administrator to allow api.lightweight.one through the proxy.'],
    ['SOCKS host unreachable', hop('LW_PROXY_SOCKS', 4), 'proxy-upstream', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) could not reach api.lightweight.one (SOCKS reply 4): it cannot resolve or connect to that host.', "The URL is the gateway's own: ask your network administrator whether the proxy can reach api.lightweight.one."],
    ['CONNECT 405', hop('LW_PROXY_STATUS', 405), 'proxy-error', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) answered CONNECT with HTTP 405.', 'Check HTTPS_PROXY: it must name a proxy that opens HTTPS tunnels (CONNECT) or a SOCKS5 proxy.'],
    ['not a proxy at all', hop('LW_PROXY_BAD_RESPONSE', undefined, { message: 'the proxy did not answer CONNECT in HTTP' }), 'proxy-error', 'The proxy http://proxy.corp:3128 (HTTPS_PROXY) did not answer CONNECT in HTTP.', 'Check HTTPS_PROXY: it must name a proxy that opens HTTPS tunnels (CONNECT) or a SOCKS5 proxy.'],
  ])('%s: %s', (_n, outcome, cause, summary, fix) => {
    expect(classify(outcome, via)).toMatchObject({ ok: false, cause, summary, fix });
  });

  it('never gives base-URL advice for the gateway\'s own URL when the connection is refused', () => {
    const v = classify(err('ECONNREFUSED'), { baseUrl: LW, timeoutSeconds: 10 });
    expect(v).toMatchObject({ cause: 'refused', fix: "The URL is the gateway's own: a firewall or VPN blocks it here, or this network reaches the internet only through a proxy (set HTTPS_PROXY)." });
    expect(v.ok ? '' : v.fix).not.toMatch(/base URL/);
  });

  it('names the proxy variable Codex ignores for https, and the NO_PROXY entry that sends it around the proxy', () => {
    const unused = classify(err('ENOTFOUND'), { baseUrl: LW, timeoutSeconds: 10, route: { unused: { variable: 'HTTP_PROXY', why: 'Codex uses HTTP_PROXY only for http:// URLs; this one is https://' } } });
    expect(unused.ok ? '' : unused.fix).toBe('Codex uses HTTP_PROXY only for http:// URLs; this one is https://: if the gateway is reached through that proxy, set HTTPS_PROXY to it too (where Codex starts as well).');
    const exempt = classify(err('ENOTFOUND'), { baseUrl: LW, timeoutSeconds: 10, route: { exemptedBy: { variable: 'no_proxy', entry: '.lightweight.one', proxy: 'http://proxy.corp:3128' } } });
    expect(exempt.ok ? '' : exempt.fix).toBe('no_proxy\'s entry ".lightweight.one" sends it around the proxy http://proxy.corp:3128, so Codex connects directly: take that entry out if the gateway is reached through the proxy.');
  });

  it('warns when Codex would send a plain-http gateway on this machine through a proxy (the check went directly)', () => {
    const v = classify(res(200, list('gpt-5.4')), { baseUrl: 'http://127.0.0.1:8080/v1', timeoutSeconds: 10, route: { codexProxiesPlainHttp: { shown: 'http://proxy.corp:3128', variable: 'HTTP_PROXY' } } });
    expect(v).toMatchObject({ ok: true, routeWarning: { fix: 'Add 127.0.0.1 to NO_PROXY where Codex starts (for example: export NO_PROXY=127.0.0.1).' } });
  });
});
