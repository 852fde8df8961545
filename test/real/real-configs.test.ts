/**
 * Real Codex config.toml files from public dotfiles repositories (test/fixtures/real-configs,
 * with each file's repository, path and commit in sources.json), plus CRLF and byte-order-mark
 * variants of some: setup in both layouts, use-preview then use-production, uninstall, and doctor,
 * checked against what the real Codex 0.171 says about each file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StandIn } from '../support/gateway.js';
import type { DoctorCheck } from '../support/doctor.js';
import { runProcess } from '../support/process.js';
import { ROOT, Sandbox } from '../support/sandbox.js';

const DIR = join(ROOT, 'test/fixtures/real-configs');
const KEY = 'sk-lw-corpus-0123456789ab';
const sources = JSON.parse(readFileSync(join(DIR, 'sources.json'), 'utf8')) as Array<{ file: string; repo: string; path: string; commit: string }>;

interface Case {
  name: string;
  text: string;
}

/** Every file as published, and variants: CRLF line endings for every fifth, a byte order mark for every seventh. */
const CASES: Case[] = sources.flatMap((s, i) => {
  const text = readFileSync(join(DIR, s.file), 'utf8');
  const out: Case[] = [{ name: `${s.repo}:${s.path}`, text }];
  if (i % 5 === 0) out.push({ name: `${s.repo}:${s.path} (CRLF)`, text: text.replace(/\n/g, '\r\n') });
  if (i % 7 === 0) out.push({ name: `${s.repo}:${s.path} (BOM)`, text: `\uFEFF${text}` });
  return out;
});

let gw: StandIn;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** What the real Codex says about loading the config in this home. */
async function codexSays(sb: Sandbox): Promise<{ status: string; summary: string }> {
  const r = await runProcess('codex', ['doctor', '--json'], { env: sb.env, cwd: sb.home, timeoutMs: 60_000 });
  const load = (JSON.parse(r.stdout) as { checks: Record<string, { status: string; summary: string }> }).checks['config.load']!;
  return { status: load.status, summary: load.summary };
}

async function doctor(sb: Sandbox): Promise<DoctorCheck[]> {
  const r = await sb.run(['doctor', '--json'], { timeoutMs: 60_000 });
  expect([0, 1], r.all).toContain(r.code);
  return (JSON.parse(r.stdout) as { checks: DoctorCheck[] }).checks;
}

describe('the corpus', () => {
  it('holds at least 30 real configs, each with its source', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.toml'));
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.sort()).toEqual(sources.map((s) => s.file).sort());
    for (const s of sources) expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe.each(CASES)('$name', ({ text }) => {
  it.each([['model-providers'], ['openai-base-url']])('%s: setup, use-preview then use-production, and uninstall are exact; doctor agrees with Codex', async (layout) => {
    const sb = new Sandbox().withCodex();
    sb.write('.codex/config.toml', text);
    const original = readFileSync(sb.path('.codex/config.toml'));

    // Doctor on the file as it is: Codex's own verdict, never called "cannot load" when Codex loads it.
    const codexBefore = await codexSays(sb);
    const before = await doctor(sb);
    const codexConfig = before.find((c) => c.id === 'codex-config')!;
    expect(codexConfig.status).toBe({ ok: 'pass', warning: 'warn', fail: 'fail' }[codexBefore.status]);
    if (codexBefore.status !== 'fail') expect(codexConfig.title).not.toMatch(/cannot load/);
    expect(before.filter((c) => c.id.startsWith('codex-refuses:'))).toEqual([]);

    const s = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--layout', layout]);
    expect(s.code, s.all).toBe(0);
    const afterSetup = readFileSync(sb.path('.codex/config.toml'));
    // Codex loads what setup wrote, and doctor finds nothing Codex would refuse.
    expect((await codexSays(sb)).status).not.toBe('fail');
    const after = await doctor(sb);
    for (const id of ['config', 'codex', 'model-catalog']) expect(after.find((c) => c.id === id)?.status, id).toBe('pass');
    expect(after.find((c) => c.id === 'codex-config')?.status).not.toBe('fail');

    // A switch changes the URL only, and back gives the very same bytes (the stand-in URL is
    // custom, so production comes first).
    expect((await sb.run(['use-production', '--no-verify'])).code).toBe(0);
    const production = readFileSync(sb.path('.codex/config.toml'));
    expect((await sb.run(['use-preview', '--no-verify'])).code).toBe(0);
    expect((await sb.run(['use-production', '--no-verify'])).code).toBe(0);
    expect(readFileSync(sb.path('.codex/config.toml'))).toEqual(production);
    expect(afterSetup.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(original.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])));

    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(readFileSync(sb.path('.codex/config.toml'))).toEqual(original);
  });
});
