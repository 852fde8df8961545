/**
 * Codex fully wired (the real Codex 0.171, its TUI in tmux, and Codex 0.117 for the fallback):
 * the key reaches every Codex from the key file, a key change reaches an open session, the
 * background server is handled, and Codex's own /model picker lists the gateway's models.
 */
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, responsesPosts, startGateway, type RecordedRequest, type StandIn } from '../support/gateway.js';
import { doctorJson } from '../support/doctor.js';
import { resetStandIn } from '../support/standin.js';
import { descendantsOf, isRunning, killProcessesUnder, runProcess } from '../support/process.js';
import { BIN, CODEX_VERSIONS, codexBinDir, Sandbox } from '../support/sandbox.js';
import { Terminal } from '../support/tmux.js';

const KEY = 'sk-lw-wired-first-0123456789';
const KEY2 = 'sk-lw-wired-second-987654321';
let gw: StandIn;
let sb: Sandbox;
let term: Terminal | undefined;

beforeAll(async () => {
  expect(existsSync(join(codexBinDir(), 'codex')), 'the pinned Codex (npm install)').toBe(true);
  expect(() => execFileSync('tmux', ['-V'])).not.toThrow();
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  resetStandIn(gw);
  sb = new Sandbox().withCodex();
  mkdirSync(sb.path('project'));
});
afterEach(async () => {
  term?.close();
  term = undefined;
  // The TUI leaves Codex's background server running: stop it, or it outlives the test.
  await runProcess('codex', ['app-server', 'daemon', 'stop'], { env: { ...sb.env, CODEX_HOME: sb.path('.codex') }, timeoutMs: 30_000 }).catch(() => undefined);
  // Its pid-update loop outlives the stop: nothing started in this test's sandbox may outlive the test.
  killProcessesUnder(sb.root);
});

const responses = (g: StandIn = gw) => responsesPosts(g);

/** `codex exec` started directly, not from a shell: no rc file is read, and the environment has no key. */
function exec(env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  return runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', ...extra, 'ping'], { env: { ...sb.env, ...env }, cwd: sb.path('project'), timeoutMs: 60_000 });
}

/** Codex's TUI in a real terminal, from the project directory, with exactly sb.env (+ extra). */
async function tui(extra: NodeJS.ProcessEnv = {}): Promise<Terminal> {
  term = new Terminal(sb.root, ['codex'], { ...sb.env, TERM: 'xterm-256color', ...extra }, sb.path('project'));
  await term.waitFor(/Ask Codex to do anything|›/, 40_000);
  return term;
}

/**
 * Types a prompt and presses Enter until Codex sends it. On a busy machine the TUI may still be
 * connecting to its background server when the first Enter comes, and then leaves the text in
 * its composer: a user presses Enter again, and so does this.
 */
