/**
 * Codex's verdict, from Codex (issue 20): whether a config loads is asked of the installed Codex,
 * not predicted. Real config.toml files from the corpus (test/fixtures/real-configs), edited the
 * way their owners would (an AWS profile under the built-in Bedrock provider, a theme written as
 * a table, approval_policy = "untrusted", forced_login_method = "chatgpt"): setup's and doctor's
 * verdicts equal what the installed Codex says about the same file, in the same minute.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorJson } from '../support/doctor.js';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { killProcessesUnder, runProcess } from '../support/process.js';
import { CODEX_VERSIONS, ROOT, Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-verdicts-0123456789';
const corpus = (file: string) => readFileSync(join(ROOT, 'test/fixtures/real-configs', file), 'utf8');
let gw: StandIn;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  for (const sb of sandboxes) killProcessesUnder(sb.root);
  await gw.close();
});

function sandbox(version: string = CODEX_VERSIONS.current): Sandbox {
  const sb = new Sandbox().withCodex(version);
  sandboxes.push(sb);
  return sb;
}

/** What the installed Codex says about the config in this home: loads (exit 0), or its error. */
async function codexLoads(sb: Sandbox): Promise<{ loads: boolean; said: string }> {
  const r = await runProcess('codex', ['features', 'list'], { env: sb.env, cwd: sb.root, timeoutMs: 30_000 });
  return { loads: r.code === 0, said: r.stderr };
}

async function codexAnswers(sb: Sandbox): Promise<boolean> {
  const before = responsesPosts(gw).length;
  const r = await runProcess('codex', ['exec', '--skip-git-repo-check', '--ephemeral', 'ping'], { env: sb.env, cwd: sb.root, timeoutMs: 60_000 });
  return r.code === 0 && responsesPosts(gw).length > before;
}

describe('a config Codex loads is never refused', () => {
  it('ageha734/dotfiles with an AWS profile under the built-in amazon-bedrock provider (Codex 0.171 loads it): setup writes, doctor agrees with Codex, Codex answers', async () => {
    const sb = sandbox();
    const text = `${corpus('ageha734_dotfiles.toml')}\n[model_providers.amazon-bedrock.aws]\nprofile = "bedrock-dev"\nregion = "us-east-1"\n`;
    sb.write('.codex/config.toml', text);
    expect((await codexLoads(sb)).loads).toBe(true);
    const s = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(s.code, s.all).toBe(0);
    expect(s.all).not.toMatch(/would not start|refuses/);
    const d = await doctorJson(sb, [], { timeoutMs: 60_000 });
    expect(d.checks('codex-config')[0]!.status).not.toBe('fail');
    expect(d.report.checks.filter((c) => c.id.startsWith('codex-refuses:'))).toEqual([]);
    expect(d.report.checks.filter((c) => /refuses to load/.test(c.title))).toEqual([]);
    expect(await codexAnswers(sb)).toBe(true);
  });

  it('an older Codex (0.117) still takes approval_policy = "untrusted": setup asks that Codex and goes ahead', async () => {
    const sb = sandbox(CODEX_VERSIONS.legacy);
    sb.write('.codex/config.toml', corpus('2nod_dotfiles.toml').replace('approval_policy = "never"', 'approval_policy = "untrusted"'));
    expect((await codexLoads(sb)).loads).toBe(true);
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(s.code, s.all).toBe(0);
  });
});

