/** Real processes: killed mid-write (SIGKILL), several at once, and a lock left by a dead one. */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { findBlocks } from '../../src/shell/rc.js';
import { BIN, Sandbox } from '../support/sandbox.js';

const OLD = 'sk-lw-robust-old-0000000000';
const NEW = 'sk-lw-robust-new-1111111111';
let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});

/** A small seeded PRNG, so a failing kill schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILES = ['.codex/config.toml', '.bashrc', '.config/lightweight/env', '.config/lightweight/env.fish'];
const snapshot = () => Object.fromEntries(FILES.map((f) => [f, (() => {
  try {
    return sb.read(f);
  } catch {
    return null;
  }
})()]));

describe('killed at a random moment (SIGKILL)', () => {
  it('every file is the old one or the new one, never a mix; restore undoes it; the next run cleans up and finishes', async () => {
    sb.write('.codex/config.toml', '# mine\n[tui]\nx = 1\n', 0o640);
    sb.write('.bashrc', 'export EDITOR=vi\n');
    expect((await sb.setup(OLD, ['--no-verify'])).code).toBe(0);
    const before = snapshot();
    // What a completed run writes, from an identical machine.
    const twin = new Sandbox();
    twin.write('.codex/config.toml', '# mine\n[tui]\nx = 1\n', 0o640);
    twin.write('.bashrc', 'export EDITOR=vi\n');
    await twin.setup(OLD, ['--no-verify']);
    await twin.setup(NEW, ['--no-verify', '--layout', 'openai-base-url', '--model', 'o3']);
    const after = Object.fromEntries(FILES.map((f) => [f, twin.read(f).split(twin.home).join(sb.home)]));

    const seed = Number(process.env.KILL_SEED ?? 7);
    const random = prng(seed);
    for (let i = 0; i < 25; i++) {
      const child = spawn(process.execPath, [BIN.lightweight, 'setup', '--yes', '--api-key-stdin', '--no-verify', '--layout', 'openai-base-url', '--model', 'o3'], {
        env: sb.env,
        cwd: sb.home,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.stdin.end(`${NEW}\n`);
      const delay = Math.floor(random() * 200);
      await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      const now = snapshot();
      for (const f of FILES) expect([before[f], after[f]], `${f} after a kill at ${delay} ms (seed ${seed})`).toContain(now[f]);
      // `restore` undoes a run killed half-way, which also sets up the next round.
      if (FILES.some((f) => now[f] !== before[f])) {
        const r = await sb.run(['restore', '--yes', '--force']);
        expect(r.code, r.all).toBe(0);
        expect(snapshot(), `restore after a kill at ${delay} ms (seed ${seed})`).toEqual(before);
      }
    }
    // Finish properly: the result is complete and no temp file is left anywhere.
    const done = await sb.setup(NEW, ['--no-verify', '--layout', 'openai-base-url', '--model', 'o3']);
    expect(done.code, done.all).toBe(0);
    expect(snapshot()).toEqual(after);
    const temps = Object.keys(sb.tree()).filter((p) => p.endsWith('.tmp'));
    expect(temps, JSON.stringify(temps)).toEqual([]);
  }, 120_000);
});

describe('several setups at once', () => {
  it('end with one valid config, one rc block, and a key file that holds one of the keys', async () => {
    const keys = ['sk-lw-concurrent-aaaaaaaa1', 'sk-lw-concurrent-bbbbbbbb2', 'sk-lw-concurrent-cccccccc3'];
    const runs = await Promise.all(keys.map((k, i) => sb.setup(k, ['--no-verify', '--model', ['o3', 'gpt-5.4', 'o4-mini'][i]!])));
    for (const r of runs) expect(r.code, r.all).toBe(0);
    const config = sb.config();
    expect(config.model_provider).toBe('lightweight');
    expect(['o3', 'gpt-5.4', 'o4-mini']).toContain(config.model);
    expect(findBlocks(sb.read('.bashrc'), 'rc')).toHaveLength(1);
    const posix = sb.read('.config/lightweight/env');
    const held = keys.filter((k) => posix.includes(k));
    expect(held).toHaveLength(1);
    expect(sb.read('.config/lightweight/env.fish')).toContain(held[0]);
    expect(readdirSync(sb.path('.config/lightweight'))).not.toContain('lock');
  });

  it('a lock left by a process that is gone is taken over', async () => {
    sb.write('.config/lightweight/lock', '999999\n', 0o600);
    const r = await sb.setup(OLD, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(OLD);
  });

  it('a lock held by a live process makes the next run wait for it, then go ahead', async () => {
    const holder = spawn('sleep', ['30']);
    sb.write('.config/lightweight/lock', `${holder.pid}\n`, 0o600);
    const run = sb.setup(OLD, ['--no-verify']);
    await new Promise((r) => setTimeout(r, 700));
    expect(() => sb.read('.config/lightweight/env'), 'nothing is written while the lock is held').toThrow();
    holder.kill('SIGKILL');
    const r = await run;
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(OLD);
  });
});