async function submit(t: Terminal, text: string, until: () => boolean): Promise<void> {
  t.type(text);
  await new Promise((r) => setTimeout(r, 200));
  t.keys('Enter');
  const deadline = Date.now() + 40_000;
  let nextEnter = Date.now() + 5_000;
  while (!until()) {
    if (Date.now() > deadline) throw new Error(`no answer to "${text}":\n${t.screen()}`);
    if (Date.now() > nextEnter && new RegExp(`› ${text}\\s*$`, 'm').test(t.screen())) {
      t.keys('Enter');
      nextEnter = Date.now() + 5_000;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function prompt(t: Terminal, text: string, until: () => boolean): Promise<void> {
  await submit(t, text, until);
  await t.waitFor(new RegExp(`${text}[\\s\\S]*${gw.answer}`), 20_000);
}

/** The instructions (first developer message) and tools of a recorded POST /v1/responses. */
function requestShape(r: RecordedRequest) {
  const body = JSON.parse(r.body!) as { input: Array<{ role?: string; content?: Array<{ text?: string }> }>; tools: Array<Record<string, any>>; model: string; reasoning: unknown };
  const dev = body.input.find((i) => i.role === 'developer')!;
  return { instructions: dev.content![0]!.text!, tools: body.tools, model: body.model, reasoning: body.reasoning };
}

describe('the key from the key file, for every Codex', () => {
  it('Codex with no LIGHTWEIGHT_API_KEY and no shell files read reaches the gateway with the key, and prints no ERROR', async () => {
    const s = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(s.code, s.all).toBe(0);
    expect(sb.read('.codex/config.toml')).not.toContain(KEY);
    gw.requests.length = 0;
    const r = await exec();
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(gw.answer);
    expect(r.all).not.toMatch(/ERROR/);
    expect(responses()).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'gpt-5.4' })]);
    // The catalog stops Codex's own GET /models, which it could not read from the gateway.
    expect(gw.requests.filter((q) => q.path === '/v1/models')).toEqual([]);
  });

  it('prefers the key file over a stale LIGHTWEIGHT_API_KEY in Codex\'s environment', async () => {
    expect((await sb.setup(KEY2, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    const r = await exec({ LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code, r.all).toBe(0);
    expect(responses().map((q) => q.authorization)).toEqual([`Bearer ${KEY2}`]);
  });

  it('without the key file, Codex shows the auth command\'s message naming the file and the fix', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    execFileSync('rm', [sb.path('.config/lightweight/env')]);
    const r = await exec();
    expect(r.code).not.toBe(0);
    expect(r.all).toContain('no Lightweight key: ');
    expect(r.all).toContain('.config/lightweight/env is missing and LIGHTWEIGHT_API_KEY is not set; run: npx lightweight-setup');
  });

  it('a TUI session opened before a key change goes on working: Codex re-runs the auth command after the 401', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    const t = await tui();
    await prompt(t, 'first question', () => responses().some((q) => q.authorization === `Bearer ${KEY}`));
    // The key changes under the open session; the gateway now refuses the old one.
    const s = await sb.setup(KEY2, ['--base-url', gw.base, '--no-verify']);
    expect(s.code, s.all).toBe(0);
    gw.revoked.add(KEY);
    const before = responses().length;
    await prompt(t, 'second question', () => responses().slice(before).some((q) => q.authorization === `Bearer ${KEY2}`));
    const after = responses().slice(before);
    expect(after.map((q) => q.authorization)).toContain(`Bearer ${KEY2}`);
    expect(t.screen()).not.toMatch(/401|Unauthorized|Invalid API key/);
  });

  it('--key-source env writes env_key and no auth command, and Codex works with the variable set', async () => {
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--key-source', 'env']);
    expect(s.code, s.all).toBe(0);
    const provider = sb.config().model_providers.lightweight;
    expect(provider.env_key).toBe('LIGHTWEIGHT_API_KEY');
    expect(provider.auth).toBeUndefined();
    const r = await exec({ LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code, r.all).toBe(0);
    expect(r.all).not.toMatch(/ERROR/);
    expect(responses().map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
  });
});

describe('Codex 0.117 (before auth commands)', () => {
  it('setup picks env_key, says why, writes no catalog, and that Codex sends the key', async () => {
    sb.withCodex(CODEX_VERSIONS.legacy);
    expect((await runProcess('codex', ['--version'], { env: sb.env })).stdout.trim()).toBe('codex-cli 0.117.0');
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(s.code, s.all).toBe(0);
    expect(s.stdout).toContain('Codex 0.117.0 is older than 0.118.0 and cannot run an auth command');
    const c = sb.config();
    expect(c.model_providers.lightweight.env_key).toBe('LIGHTWEIGHT_API_KEY');
    expect(c.model_providers.lightweight.auth).toBeUndefined();
    expect(c.model_catalog_json).toBeUndefined();
    const r = await runProcess('codex', ['exec', '--skip-git-repo-check', 'ping'], { env: { ...sb.env, LIGHTWEIGHT_API_KEY: KEY }, cwd: sb.path('project'), timeoutMs: 60_000 });
    expect(r.code, r.all).toBe(0);
    expect(responses().map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
  });

  it('--key-source file is refused for it, naming the version and the way out', async () => {
    sb.withCodex(CODEX_VERSIONS.legacy);
    const before = sb.tree();
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--key-source', 'file']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--key-source file needs Codex 0.118.0 or newer; the installed Codex is 0.117.0');
    expect(sb.tree()).toEqual(before);
  });
});

describe("the gateway's models in Codex's picker", () => {
  it('the request body for gpt-5.4 is the same with and without the catalog: instructions and tools do not change', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    expect(sb.config().model_catalog_json).toBe('lightweight-models.json');
    expect((await exec()).code).toBe(0);
    const withCatalog = requestShape(responses().at(-1)!);
    sb.write('.codex/config.toml', sb.read('.codex/config.toml').replace(/^model_catalog_json = .*\n/m, ''));
    const without = await exec();
    expect(without.code, without.all).toBe(0);
    const noCatalog = requestShape(responses().at(-1)!);

    expect(withCatalog.model).toBe('gpt-5.4');
    expect(withCatalog.instructions).toBe(noCatalog.instructions);
    expect(withCatalog.reasoning).toEqual(noCatalog.reasoning);
    expect(withCatalog.tools.map((t) => t.name)).toEqual(noCatalog.tools.map((t) => t.name));
    // One difference, by design: the sub-agent tool names the models a sub-agent may use, and
    // with the catalog those are the gateway's instead of OpenAI's (which the gateway does not serve).
    const differing = withCatalog.tools.filter((t, i) => JSON.stringify(t) !== JSON.stringify(noCatalog.tools[i])).map((t) => t.name);
    expect(differing.every((n) => /agent/.test(n))).toBe(true);
    const spawnWith = JSON.stringify(withCatalog.tools.find((t) => /agent/.test(t.name)));
    for (const m of DEFAULT_MODELS) expect(spawnWith).toContain(`\`${m}\``);
    // Without the catalog Codex also asked the gateway for /models and could not read the answer.
    expect(without.all).toMatch(/ERROR .*failed to refresh available models/);
  });

  it('setup --dry-run shows the catalog in one line (not a 100 KB diff), writes nothing and asks no one on the network', async () => {
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--dry-run']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain("~/.codex/lightweight-models.json: new file: Codex's model picker (/model) lists the gateway's 7 models: gpt-5.4, gpt-5.4-mini, gpt-5.3-codex, o3, o4-mini, claude-opus-4.6, claude-sonnet-4.6");
    expect(r.stdout).toContain('+model_catalog_json = "lightweight-models.json"');
    expect(r.stdout.length).toBeLessThan(10_000);
    expect(sb.tree()).toEqual(before);
    expect(gw.requests).toEqual([]);
  });

  it('without the gateway\'s answer the picker lists the gateway page\'s models, and setup says so, not "the gateway\'s"', async () => {
    gw.models = ['gpt-5.4', 'only-on-this-gateway'];
    const notAsked = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(notAsked.code, notAsked.all).toBe(0);
    expect(notAsked.stdout).toContain("Created ~/.codex/lightweight-models.json: Codex's model picker (/model) lists the gateway page's 7 models: gpt-5.4,");
    expect(notAsked.stdout).toContain("Codex's model picker lists the gateway page's 7 models: the gateway was not asked. Once it answers, `lightweight models --sync` lists the models it serves.");
    expect(notAsked.stdout).toContain("/model lists the gateway page's models.");
    gw.revoked.add(KEY2);
    const refused = await sb.setup(KEY2, ['--base-url', gw.base]);
    expect(refused.code, refused.all).toBe(1);
    expect(refused.stdout).toContain('the gateway did not give its own list.');
    // Asked and answered, it lists exactly what the gateway serves.
    const answered = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(answered.code, answered.all).toBe(0);
    expect(answered.stdout).toContain("lists the gateway's 2 models: gpt-5.4, only-on-this-gateway");
    expect(answered.stdout).not.toContain('gateway page');
  });

  it('models --sync when the gateway refuses the key: the gateway page\'s models, said as such, and exit 1', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    gw.revoked.add(KEY);
    const sync = await sb.run(['models', '--sync']);
    expect(sync.code, sync.all).toBe(1);
    expect(sync.stdout).toContain("lightweight-models.json: Codex's model picker (/model) lists the gateway page's 7 models: gpt-5.4,");
    expect(sync.stdout).toContain("The gateway could not be asked (auth: ");
  });

  it('/model lists the gateway\'s seven models; /model claude-opus-4.6 switches, and the next request carries it', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    const t = await tui();
    t.type('/model');
    await new Promise((r) => setTimeout(r, 300));
    t.keys('Enter');
    const list = await t.waitFor(/Select Model[\s\S]*claude-sonnet-4\.6/);
    const picker = list.slice(list.lastIndexOf('Select Model'));
    for (const m of DEFAULT_MODELS) expect(picker).toContain(m);
    expect(picker).not.toMatch(/gpt-6|gpt-5\.5/);
    t.keys('Escape');
    await new Promise((r) => setTimeout(r, 300));
    t.type('/model claude-opus-4.6');
    await new Promise((r) => setTimeout(r, 300));
    t.keys('Enter');
    await t.waitFor(/Model changed to claude-opus-4\.6/);
    await prompt(t, 'which model', () => responses().some((q) => q.model === 'claude-opus-4.6'));
    expect(responses().filter((q) => q.model !== undefined).every((q) => q.model === 'claude-opus-4.6')).toBe(true);
  });

  it('models --sync rebuilds a catalog a Codex upgrade would refuse, which doctor names first', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    // What an older catalog looks like to a newer Codex: an entry without a field it now requires.
    sb.write('.codex/lightweight-models.json', JSON.stringify({ models: [{ slug: 'gpt-5.4' }] }), 0o600);
    const broken = await exec();
    expect(broken.code).not.toBe(0);
    expect(broken.all).toContain('failed to parse model_catalog_json');
    const d = await doctorJson(sb, [], { timeoutMs: 60_000 });
    expect(d.checks('model-catalog')[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('missing field'), fix: 'Rebuild it for this Codex: lightweight models --sync' });
    gw.models = [...DEFAULT_MODELS, 'gpt-5.5-lightweight'];
    const sync = await sb.run(['models', '--sync']);
    expect(sync.code, sync.all).toBe(0);
    expect(sync.stdout).toContain('lists the gateway\'s 8 models');
    const ok = await exec();
    expect(ok.code, ok.all).toBe(0);
    expect(JSON.parse(sb.read('.codex/lightweight-models.json')).models.map((m: { slug: string }) => m.slug)).toEqual([...DEFAULT_MODELS, 'gpt-5.5-lightweight']);
  });
});

