/**
 * What real homes, configs and terminals do to the tool (issue "Right on real machines"): a closed
 * pipe, a byte order mark, bash login shells, read-only files, an unwritable Codex directory,
 * and the words the tool uses.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import { BIN, Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-machines-0123456789ab';
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

/** Runs the CLI with stdout read once and then closed, as `| head -1` does. */
function withClosedPipe(args: string[], input?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN.lightweight, ...args], { cwd: sb.home, env: sb.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('a closed pipe', () => {
  it.each([
    [['setup', '--help']],
    [['setup', '--yes', '--api-key-stdin', '--no-verify', '--dry-run']],
    [['setup', '--yes', '--api-key-stdin', '--no-verify']],
  ])('%j exits quietly with its own code, and a real run still finishes its writes', async (args) => {
    sb.write('.codex/config.toml', Array.from({ length: 400 }, (_, i) => `# line ${i} of a long config`).join('\n') + '\n');
    const r = await withClosedPipe(args, `${KEY}\n`);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(node:|internal error/);
    expect(r.code).toBe(0);
    if (!args.includes('--dry-run') && !args.includes('--help')) expect(parse(sb.read('.codex/config.toml')).model_provider).toBe('lightweight');
  });
});
