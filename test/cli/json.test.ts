/**
 * `setup --yes --json`, as configuration management reads it: one JSON object on standard output
 * (the report on standard error), per-file created/changed/unchanged, the check's verdict and the
 * exit code; an identical rerun says "changed": false and leaves no trace.
 */
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import type { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-json-0123456789abcd';
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

async function json(args: string[], key = KEY) {
  const r = await sb.setup(key, ['--json', '--base-url', gw.base, ...args]);
  // Exactly one line, one object: a playbook parses stdout whole.
  expect(r.stdout.trim().split('\n'), r.all).toHaveLength(1);
  return { r, out: JSON.parse(r.stdout) };
}

describe('setup --yes --json', () => {
  it('a first run reports every file created and the check passing; an identical rerun changes nothing', async () => {
    const first = await json([]);
    expect(first.r.code).toBe(0);
    expect(first.out).toMatchObject({ ok: true, exitCode: 0, changed: true, key: '****abcd', config: sb.path('.codex/config.toml'), check: { ok: true } });
    expect(first.out.files).toContainEqual({ path: sb.path('.codex/config.toml'), action: 'created' });
    expect(first.out.files).toContainEqual({ path: sb.path('.config/lightweight/env'), action: 'created' });
    expect(first.r.stderr).toContain('Created ~/.codex/config.toml');
    expect(first.r.stdout).not.toContain(KEY);

    const tree = sb.tree();
    const second = await json([]);
    expect(second.out.changed).toBe(false);
    expect(second.out.files.length).toBeGreaterThan(0);
    expect(second.out.files.every((f: { action: string }) => f.action === 'unchanged')).toBe(true);
    // Not even a backup record: nothing on disk moved.
    expect(sb.tree()).toEqual(tree);
  });

  it('a change is "changed" for exactly the files it touched', async () => {
    await json([]);
    const r = await json(['--model', 'o3']);
    expect(r.out.changed).toBe(true);
    const changed = r.out.files.filter((f: { action: string }) => f.action !== 'unchanged').map((f: { path: string }) => f.path);
    expect(changed).toContain(sb.path('.codex/config.toml'));
    expect(changed).not.toContain(sb.path('.config/lightweight/env'));
  });

  it('a failing check is exit 1 with the cause and fix in the object (the files are written)', async () => {
    gw.revoked.add(KEY);
    const r = await json([]);
    expect(r.r.code).toBe(1);
    expect(r.out).toMatchObject({ ok: false, exitCode: 1, changed: true, check: { ok: false, cause: 'auth', status: 401 } });
    expect(r.out.check.fix).toEqual(expect.any(String));
  });

  it('bad input is exit 2 with the error in the object, and nothing written', async () => {
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--json', '--model', 'no such model!', '--base-url', gw.base]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, changed: false, error: expect.any(String), files: [] });
    expect(sb.tree()).toEqual(before);
  });

  it('--json without --yes is refused (the wizard cannot speak JSON)', async () => {
    const r = await sb.run(['setup', '--json', '--api-key-stdin'], { input: `${KEY}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--json is for unattended runs');
  });

  it('--profile: the object names the profile file, and config.toml is not among the files', async () => {
    await json([]);
    const r = await json(['--profile', 'preview']);
    expect(r.out).toMatchObject({ ok: true, profile: 'preview', config: sb.path('.codex/preview.config.toml') });
    const paths = r.out.files.map((f: { path: string }) => f.path);
    expect(paths).toContain(sb.path('.codex/preview.config.toml'));
    expect(paths).not.toContain(sb.path('.codex/config.toml'));
    expect((await json(['--profile', 'preview'])).out.changed).toBe(false);
  });

  it('--dry-run --json lists what would change and writes nothing', async () => {
    const before = sb.tree();
    const r = await json(['--dry-run']);
    expect(r.out).toMatchObject({ dryRun: true, changed: false, check: null });
    expect(r.out.files).toContainEqual({ path: sb.path('.codex/config.toml'), action: 'created' });
    expect(sb.tree()).toEqual(before);
  });
});
