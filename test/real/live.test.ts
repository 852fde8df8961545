/**
 * `doctor --live` through the real Codex 0.171: one request exactly as Codex makes it, with the
 * user's config, and none of the side effects a real session has (no session saved, no MCP
 * server started, nothing left in the working directory); and each failure mode of the
 * stand-in explained through Codex.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { responsesPosts, type StandIn } from '../support/gateway.js';
import { doctorJson, type DoctorCheck } from '../support/doctor.js';
import { useStandInAndSandbox } from '../support/standin.js';
import { processesNaming } from '../support/process.js';
import { BIN, Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-live-real-0123456789';
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox(
  (g, s) => {
    gw = g;
    sb = s;
  },
  { withCodex: true },
);

const posts = () => responsesPosts(gw);

async function setUp(args: string[] = []) {
  const s = await sb.setup(KEY, ['--base-url', gw.base, ...args]);
  expect(s.code, s.all).toBe(0);
  gw.requests.length = 0;
}

async function live(env: NodeJS.ProcessEnv = {}): Promise<DoctorCheck> {
  return (await doctorJson(sb, ['--live'], { env, timeoutMs: 120_000 })).checks('live')[0]!;
}

describe('doctor --live through the real Codex', () => {
  it("passes: Codex's own request (its instructions and tools, the key from the key file), timed and counted", async () => {
    await setUp();
    // An MCP server of the user's: a real session would start it; the live check must not.
    const marker = sb.path('mcp-started');
    sb.write('.codex/config.toml', `${sb.read('.codex/config.toml')}\n[mcp_servers.tracker]\ncommand = "/bin/sh"\nargs = ["-c", "touch '${marker}'; sleep 30"]\n`, 0o600);
    const tempsBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('lightweight-live-')).length;
    const check = await live();
    expect(check).toMatchObject({ status: 'pass', title: `A real request works: ${check.detail.replace(/\.$/, '')}` });
    // Codex shows no model name when the gateway's header names the one asked for: none is claimed.
    expect(check.detail).toMatch(/^Asked for gpt-5\.4 through Codex and got an answer in \d+ ms \(first output after \d+ ms\); 15 tokens \(10 in, 5 out\)\. Codex does not show which model answered\.$/);
    expect(posts()).toHaveLength(1);
    const [req] = posts();
    expect(req!.authorization).toBe(`Bearer ${KEY}`);
    const body = JSON.parse(req!.body!) as { model: string; tools: unknown[]; input: unknown[] };
    expect(body.model).toBe('gpt-5.4');
    expect(body.tools.length).toBeGreaterThan(0); // Codex's request, not a bare one
    expect(JSON.stringify(body.input)).toContain('Reply with the single word: ok');
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(marker), 'the MCP server was started').toBe(false);
    expect(existsSync(sb.path('.codex/sessions')), 'a session was saved').toBe(false);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('lightweight-live-')).length).toBe(tempsBefore);
    // What it costs, for the README: the size of Codex's request.
    console.log(`doctor --live through Codex 0.171: request body ${req!.body!.length} bytes`);
  });

  it.each<[string, (g: StandIn) => void, string, string, RegExp]>([
    ['no Responses API', (g) => (g.responses = 'missing'), 'fail', 'no-responses-api', /404/],
    ['403 for this model', (g) => g.forbidden.add('gpt-5.4'), 'fail', 'model-forbidden', /The key may not use gpt-5\.4/],
    ['a JSON body instead of a stream (Codex says the stream closed; the direct request says why)', (g) => (g.responses = 'json'), 'fail', 'not-a-stream', /not an event stream: Codex gets no answer from that \(Codex: stream disconnected before completion/],
    ['another model answering (Codex reports the reroute)', (g) => (g.answerAs = 'gpt-4o-mini'), 'warn', 'other-model', /Codex asked for gpt-5\.4, but gpt-4o-mini answered/],
  ])('%s', async (_n, misbehave, status, cause, detail) => {
    await setUp();
    misbehave(gw);
    const check = await live();
    expect(check).toMatchObject({ status, cause });
    expect(check.detail).toMatch(detail);
    // Codex tried once (no retries), plus at most one direct request to explain a failure.
    expect(posts().length).toBeLessThanOrEqual(2);
  });

  it('another model named only in the stream (no openai-model header, so Codex cannot see it): no model is claimed to have answered', async () => {
    await setUp();
    gw.streamModel = 'gpt-4o-mini';
    const check = await live();
    expect(check.status).toBe('pass');
    expect(check.detail).toMatch(/^Asked for gpt-5\.4 through Codex and got an answer in \d+ ms/);
    expect(check.detail).toContain('Codex does not show which model answered.');
    expect(check.detail).not.toMatch(/gpt-5\.4 answered|gpt-4o-mini answered/);
  });

  it('base-URL layout: a completed request after Codex\'s WebSocket attempts is a warning that names them and the layout that avoids them', async () => {
    await setUp(['--layout', 'openai-base-url']);
    const check = await live();
    // Codex's built-in provider asked for a WebSocket first (the stand-in has none), then posted.
    expect(gw.requests.filter((q) => q.method === 'GET' && q.path === '/v1/responses' && q.upgrade).length).toBeGreaterThan(0);
    expect(posts()).toHaveLength(1);
    expect(check).toMatchObject({ status: 'warn', cause: 'slow-start', title: 'A real request works through Codex, but only after a slow start' });
    expect(check.detail).toMatch(/Codex waited \d+\.\d s before its first output: in the base-URL layout it first tries a WebSocket at the gateway/);
    expect(check.fix).toBe('The provider-table layout sends the request at once: lightweight setup --layout model-providers.');
    // The provider table, as the fix says: no WebSocket, and a pass.
    expect((await sb.setup(KEY, ['--layout', 'model-providers', '--no-verify'])).code).toBe(0);
    gw.requests.length = 0;
    expect(await live()).toMatchObject({ status: 'pass' });
    expect(gw.requests.some((q) => q.upgrade)).toBe(false);
  });

  it('Ctrl-C during the live check stops Codex and removes its throwaway directory (exit 130)', async () => {
    // The base-URL layout's WebSocket attempts keep Codex busy for seconds: time to interrupt it.
    await setUp(['--layout', 'openai-base-url']);
    const temps = () => readdirSync(tmpdir()).filter((n) => n.startsWith('lightweight-live-'));
    const before = temps();
    const codexRuns = () => processesNaming('--ephemeral', sb.root);
    const doctor = spawn(process.execPath, [BIN.lightweight, 'doctor', '--live'], { env: sb.env, stdio: 'ignore' });
    const closed = new Promise<number | string | null>((r) => doctor.on('close', (code, signal) => r(code ?? signal)));
    const deadline = Date.now() + 30_000;
    while (codexRuns().length === 0) {
      if (Date.now() > deadline) throw new Error('codex exec never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    doctor.kill('SIGINT');
    expect(await closed).toBe(130);
    await new Promise((r) => setTimeout(r, 300));
    expect(codexRuns()).toEqual([]);
    expect(temps().filter((n) => !before.includes(n))).toEqual([]);
  });

  it('Codex without the key while the key works directly: the key source is named, with the fix', async () => {
    await setUp(['--key-source', 'env']);
    // A terminal opened before setup: no LIGHTWEIGHT_API_KEY; doctor's own check uses the key file.
    const check = await live();
    expect(check).toMatchObject({ status: 'fail', cause: 'codex-key' });
    expect(check.detail).toContain('Missing environment variable: `LIGHTWEIGHT_API_KEY`');
    expect(check.fix).toContain('--key-source file');
  });
});
