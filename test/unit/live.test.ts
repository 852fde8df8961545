/** `doctor --live`, `models --test` and the settings that contradict the gateway, as pure functions. */
import { describe, expect, it } from 'vitest';
import { codexLiveArgs } from '../../src/codex/live.js';
import { contradictionChecks, liveCheck, type ContradictionFacts } from '../../src/doctor/checks.js';
import { judgeCodex, judgeDirect, sameModel, SseReader, usageText, type CodexContext, type CodexLine, type CodexRun, type DirectOutcome, type LiveVerdict } from '../../src/gateway/live.js';
import { parseToml } from '../../src/toml/parse.js';
import { scanToml } from '../../src/toml/scan.js';

const ev = (type: string, extra: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...extra })}\n\n`;
const COMPLETE = [
  ev('response.created', { response: { id: 'r', model: 'gpt-5.4' } }),
  ev('response.output_text.delta', { delta: 'ok' }),
  ev('response.output_item.done', { item: { type: 'message' } }),
  ev('response.completed', { response: { id: 'r', model: 'gpt-5.4', usage: { input_tokens: 12, output_tokens: 3, input_tokens_details: { cached_tokens: 4 } } } }),
].join('');

describe('reading an event stream as it arrives', () => {
  it('finds the first output, completion, model and usage, whatever the chunking', () => {
    for (const size of [1, 7, 64, COMPLETE.length]) {
      const r = new SseReader();
      for (let i = 0, t = 0; i < COMPLETE.length; i += size, t += 10) r.feed(COMPLETE.slice(i, i + size), t);
      const s = r.end(9999);
      expect(s, `chunks of ${size}`).toMatchObject({ completed: true, model: 'gpt-5.4', usage: { input: 12, output: 3, cached: 4 }, events: 4 });
      expect(s.firstTokenMs).toBeGreaterThanOrEqual(0);
    }
  });

  it.each([
    ['CRLF line ends', COMPLETE.replace(/\n/g, '\r\n'), { completed: true, events: 4 }],
    ['a last event without a blank line after it', COMPLETE.trimEnd(), { completed: true }],
    ['[DONE] and comments', `: keep-alive\n\n${COMPLETE}data: [DONE]\n\n`, { completed: true, events: 4 }],
    ['a stream cut before completion', COMPLETE.split('event: response.completed')[0]!, { completed: false, events: 3 }],
    ['response.failed', ev('response.failed', { response: { error: { message: 'upstream overloaded' } } }), { completed: false, failure: 'upstream overloaded' }],
    ['an error event', ev('error', { message: 'bad model' }), { failure: 'bad model' }],
    ['lines that are not JSON', 'data: {not json\n\n', { completed: false, events: 0 }],
  ])('%s', (_n, text, want) => {
    const r = new SseReader();
    r.feed(text, 5);
    expect(r.end(10)).toMatchObject(want);
  });
});

describe('the model that answered', () => {
  it.each([
    ['gpt-5.4', 'gpt-5.4', true],
    ['gpt-5.4', 'GPT-5.4', true],
    ['gpt-5.4', 'gpt-5.4-2026-03-05', true],
    ['gpt-5.4', 'openai/gpt-5.4', true],
    ['gpt-5.4', 'gpt-5.4-mini', false],
    ['gpt-5.4', 'gpt-4o-mini', false],
    ['o3', 'o3-2025-04-16', true],
  ])('asked %s, answered %s: same %s', (a, b, same) => expect(sameModel(a, b)).toBe(same));

  it.each([
    [undefined, 'token use not reported'],
    [{ input: 12, output: 3 }, '15 tokens (12 in, 3 out)'],
    [{ input: 12, output: 3, cached: 4 }, '15 tokens (12 in, 4 cached, 3 out)'],
  ])('usage %j reads %s', (u, text) => expect(usageText(u)).toBe(text));
});

const CTX = { baseUrl: 'https://gw.example/v1', model: 'gpt-5.4', timeoutSeconds: 60 };
const streamOf = (text: string) => {
  const r = new SseReader();
  r.feed(text, 40);
  return r.end(90);
};
const response = (status: number, extra: Partial<Extract<DirectOutcome, { kind: 'response' }>> = {}): DirectOutcome => ({ kind: 'response', status, contentType: 'application/json', body: '', totalMs: 100, ...extra });

describe('judging a direct request', () => {
  it('passes a completed stream, naming the model, the times and the tokens', () => {
    const v = judgeDirect(response(200, { contentType: 'text/event-stream; charset=utf-8', stream: streamOf(COMPLETE) }), CTX);
    expect(v).toMatchObject({ status: 'pass', via: 'direct', answeredBy: 'gpt-5.4', ttftMs: 40, totalMs: 100, usage: { input: 12, output: 3 } });
    expect(v.summary).toBe('gpt-5.4 answered directly in 100 ms (first output after 40 ms); 15 tokens (12 in, 4 cached, 3 out).');
  });

  it.each<[string, DirectOutcome, LiveVerdict['cause'], RegExp]>([
    ['404: no Responses API', response(404, { body: '{"error":{"message":"Not Found"}}' }), 'no-responses-api', /GET \/models answers, but POST https:\/\/gw.example\/v1\/responses is 404: Not Found/],
    ['a JSON body', response(200, { body: '{"output":[]}' }), 'not-a-stream', /answered application\/json, not an event stream/],
    ['403 for this model', response(403, { body: '{"error":{"message":"model not allowed"}}' }), 'model-forbidden', /The key may not use gpt-5.4 \(HTTP 403: model not allowed\)/],
    ['401', response(401), 'auth', /refused the key/],
    ['429', response(429, { retryAfter: '30' }), 'rate-limit', /rate-limiting/],
    ['502', response(502), 'server', /answered HTTP 502/],
    ['a cut stream', response(200, { contentType: 'text/event-stream', stream: streamOf(COMPLETE.split('event: response.completed')[0]!) }), 'incomplete', /ended without response.completed \(3 events\)/],
    ['a timeout', { kind: 'error', message: 'aborted', timedOut: true, totalMs: 60000 }, 'timeout', /did not finish within 60 s/],
    ['a reset', { kind: 'error', code: 'ECONNRESET', message: 'socket hang up', timedOut: false, totalMs: 5 }, 'connection', /^POST https:\/\/.*\/responses: the connection to .* was closed before an answer\.$/],
  ])('%s', (_n, outcome, cause, summary) => {
    const v = judgeDirect(outcome, CTX);
    expect(v).toMatchObject({ status: 'fail', cause });
    expect(v.summary).toMatch(summary);
    expect(v.fix).not.toBe('');
  });

  it("names the proxy's refusal as the cause, the way GET /models does", () => {
    const v = judgeDirect({ kind: 'error', code: 'LW_PROXY_STATUS', status: 403, phase: 'proxy', message: 'x', timedOut: false, totalMs: 5 }, { ...CTX, route: { proxy: { shown: 'http://p:3128', variable: 'HTTPS_PROXY' } } });
    expect(v).toMatchObject({ status: 'fail', cause: 'proxy-forbidden', summary: 'POST https://gw.example/v1/responses: the proxy http://p:3128 (HTTPS_PROXY) refused to open a connection to gw.example (HTTP 403).', fix: 'Ask your network administrator to allow gw.example through the proxy.' });
  });

  it('names no model as the one that answered when the stream does not say', () => {
    const v = judgeDirect({ kind: 'response', status: 200, contentType: 'text/event-stream', body: '', stream: { completed: true, events: 3 }, totalMs: 80 }, CTX);
    expect(v).toMatchObject({ status: 'pass', summary: 'Asked for gpt-5.4 directly and got an answer in 80 ms; token use not reported. The stream did not name the model that answered.' });
    expect(v.answeredBy).toBeUndefined();
  });

  it('warns, naming it, when another model answered', () => {
    const v = judgeDirect(response(200, { contentType: 'text/event-stream', stream: streamOf(COMPLETE.replace(/gpt-5\.4/g, 'gpt-4o-mini')) }), CTX);
    expect(v).toMatchObject({ status: 'warn', cause: 'other-model', answeredBy: 'gpt-4o-mini' });
    expect(v.summary).toBe('Asked for gpt-5.4, but gpt-4o-mini answered.');
  });
});

const line = (atMs: number, event: CodexLine['event']): CodexLine => ({ atMs, event });
const codexRun = (lines: CodexLine[], extra: Partial<CodexRun> = {}): CodexRun => ({ lines, code: lines.some((l) => l.event.type === 'turn.completed') ? 0 : 1, stderr: '', timedOut: false, totalMs: 1500, ...extra });
const CODEX_CTX: CodexContext = { ...CTX, layout: 'model-providers', keySource: 'file', keyFile: '~/.config/lightweight/env' };
const started = [line(300, { type: 'thread.started' }), line(310, { type: 'item.completed', item: { type: 'error', message: 'Model metadata for `gpt-5.4` not found.' } }), line(400, { type: 'turn.started' })];
const failedWith = (message: string) => codexRun([...started, line(700, { type: 'turn.failed', error: { message } })]);
const directPass: LiveVerdict = { status: 'pass', via: 'direct', model: 'gpt-5.4', summary: 'gpt-5.4 answered.', fix: '' };

describe('judging a request through Codex', () => {
  it('passes a completed turn: time to first output and in total from the turn start, tokens from Codex', () => {
    const v = judgeCodex(codexRun([...started, line(650, { type: 'item.completed', item: { type: 'agent_message', text: 'ok' } }), line(700, { type: 'turn.completed', usage: { input_tokens: 9000, cached_input_tokens: 0, output_tokens: 5 } })]), CODEX_CTX);
    expect(v).toMatchObject({ status: 'pass', via: 'codex', ttftMs: 250, totalMs: 300, usage: { input: 9000, output: 5 } });
    expect(v.summary).toBe('Asked for gpt-5.4 through Codex and got an answer in 300 ms (first output after 250 ms); 9005 tokens (9000 in, 5 out). Codex does not show which model answered.');
  });

  it.each<[string, CodexContext['layout'], number, LiveVerdict['status']]>([
    ['base-URL layout, first output after 6.4 s: the WebSocket attempts', 'openai-base-url', 6400, 'warn'],
    ['base-URL layout, just under the limit', 'openai-base-url', 3999, 'pass'],
    ['base-URL layout, at the limit', 'openai-base-url', 4000, 'warn'],
    ['provider table, however slow (it never tries a WebSocket)', 'model-providers', 6400, 'pass'],
  ])('%s: %s', (_n, layout, ttft, status) => {
    const v = judgeCodex(codexRun([...started, line(400 + ttft, { type: 'item.completed', item: { type: 'agent_message', text: 'ok' } }), line(450 + ttft, { type: 'turn.completed', usage: { input_tokens: 10, output_tokens: 5 } })]), { ...CODEX_CTX, layout });
    expect(v.status).toBe(status);
    if (status === 'warn') {
      expect(v).toMatchObject({ cause: 'slow-start', fix: 'The provider-table layout sends the request at once: npx lightweight-setup --layout model-providers.' });
      expect(v.summary).toBe(
        `Asked for gpt-5.4 through Codex and got an answer in ${ttft + 50} ms (first output after ${ttft} ms); 15 tokens (10 in, 5 out). Codex does not show which model answered. Codex waited ${(ttft / 1000).toFixed(1)} s before its first output: in the base-URL layout it first tries a WebSocket at the gateway, which costs about 6 s at every session start where the gateway has none.`,
      );
    }
  });

  it('warns when Codex reports the request rerouted to another model', () => {
    const v = judgeCodex(
      codexRun([...started, line(500, { type: 'item.completed', item: { type: 'error', message: 'model rerouted: gpt-5.4 -> gpt-4o-mini (HighRiskCyberActivity)' } }), line(700, { type: 'turn.completed', usage: { input_tokens: 1, output_tokens: 1 } })]),
      CODEX_CTX,
    );
    expect(v).toMatchObject({ status: 'warn', cause: 'other-model', answeredBy: 'gpt-4o-mini' });
  });

  it.each<[string, CodexRun, Partial<CodexContext>, LiveVerdict['cause'], RegExp]>([
    ['401 while the key works directly (auth command)', failedWith('unexpected status 401 Unauthorized: Invalid API key, url: http://x/v1/responses'), { direct: directPass }, 'codex-key', /Codex runs the auth command/],
    ['401 while the key works directly (env)', failedWith('unexpected status 401 Unauthorized'), { keySource: 'env', direct: directPass }, 'codex-key', /--key-source file/],
    ['401 while the key works directly (base-URL layout)', failedWith('unexpected status 401 Unauthorized'), { layout: 'openai-base-url', direct: directPass }, 'codex-key', /login store/],
    ['a missing variable', failedWith('Missing environment variable: `LIGHTWEIGHT_API_KEY`.'), { keySource: 'env' }, 'codex-key', /open a new terminal/],
    ['a failing auth command', failedWith("provider auth command '/bin/sh' exited with status 1: lightweight-setup: no key"), {}, 'codex-key', /auth command/],
    ['404', failedWith('unexpected status 404 Not Found: Not Found'), {}, 'no-responses-api', /Responses API/],
    ['403', failedWith('unexpected status 403 Forbidden: no'), {}, 'model-forbidden', /models --test/],
    ['a cut stream', failedWith('stream disconnected before completion: stream closed before response.completed'), {}, 'incomplete', /proxy/],
    ['a config Codex refuses', codexRun([], { code: 1, stderr: 'Error loading config.toml: invalid transport\n' }), {}, 'codex', /Codex could not complete the request \(Codex: Error loading config.toml: invalid transport\)/],
    ['a timeout', codexRun(started, { timedOut: true, code: null }), {}, 'timeout', /within 60 s/],
  ])('%s', (_n, run, ctx, cause, fix) => {
    const v = judgeCodex(run, { ...CODEX_CTX, ...ctx });
    expect(v).toMatchObject({ status: 'fail', cause, via: 'codex' });
    expect(`${v.summary} ${v.fix}`).toMatch(fix);
  });

  it("a stream Codex calls cut is explained by the direct request: the gateway sent JSON, not a stream", () => {
    const direct = judgeDirect(response(200, { body: '{}' }), CTX);
    const v = judgeCodex(failedWith('stream disconnected before completion: stream closed before response.completed'), { ...CODEX_CTX, direct });
    expect(v).toMatchObject({ status: 'fail', cause: 'not-a-stream', via: 'codex' });
    expect(v.summary).toContain('(Codex: stream disconnected before completion');
  });
});

describe('the Codex run', () => {
  it('turns off each MCP server, allows no retries with the provider table, and names the servers it cannot turn off', () => {
    const p = codexLiveArgs('/tmp/w', { mcpServers: ['github', 'my_db-2', 'dotted.name'], providerTable: true });
    expect(p.args.slice(0, 10)).toEqual(['exec', '--ephemeral', '--skip-git-repo-check', '--sandbox', 'read-only', '-C', '/tmp/w', '--json', '--color', 'never']);
    expect(p.args).toContain('mcp_servers.github.enabled=false');
    expect(p.args).toContain('mcp_servers.my_db-2.enabled=false');
    expect(p.args.join(' ')).not.toContain('dotted');
    expect(p.args).toContain('model_providers.lightweight.request_max_retries=0');
    expect(p.args.at(-1)).toBe('Reply with the single word: ok');
    expect(p.unstoppable).toEqual(['dotted.name']);
    expect(codexLiveArgs('/tmp/w', { mcpServers: [], providerTable: false }).args.join(' ')).not.toContain('model_providers');
  });

  it('the check: skipped, passed, warned and failed', () => {
    expect(liveCheck({ skipped: 'Not sent.' })).toMatchObject({ id: 'live', status: 'skip' });
    expect(liveCheck({ ...directPass, via: 'codex' })).toMatchObject({ id: 'live', status: 'pass', title: 'A real request works: gpt-5.4 answered', detail: 'gpt-5.4 answered.' });
    expect(liveCheck({ ...directPass, status: 'fail', cause: 'no-responses-api', fix: 'x' })).toMatchObject({ status: 'fail', cause: 'no-responses-api', title: 'A real request fails POST /responses (gpt-5.4) (no-responses-api)' });
  });
});

describe('settings that contradict the gateway', () => {
  const SERVED = ['gpt-5.4', 'gpt-5.4-mini', 'o3'];
  const facts = (toml: string, extra: Partial<ContradictionFacts> = {}): ContradictionFacts => ({
    parsed: parseToml(toml, 'config.toml'),
    doc: scanToml(toml),
    configShown: '~/.codex/config.toml',
    codexHomeShown: '~/.codex',
    served: SERVED,
    profiles: [],
    ...extra,
  });
  const ids = (toml: string, extra?: Partial<ContradictionFacts>) => contradictionChecks(facts(toml, extra)).map((c) => `${c.id}:${c.status}`);

  it('a clean config passes once', () => expect(ids('model = "gpt-5.4"\nreview_model = "o3"\nmodel_context_window = 400000\n')).toEqual(['settings:pass']));

  it.each([
    ['model = "o3"\nmodel_context_window = 1000000\n', 'model_context_window = 1000000 is larger than o3\'s context (200K)', '~/.codex/config.toml:2'],
    ['model = "gpt-5.4"\n\nmodel_auto_compact_token_limit = 900000\n', 'model_auto_compact_token_limit = 900000 is larger than gpt-5.4\'s context (400K)', '~/.codex/config.toml:3'],
  ])('%j', (toml, title, where) => {
    const [c] = contradictionChecks(facts(toml));
    expect(c).toMatchObject({ id: 'context-window', status: 'fail', title });
    expect(c!.detail).toContain(where);
    expect(c!.fix).toMatch(/Delete model_\w+/);
  });

  it('a context limit for a model it does not know is left alone', () => expect(ids('model = "my-local"\nmodel_context_window = 2000000\n')).toEqual(['settings:pass']));

  it('review_model (and any *_model) naming a model the gateway does not serve', () => {
    const checks = contradictionChecks(facts('model = "gpt-5.4"\nreview_model = "gpt-5.1-codex"\n'));
    expect(checks).toMatchObject([{ id: 'model-keys', status: 'fail', title: 'review_model = "gpt-5.1-codex" is not served by the gateway' }]);
    expect(checks[0]!.fix).toBe('Set review_model = "gpt-5.4", or delete it to use the main model.');
  });

  it('model names are not judged when the gateway could not be asked', () => {
    const { served: _s, ...rest } = facts('review_model = "nope"\n');
    expect(contradictionChecks(rest).map((c) => c.id)).toEqual(['settings']);
  });

  it('[profiles.x] tables: ignored by Codex, and the file their settings belong in', () => {
    const checks = contradictionChecks(facts('model = "gpt-5.4"\n\n[profiles.work]\nmodel = "o3"\n'));
    expect(checks).toMatchObject([{ id: 'profiles', status: 'warn', title: '[profiles.work] is ignored by Codex' }]);
    expect(checks[0]!.detail).toContain('~/.codex/config.toml:3');
    expect(checks[0]!.fix).toContain('~/.codex/work.config.toml');
  });

  it('profile files naming an unserved model or an undefined provider', () => {
    const profiles = [
      { shown: '~/.codex/fast.config.toml', name: 'fast', parsed: parseToml('model = "gpt-4.1"\n', 'f') },
      { shown: '~/.codex/other.config.toml', name: 'other', parsed: parseToml('model_provider = "azure"\n', 'f') },
      { shown: '~/.codex/own.config.toml', name: 'own', parsed: parseToml('model_provider = "mine"\nmodel = "llama"\n[model_providers.mine]\nname = "m"\n', 'f') },
      { shown: '~/.codex/ok.config.toml', name: 'ok', parsed: parseToml('model = "o3"\n', 'f') },
      { shown: '~/.codex/bad.config.toml', name: 'bad', error: 'bad.config.toml:1:5: Unexpected character' },
    ];
    const checks = contradictionChecks(facts('model = "gpt-5.4"\n', { profiles }));
    expect(checks.map((c) => c.title)).toEqual([
      '~/.codex/fast.config.toml sets model = "gpt-4.1", which the gateway does not serve',
      '~/.codex/other.config.toml selects model_provider = "azure", which is not defined',
      '~/.codex/bad.config.toml cannot be read',
    ]);
  });
});
