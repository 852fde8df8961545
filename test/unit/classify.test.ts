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
    ['self-signed', err('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'tls', /TLS connection/],
    ['expired', err('CERT_HAS_EXPIRED', 'certificate has expired'), 'tls', /TLS/],
    ['altname', err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', /TLS/],
    ['reset', err('ECONNRESET', 'socket hang up'), 'server', /socket hang up/],
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

  it('says the TLS fix is NODE_EXTRA_CA_CERTS, never disabling verification', () => {
    const v = classify(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), ctx);
    expect(!v.ok && v.fix).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(!v.ok && v.fix).toMatch(/Never disable/);
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
    const v = classify(err('ECONNREFUSED'), { ...ctx, proxy: 'http://proxy.corp:3128' });
    expect(!v.ok && v.summary).toMatch(/through the proxy http:\/\/proxy\.corp:3128/);
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
    expect(own.ok ? '' : own.fix).toBe('This machine cannot look up the gateway: check its network connection, DNS or VPN (or set HTTPS_PROXY if you must use a proxy).');
    const other = classify(err('ENOTFOUND'), { ...ctx, baseUrl: 'https://gw.exmaple.com/v1' });
    expect(other.ok ? '' : other.fix).toContain('Check the base URL for typos');
  });

  it('a timeout names the command to run again with a longer --timeout', () => {
    const v = classify(err(undefined, 'aborted', true), { ...ctx, retry: 'lightweight doctor' });
    expect(v.ok ? '' : v.fix).toBe('Check your network, VPN or proxy (HTTPS_PROXY), or give it longer: lightweight doctor --timeout 30.');
  });
});