describe('Ctrl-C while setup asks Codex what its catalog needs', () => {
  it('stops that Codex and leaves no throwaway directory (exit 130, nothing written)', async () => {
    gw.behave({ kind: 'hang' });
    try {
      const scratch = () => readdirSync(tmpdir()).filter((n) => n.startsWith('lightweight-codex-'));
      const before = scratch();
      const setup = spawn(process.execPath, [BIN.setup, '--yes', '--api-key-stdin', '--base-url', gw.base, '--timeout', '30'], { env: sb.env, stdio: ['pipe', 'ignore', 'pipe'] });
      setup.stdin.end(`${KEY}\n`);
      // Codex runs in its own process group: found as the setup's descendants (the launcher and its binary).
      const pid = setup.pid!;
      const seen = new Set<number>();
      const probes = () => {
        const now = descendantsOf(pid);
        now.forEach((p) => seen.add(p));
        return now;
      };
      const alive = () => [...seen].filter(isRunning);
      let stderr = '';
      setup.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | string | null>((r) => setup.on('close', (code, signal) => r(code ?? signal)));
      const deadline = Date.now() + 20_000;
      // Interrupted while Codex is asked in its throwaway directory (the gateway check hangs meanwhile).
      while (probes().length === 0 || scratch().every((n) => before.includes(n))) {
        if (Date.now() > deadline) throw new Error('Codex was never asked');
        await new Promise((r) => setTimeout(r, 20));
      }
      setup.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(stderr).toContain('nothing was written');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.size).toBeGreaterThan(0);
      expect(alive()).toEqual([]);
      expect(scratch().filter((n) => !before.includes(n))).toEqual([]);
      expect(sb.tree()).toEqual({ project: 'dir 755' });
    } finally {
      gw.behave({ kind: 'ok' });
    }
  });
});