describe('a config Codex refuses is said up front, in Codex\'s words, at its line', () => {
  it.each([
    ['2nod/dotfiles with approval_policy = "untrusted"', () => corpus('2nod_dotfiles.toml').replace('approval_policy = "never"', 'approval_policy = "untrusted"'), 'approval_policy = "untrusted" is no longer supported', 1],
    ['AlexAllocated/.dotfiles with the TUI theme written as a table', () => corpus('AlexAllocated_.dotfiles.toml').replace('theme = "gruvbox-dark"', 'theme = { name = "gruvbox-dark" }'), 'invalid type: map, expected a string', 13],
  ])('%s: Codex refuses it; setup exits 2 before any question with the reason and file:line, writing nothing; doctor says the same', async (_n, text, reason, line) => {
    const sb = sandbox();
    sb.write('.codex/config.toml', text());
    const codex = await codexLoads(sb);
    expect(codex.loads).toBe(false);
    expect(codex.said).toContain(reason);
    const before = sb.tree();
    const s = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(s.code, s.all).toBe(2);
    expect(s.stderr).toContain(`error: The installed Codex refuses to load ~/.codex/config.toml: ${reason}`);
    expect(s.stderr).toContain(`Fix ~/.codex/config.toml:${line} (Codex does not start while it is there)`);
    expect(sb.tree()).toEqual(before);
    const d = await doctorJson(sb, [], { timeoutMs: 60_000 });
    expect(d.checks('codex-config')[0]).toMatchObject({ status: 'fail', title: `Codex cannot load config.toml (~/.codex/config.toml:${line})` });
    expect(d.checks('codex-config')[0]!.detail).toContain(reason);
    // One verdict, Codex's: no rule of the tool's beside it.
    expect(d.report.checks.filter((c) => c.id.startsWith('codex-refuses:'))).toEqual([]);
  });

  it('a refusal in a setting setup rewrites (wire_api = "chat" in the lightweight provider) is said and then fixed', async () => {
    const sb = sandbox();
    sb.write('.codex/config.toml', `${corpus('2nod_dotfiles.toml')}\n[model_providers.lightweight]\nname = "Lightweight API"\nbase_url = "${gw.base}"\nwire_api = "chat"\n`);
    expect((await codexLoads(sb)).loads).toBe(false);
    const s = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(s.code, s.all).toBe(0);
    expect(s.stdout).toMatch(/Codex refuses ~\/\.codex\/config\.toml as it is \(~\/\.codex\/config\.toml:\d+: .*wire_api = "chat".*\); this setup rewrites that setting\./);
    expect((await codexLoads(sb)).loads).toBe(true);
    expect(await codexAnswers(sb)).toBe(true);
  });
});

describe('forced_login_method = "chatgpt" rules out the base-URL layout before anything is written', () => {
  const text = () => `forced_login_method = "chatgpt"\n${corpus('2nod_dotfiles.toml')}`;

  it('Codex itself refuses an API-key login there', async () => {
    const sb = sandbox();
    sb.write('.codex/config.toml', text());
    const r = await runProcess('codex', ['login', '--with-api-key'], { env: sb.env, cwd: sb.root, input: KEY, timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.all).toMatch(/API key login is disabled/);
  });

  it('--layout openai-base-url: exit 2, naming the setting, its line and the layout that works; nothing written, Codex never asked to log in', async () => {
    const sb = sandbox();
    sb.write('.codex/config.toml', text());
    const before = sb.tree();
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--layout', 'openai-base-url']);
    expect(s.code, s.all).toBe(2);
    expect(s.stderr).toContain('error: forced_login_method = "chatgpt" (~/.codex/config.toml:1) makes Codex refuse API-key logins, which the base-URL layout needs: Codex would ignore the key.');
    expect(s.stderr).toContain('Use the provider-table layout, which works with it: lightweight setup --layout model-providers. Nothing was written.');
    expect(s.all).not.toMatch(/API key login is disabled/);
    expect(sb.tree()).toEqual(before);
  });

  it('without a layout flag, setup picks the provider table, says why, and Codex answers', async () => {
    const sb = sandbox();
    sb.write('.codex/config.toml', text());
    const s = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(s.code, s.all).toBe(0);
    expect(s.stdout).toContain('forced_login_method = "chatgpt" (~/.codex/config.toml:1) rules out the base-URL layout (Codex refuses API-key logins): using the provider table.');
    expect(sb.config().model_provider).toBe('lightweight');
    expect(await codexAnswers(sb)).toBe(true);
  });
});

describe('healthy means Codex works', () => {
  it('setup --no-rc (CI): doctor exits 0 while Codex answers with the key from the auth command', async () => {
    const sb = sandbox();
    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-rc']);
    expect(s.code, s.all).toBe(0);
    expect(await codexAnswers(sb)).toBe(true);
    const d = await doctorJson(sb, [], { timeoutMs: 60_000 });
    expect(d.r.code, d.r.stdout).toBe(0);
    expect(d.checks('api-key')[0]).toMatchObject({ status: 'pass', title: 'The key (****6789) is stored in ~/.config/lightweight/env; Codex reads it there' });
  });

  it('after uninstall, doctor says there is no setup and nothing about shells', async () => {
    const sb = sandbox();
    sb.write('.bashrc', '# mine\n');
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    const d = await doctorJson(sb, [], { timeoutMs: 60_000 });
    expect(d.report.checks.filter((c) => c.group === 'key' && (c.status === 'warn' || c.status === 'fail'))).toEqual([]);
    expect(d.report.checks.map((c) => c.id)).not.toContain('login-shell');
    expect(d.checks('config')[0]!.title).toMatch(/^No Lightweight setup/);
  });
});
