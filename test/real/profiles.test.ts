/**
 * Preview beside production (`setup --profile`), with the real Codex CLI: `codex -p preview` goes
 * to the preview stand-in while plain `codex` goes to the production one, in the same minute; the
 * default's choice in config.toml is untouched; doctor checks the profile; restore and uninstall
 * are exact for it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAY_URLS } from '../../src/gateway/constants.js';
import { doctorJson } from '../support/doctor.js';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-profile-0123456789abcd';
let production: StandIn;
let preview: StandIn;
let sb: Sandbox;

beforeAll(async () => {
  [production, preview] = await Promise.all([startGateway(), startGateway()]);
});
afterAll(async () => {
  await Promise.all([production.close(), preview.close()]);
});
beforeEach(() => {
  for (const g of [production, preview]) {
    g.requests.length = 0;
    g.revoked.clear();
  }
  sb = new Sandbox().withCodex();
});

function codex(args: string[]) {
  return runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', ...args, 'ping'], { env: sb.env, cwd: sb.home, timeoutMs: 60_000, input: '' });
}

async function setUpBoth(): Promise<void> {
  const base = await sb.setup(KEY, ['--base-url', production.base]);
  expect(base.code, base.all).toBe(0);
  const prof = await sb.setup(KEY, ['--profile', 'preview', '--base-url', preview.base, '--model', 'o3']);
  expect(prof.code, prof.all).toBe(0);
  expect(prof.stdout).toContain('Run: codex -p preview');
}

describe('setup --profile with the real Codex', () => {
  it('codex -p preview goes to the preview gateway while plain codex goes to production, config.toml untouched', async () => {
    const r0 = await sb.setup(KEY, ['--base-url', production.base]);
    expect(r0.code, r0.all).toBe(0);
    const configBefore = sb.read('.codex/config.toml');
    await setUpBoth();
    expect(sb.read('.codex/config.toml')).toBe(configBefore);
    const profile = sb.config('.codex/preview.config.toml');
    expect(profile.model_provider).toBe('lightweight');
    expect(profile.model_providers.lightweight.base_url).toBe(preview.base);

    const [withProfile, plain] = await Promise.all([codex(['-p', 'preview']), codex([])]);
    expect(withProfile.code, withProfile.all).toBe(0);
    expect(plain.code, plain.all).toBe(0);
    expect(responsesPosts(preview)).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'o3' })]);
    expect(responsesPosts(production)).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'gpt-5.4' })]);
    // Same provider id: sessions of either are listed together (Codex filters by id).
    expect(sb.config().model_provider).toBe('lightweight');
    const status = JSON.parse((await sb.run(['status', '--json'])).stdout);
    expect(status).toMatchObject({ baseUrl: production.base, configFrom: '~/.codex/config.toml', profiles: [{ name: 'preview', file: '~/.codex/preview.config.toml', baseUrl: preview.base, model: 'o3' }] });
  });

  it('use-preview / use-production still switch only the default; the profile keeps its URL', async () => {
    await setUpBoth();
    const r = await sb.run(['use-preview', '--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model_providers.lightweight.base_url).toBe(GATEWAY_URLS.preview);
    expect(sb.config('.codex/preview.config.toml').model_providers.lightweight.base_url).toBe(preview.base);
  });

  it('doctor checks the profile with Codex and its gateway, and says when it is gone or its key is refused', async () => {
    await setUpBoth();
    const ok = await doctorJson(sb);
    expect(ok.checks('profile')).toEqual([expect.objectContaining({ status: 'pass', title: expect.stringContaining('`codex -p preview` works') })]);

    preview.revoked.add(KEY);
    const refused = await doctorJson(sb);
    expect(refused.checks('profile')).toEqual([expect.objectContaining({ status: 'fail', cause: 'auth' })]);
    expect(refused.checks('connectivity')[0]!.status).toBe('pass');
    // And Codex agrees: the profile's request fails, the default's works.
    expect((await codex(['-p', 'preview'])).code).not.toBe(0);
    expect((await codex([])).code).toBe(0);
    preview.revoked.clear();

    rmSync(sb.path('.codex/preview.config.toml'));
    const gone = await doctorJson(sb);
    expect(gone.checks('profile')).toEqual([expect.objectContaining({ status: 'fail', title: '~/.codex/preview.config.toml is gone' })]);
  });

  it('Codex refusing the profile on top of config.toml is Codex\'s verdict in doctor; a setup --profile rerun mends it', async () => {
    await setUpBoth();
    // Someone switches the default to env_key by hand: the profile's auth table now clashes with it.
    const text = sb.read('.codex/config.toml').replace(/\n\[model_providers\.lightweight\.auth\][\s\S]*?(?=\n\[|$)/, '\nenv_key = "LIGHTWEIGHT_API_KEY"\n');
    writeFileSync(sb.path('.codex/config.toml'), text);
    const d = await doctorJson(sb);
    expect(d.checks('profile')).toEqual([expect.objectContaining({ status: 'fail', title: 'Codex refuses `codex -p preview`', detail: expect.stringContaining('cannot be combined with env_key') })]);
    // The rerun takes the default's key source (env_key now) for the profile too: Codex loads it again.
    const r = await sb.setup(KEY, ['--profile', 'preview', '--base-url', preview.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.config('.codex/preview.config.toml').model_providers.lightweight.auth).toBeUndefined();
    expect((await doctorJson(sb)).checks('profile')).toEqual([expect.objectContaining({ status: 'pass' })]);
  });

  it("a change of the default's key source is carried to the profile: codex -p preview still answers, and restore takes both back", async () => {
    await setUpBoth();
    const profileBefore = sb.read('.codex/preview.config.toml');
    const r = await sb.setup(KEY, ['--key-source', 'env', '--json']);
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files).toEqual(expect.arrayContaining([{ path: sb.path('.codex/preview.config.toml'), action: 'changed' }]));
    expect(r.stderr).toContain('now reads the key from LIGHTWEIGHT_API_KEY too');
    const profile = sb.config('.codex/preview.config.toml');
    expect(profile.model_providers.lightweight).toMatchObject({ env_key: 'LIGHTWEIGHT_API_KEY', base_url: preview.base });
    expect(profile.model_providers.lightweight.auth).toBeUndefined();
    expect(profile.model).toBe('o3');

    // The real Codex, with the key in its environment as env_key wants it: both still work.
    const withKey = { ...sb.env, LIGHTWEIGHT_API_KEY: KEY };
    const run = (args: string[]) => runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', ...args, 'ping'], { env: withKey, cwd: sb.home, timeoutMs: 60_000, input: '' });
    const [withProfile, plain] = await Promise.all([run(['-p', 'preview']), run([])]);
    expect(withProfile.code, withProfile.all).toBe(0);
    expect(plain.code, plain.all).toBe(0);
    expect(responsesPosts(preview)).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'o3' })]);

    expect((await sb.run(['restore', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/preview.config.toml')).toBe(profileBefore);
  });

  it('a profile on the default\'s gateway (another model) is checked with the one request doctor already makes there', async () => {
    expect((await sb.setup(KEY, ['--base-url', production.base])).code).toBe(0);
    expect((await sb.setup(KEY, ['--profile', 'deep', '--base-url', production.base, '--model', 'o3'])).code).toBe(0);
    production.requests.length = 0;
    const d = await doctorJson(sb);
    expect(d.checks('profile')).toEqual([expect.objectContaining({ status: 'pass', title: expect.stringContaining('`codex -p deep` works') })]);
    expect(production.requests.filter((r) => r.method === 'GET' && r.path === '/v1/models' && r.authorization === `Bearer ${KEY}`)).toHaveLength(1);
  });

  it('a key source that clashes with the default is refused with nothing written', async () => {
    expect((await sb.setup(KEY, ['--base-url', production.base])).code).toBe(0);
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--profile', 'preview', '--key-source', 'env', '--base-url', preview.base]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key-source env cannot be used with --profile here');
    expect(sb.tree()).toEqual(before);
  });

  it('restore puts back the profile file the last setup wrote; uninstall removes it and keeps a file the user had', async () => {
    sb.write('.codex/work.config.toml', '# my work profile\nmodel_reasoning_effort = "high"\nmodel = "gpt-5"\n', 0o600);
    const original = sb.read('.codex/work.config.toml');
    expect((await sb.setup(KEY, ['--base-url', production.base])).code).toBe(0);
    const r = await sb.setup(KEY, ['--profile', 'work', '--base-url', preview.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/work.config.toml')).toContain('# my work profile');
    expect(sb.config('.codex/work.config.toml').model_providers.lightweight.base_url).toBe(preview.base);

    const restored = await sb.run(['restore', '--yes']);
    expect(restored.code, restored.all).toBe(0);
    expect(sb.read('.codex/work.config.toml')).toBe(original);

    expect((await sb.setup(KEY, ['--profile', 'work', '--base-url', preview.base])).code).toBe(0);
    expect((await sb.setup(KEY, ['--profile', 'preview', '--base-url', preview.base])).code).toBe(0);
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(sb.read('.codex/work.config.toml')).toBe(original);
    expect(existsSync(sb.path('.codex/preview.config.toml'))).toBe(false);
    expect(existsSync(sb.path('.codex/config.toml'))).toBe(false);
  });

  it('a profile on a machine with no default yet works by itself with codex -p', async () => {
    const r = await sb.setup(KEY, ['--profile', 'preview', '--base-url', preview.base]);
    expect(r.code, r.all).toBe(0);
    expect(existsSync(sb.path('.codex/config.toml'))).toBe(false);
    const c = await codex(['-p', 'preview']);
    expect(c.code, c.all).toBe(0);
    expect(responsesPosts(preview)).toHaveLength(1);
    expect(JSON.parse(readFileSync(sb.path('.config/lightweight/state.json'), 'utf8')).profiles).toEqual({ preview: { previous: {} } });
  });
});
