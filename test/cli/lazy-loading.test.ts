/**
 * What each path loads: `--help` and `--version` only the command line; the HTTP client only
 * when a check runs; the prompt library only in a terminal. (How fast that is, npm run bench
 * measures; these tests only pin down the structure that makes it fast.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../support/process.js';
import { BIN, ROOT, Sandbox } from '../support/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});

async function loaded(args: string[], input?: string): Promise<{ files: string[]; builtins: string[]; code: number | null }> {
  const report = join(sb.root, 'loaded.json');
  const r = await runProcess(process.execPath, ['-r', join(ROOT, 'test/support/loaded-modules.cjs'), BIN.lightweight, ...args], {
    env: { ...sb.env, LW_LOADED_REPORT: report },
    cwd: sb.home,
    ...(input !== undefined ? { input } : {}),
  });
  return { ...(JSON.parse(readFileSync(report, 'utf8')) as { files: string[]; builtins: string[] }), code: r.code };
}

describe('lazy loading', () => {
  it.each([[['--help']], [['--version']], [['setup', '--help']]])('%j loads only the command line bundle', async (args) => {
    const r = await loaded(args);
    expect(r.code).toBe(0);
    expect(r.files.map((f) => f.replace(ROOT, ''))).toEqual(['/test/support/loaded-modules.cjs', '/bin/lightweight.cjs', '/dist/cli.cjs']);
  });

  it('setup without a check never starts the HTTP client or the prompt library', async () => {
    const r = await loaded(['setup', '--yes', '--api-key-stdin', '--no-verify'], 'sk-lw-lazy-0123456789\n');
    expect(r.code).toBe(0);
    for (const builtin of ['http', 'http2', 'tls', 'readline']) expect(r.builtins, builtin).not.toContain(builtin);
  });

  it('a check does start the HTTP client (the test above is not vacuous)', async () => {
    const r = await loaded(['setup', '--yes', '--api-key-stdin', '--base-url', 'http://127.0.0.1:9/v1', '--timeout', '2'], 'sk-lw-lazy-0123456789\n');
    expect(r.code).toBe(1);
    expect(r.builtins).toContain('http');
  });
});
