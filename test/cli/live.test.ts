/**
 * `doctor --live` without Codex (a direct streaming POST /responses), `models --test`, and the
 * settings that contradict the gateway, against the stand-in and each of its failure modes.
 */
import { describe, expect, it } from 'vitest';
import { responsesPosts, type StandIn } from '../support/gateway.js';
import { doctorJson } from '../support/doctor.js';
import { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-live-0123456789abcd';
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

async function setUp(args: string[] = []) {
  const r = await sb.setup(KEY, ['--base-url', gw.base, ...args]);
  expect(r.code, r.all).toBe(0);
  gw.requests.length = 0;
}

async function doctor(args: string[] = []) {
  const { r, report, checks } = await doctorJson(sb, args);
  return { r, report, by: checks };
}

const posts = () => responsesPosts(gw);

describe('doctor --live without Codex: one streaming POST /responses', () => {
  it('passes when the stream completes, naming the model, the times and the tokens; one request, with the key', async () => {
    await setUp(['--model', 'o3']);
    const { r, by } = await doctor(['--live']);
    expect(r.code, r.all).toBe(1); // Codex is not installed: that check fails, the request does not
    const [live] = by('live');
    expect(live).toMatchObject({ status: 'pass', title: `A real request works: ${live!.detail.replace(/\.$/, '')}` });
    expect(live!.detail).toMatch(/^o3 answered directly in \d+ ms \(first output after \d+ ms\); 15 tokens \(10 in, 5 out\)\. \(Not through Codex: Codex is not installed\.\)$/);
    expect(posts()).toHaveLength(1);
    expect(posts()[0]).toMatchObject({ model: 'o3', authorization: `Bearer ${KEY}` });
    expect(JSON.parse(posts()[0]!.body!)).toMatchObject({ model: 'o3', stream: true, store: false, input: 'Reply with the single word: ok' });
  });

  it('the text output has it too', async () => {
    await setUp();
    const r = await sb.run(['doctor', '--live']);
    expect(r.stdout).toMatch(/\[ok\] A real request works: gpt-5\.4 answered directly in \d+ ms \(first output after \d+ ms\); 15 tokens \(10 in, 5 out\)/);
  });

  it('without --live no request is sent, and there is no live check', async () => {
    await setUp();
    const { by } = await doctor();
    expect(by('live')).toEqual([]);
    expect(posts()).toHaveLength(0);
  });

  it.each<[string, (g: StandIn) => void, string, string, RegExp]>([
    ['no Responses API at this URL', (g) => (g.responses = 'missing'), 'fail', 'no-responses-api', /GET \/models answers, but POST http:\/\/127\.0\.0\.1:\d+\/v1\/responses is 404/],
    ['a body that is not an event stream', (g) => (g.responses = 'json'), 'fail', 'not-a-stream', /answered application\/json, not an event stream/],
    ['a stream cut before completion', (g) => (g.responses = 'cut'), 'fail', 'incomplete', /ended without response\.completed/],
    ['403 for this model', (g) => g.forbidden.add('gpt-5.4'), 'fail', 'model-forbidden', /The key may not use gpt-5\.4 \(HTTP 403: This key may not use gpt-5\.4\)/],
    ['another model answering', (g) => (g.answerAs = 'gpt-4o-mini'), 'warn', 'other-model', /Asked for gpt-5\.4, but gpt-4o-mini answered/],
  ])('%s: %s, cause %s', async (_n, misbehave, status, cause, detail) => {
    await setUp();
    misbehave(gw);
    const { r, by } = await doctor(['--live']);
    const [live] = by('live');
    expect(live).toMatchObject({ status, cause });
    expect(live!.detail).toMatch(detail);
    expect(live!.fix).not.toBe('');
    expect(r.code).toBe(1);
    // The other checks are as green as before: /models answers.
    expect(by('connectivity')[0]!.status).toBe('pass');
  });

  it('is not sent when GET /models already failed, and says so', async () => {
    await setUp();
    gw.behave({ kind: 'status', status: 503 });
    const { by } = await doctor(['--live']);
    expect(by('live')[0]).toMatchObject({ status: 'skip' });
    expect(by('live')[0]!.detail).toMatch(/GET \/models failed first \(server\)/);
    expect(posts()).toHaveLength(0);
  });
});

describe('models --test', () => {
  it('one short streaming request per served model, a table, exit 0 when all answer', async () => {
    await setUp();
    gw.models = ['gpt-5.4', 'o3', 'claude-sonnet-4.6', 'gpt-5.4-mini'];
    const r = await sb.run(['models', '--test']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/gpt-5\.4\s+ok\s+\d+ ms/);
    expect(r.stdout).toContain('All 4 answered.');
    expect(posts().map((p) => p.model).sort()).toEqual(['claude-sonnet-4.6', 'gpt-5.4', 'gpt-5.4-mini', 'o3']);
  });

  it('--json: {models: [{id, ok, ttft_ms, cause?}]}, exit 1 when one fails', async () => {
    await setUp();
    gw.models = ['gpt-5.4', 'o3', 'gpt-5.4-mini'];
    gw.forbidden.add('o3');
    const r = await sb.run(['models', '--test', '--json']);
    expect(r.code, r.all).toBe(1);
    const out = JSON.parse(r.stdout) as { models: Array<{ id: string; ok: boolean; ttft_ms: number | null; cause?: string }> };
    expect(out.models.map((m) => [m.id, m.ok, m.cause])).toEqual([
      ['gpt-5.4', true, undefined],
      ['o3', false, 'model-forbidden'],
      ['gpt-5.4-mini', true, undefined],
    ]);
    expect(out.models[0]!.ttft_ms).toEqual(expect.any(Number));
    expect(out.models[1]!.ttft_ms).toBeNull();
  });

  it('the text names each failure with its cause and fix', async () => {
    await setUp();
    gw.models = ['gpt-5.4', 'o3'];
    gw.forbidden.add('o3');
    const r = await sb.run(['models', '--test']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/o3\s+fail: model-forbidden\s+-/);
    expect(r.stdout).toContain('1 of 2 failed:');
    expect(r.stdout).toContain('o3: The key may not use o3');
  });

  it('when the model list cannot be had: the reason, exit 1, and no table', async () => {
    await setUp();
    gw.behave({ kind: 'status', status: 401 });
    const r = await sb.run(['models', '--test', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ models: [], error: { cause: 'auth' } });
    expect(posts()).toHaveLength(0);
  });
});

describe('settings that contradict the gateway', () => {
  const config = () => sb.read('.codex/config.toml');
  const withTop = (lines: string) => sb.write('.codex/config.toml', `${lines}\n${config()}`, 0o600);

  it('a context window larger than the model, a review_model it does not serve, a [profiles.x] table: each with its fix', async () => {
    await setUp(['--model', 'o3']);
    withTop('model_context_window = 1000000\nreview_model = "gpt-5.1-codex-max"');
    sb.write('.codex/config.toml', `${config()}\n[profiles.work]\nmodel = "o3"\n`, 0o600);
    const { by } = await doctor();
    expect(by('context-window')[0]).toMatchObject({ status: 'fail', title: "model_context_window = 1000000 is larger than o3's context (200K)" });
    expect(by('context-window')[0]!.detail).toContain('~/.codex/config.toml:1');
    expect(by('model-keys')[0]).toMatchObject({ status: 'fail', title: 'review_model = "gpt-5.1-codex-max" is not served by the gateway' });
    expect(by('profiles')[0]).toMatchObject({ status: 'warn', title: '[profiles.work] is ignored by Codex' });
    expect(by('profiles')[0]!.fix).toContain('~/.codex/work.config.toml');
    expect(by('settings')).toEqual([]);
  });

  it('profile files: an unserved model and an undefined provider', async () => {
    await setUp();
    sb.write('.codex/fast.config.toml', 'model = "gpt-4.1"\n');
    sb.write('.codex/azure.config.toml', 'model_provider = "azure"\n');
    sb.write('.codex/fine.config.toml', 'model = "o3"\n');
    const { by } = await doctor();
    expect(by('profile-files').map((c) => c.title)).toEqual([
      '~/.codex/azure.config.toml selects model_provider = "azure", which is not defined',
      '~/.codex/fast.config.toml sets model = "gpt-4.1", which the gateway does not serve',
    ]);
  });

  it('nothing to say: one passing check, and the text output shows it', async () => {
    await setUp();
    const { by } = await doctor();
    expect(by('settings')[0]).toMatchObject({ status: 'pass', title: 'No settings contradict the gateway' });
  });
});