describe('undo', () => {
  it.each([['file'], ['env']])('key source %s: restore and uninstall give back config.toml exactly and remove the catalog', async (source) => {
    const user = '# my settings\napproval_policy = "never" # keep\n\n[tui]\nnotifications = true\n';
    sb.write('.codex/config.toml', user);
    const flags = ['--base-url', gw.base, '--no-verify', '--key-source', source];
    expect((await sb.setup(KEY, flags)).code).toBe(0);
    expect(existsSync(sb.path('.codex/lightweight-models.json'))).toBe(true);
    const r = await sb.run(['restore', '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(user);
    expect(existsSync(sb.path('.codex/lightweight-models.json'))).toBe(false);

    expect((await sb.setup(KEY, flags)).code).toBe(0);
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(user);
    expect(existsSync(sb.path('.codex/lightweight-models.json'))).toBe(false);
  });
});

describe('a fresh home', () => {
  it.each([['model-providers'], ['openai-base-url']])('%s: setup then uninstall with the real Codex leaves the home as it found it (codex login\'s log and locks too)', async (layout) => {
    const before = sb.tree();
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--layout', layout]);
    expect(s.code, s.all).toBe(0);
    if (layout === 'openai-base-url') expect(existsSync(sb.path('.codex/log/codex-login.log'))).toBe(true);
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(sb.tree()).toEqual(before);
  });
});

describe("Codex's background server", () => {
  it('a switch reaches the next session of an already running background server, with no restart', async () => {
    const other = await startGateway();
    try {
      expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
      const t = await tui();
      await prompt(t, 'on the first gateway', () => responses().length > 0);
      const version = await runProcess('codex', ['app-server', 'daemon', 'version'], { env: { ...sb.env, CODEX_HOME: sb.path('.codex') } });
      expect(JSON.parse(version.stdout).status).toBe('running');
      // The open session keeps the URL it started with; a new session (/new) takes the new one.
      expect((await sb.setup(KEY, ['--base-url', other.base, '--no-verify'])).code).toBe(0);
      t.type('/new');
      await new Promise((r) => setTimeout(r, 300));
      t.keys('Enter');
      await new Promise((r) => setTimeout(r, 1000));
      await submit(t, 'on the second gateway', () => other.requests.some((q) => q.method === 'POST' && q.path === '/v1/responses'));
      expect(responses(other)[0]!.authorization).toBe(`Bearer ${KEY}`);
    } finally {
      await other.close();
    }
  });

  /** env_key set up, and Codex's background server started by a session in a terminal that had the first key. */
  async function serverStartedWithFirstKey(): Promise<void> {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--key-source', 'env'])).code).toBe(0);
    const t = await tui({ LIGHTWEIGHT_API_KEY: KEY });
    await prompt(t, 'with the first key', () => responses().some((q) => q.authorization === `Bearer ${KEY}`));
    t.type('/quit');
    t.keys('Enter');
    term!.close();
    term = undefined;
  }

  it('with env_key, doctor names a background server started before the key changed, and the restart it gives fixes it', async () => {
    await serverStartedWithFirstKey();
    await new Promise((r) => setTimeout(r, 1100)); // the key file's time must be later than the server's start, to the second

    const s = await sb.setup(KEY2, ['--base-url', gw.base, '--no-verify', '--key-source', 'env']);
    expect(s.code, s.all).toBe(0);
    expect(s.stdout).toContain("Codex's background server is running with the old key");
    expect(s.stdout).toContain('run: codex app-server daemon restart');
    const stale = await doctorJson(sb, [], { env: { LIGHTWEIGHT_API_KEY: KEY2 }, timeoutMs: 60_000 });
    expect(stale.checks('codex-daemon')[0]).toMatchObject({ status: 'warn', fix: expect.stringContaining('codex app-server daemon restart') });

    // The fix as a user runs it: from a new terminal, which has the new key.
    const restart = await runProcess('bash', ['-ic', 'codex app-server daemon restart'], { env: { ...sb.env, CODEX_HOME: sb.path('.codex') }, cwd: sb.path('project'), timeoutMs: 60_000 });
    expect(restart.code, restart.all).toBe(0);
    gw.revoked.add(KEY);
    const t2 = await tui({ LIGHTWEIGHT_API_KEY: KEY2 });
    const before = responses().length;
    await prompt(t2, 'with the second key', () => responses().slice(before).some((q) => q.authorization === `Bearer ${KEY2}`));
    const fresh = await doctorJson(sb, [], { env: { LIGHTWEIGHT_API_KEY: KEY2 }, timeoutMs: 60_000 });
    expect(fresh.checks('codex-daemon')[0], fresh.r.stdout.slice(0, 3000)).toMatchObject({ status: 'pass' });
  });

  it('with env_key, the wizard that changes the key offers to restart the background server, and yes makes it send the new key', async () => {
    await serverStartedWithFirstKey();

    // The wizard, in a terminal, to change the key: everything else stays as it is.
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--base-url', gw.base, '--no-verify', '--key-source', 'env', '--layout', 'model-providers', '--model', 'gpt-5.4'], { ...sb.env, TERM: 'xterm-256color' });
    const w = term;
    await w.waitFor(/Keep the key already stored/);
    w.type('n');
    w.keys('Enter');
    await w.answer(/Lightweight API key/, KEY2);
    await w.waitFor(/Write these changes\?/);
    w.keys('Enter');
    await w.waitFor(/background server is running with the old key[\s\S]*Restart it now with the new key\?/, 40_000);
    w.keys('Enter');
    expect(await w.exitCode(60_000)).toBe(0);
    expect(w.screen()).toContain("Restarted Codex's background server with the new key.");
    expect(w.screen()).not.toContain(KEY2);
    term.close();

    // A new session, from an environment without the key (the desktop app's): the server sends the new one.
    gw.revoked.add(KEY);
    const t2 = await tui();
    const before = responses().length;
    await prompt(t2, 'with the second key', () => responses().slice(before).some((q) => q.authorization === `Bearer ${KEY2}`));
    expect(responses().slice(before).every((q) => q.authorization === `Bearer ${KEY2}`)).toBe(true);
  });
});
