import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { codexCommand, findExecutable } from '../../src/codex/binary.js';
import { scratchDir } from '../support/scratch.js';

let root: string;
const file = (p: string, content: string, mode = 0o644) => {
  mkdirSync(dirname(join(root, p)), { recursive: true });
  writeFileSync(join(root, p), content);
  chmodSync(join(root, p), mode);
  return join(root, p);
};

/** An npm install of @openai/codex as 0.171 lays it out: a Node launcher and a platform package with the binary. */
function npmLayout(opts: { name?: string; binary?: boolean } = {}) {
  file('node_modules/@openai/codex/package.json', JSON.stringify({ name: opts.name ?? '@openai/codex', version: '0.171.0' }));
  file('node_modules/@openai/codex/bin/codex.js', '#!/usr/bin/env node\n', 0o755);
  file('node_modules/@openai/codex-linux-x64/package.json', JSON.stringify({ name: '@openai/codex', version: '0.171.0-linux-x64' }));
  if (opts.binary !== false) file('node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex', 'ELF', 0o755);
  mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../@openai/codex/bin/codex.js', join(root, 'node_modules/.bin/codex'));
  return join(root, 'node_modules/.bin/codex');
}

beforeEach(() => {
  root = realpathSync(scratchDir('lw-codex-cmd-'));
});

describe('how doctor starts Codex', () => {
  it('starts the native binary of an npm install directly, with the environment its launcher sets', () => {
    const onPath = npmLayout();
    const cmd = codexCommand(onPath, { PATH: '/bin', CODEX_MANAGED_BY_BUN: '1' }, 'linux', 'x64');
    expect(cmd.file).toBe(join(root, 'node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex'));
    expect(cmd.env).toEqual({ PATH: '/bin', CODEX_MANAGED_PACKAGE_ROOT: join(root, 'node_modules/@openai/codex'), CODEX_MANAGED_BY_NPM: '1' });
  });

  it.each([
    ['another package with a bin/codex.js', () => npmLayout({ name: 'not-codex' }), 'linux', 'x64'],
    ['the platform binary missing', () => npmLayout({ binary: false }), 'linux', 'x64'],
    ['a platform the launcher does not map', () => npmLayout(), 'freebsd', 'x64'],
    ['a plain executable (Homebrew, a standalone binary)', () => file('bin/codex', '#!/bin/sh\n', 0o755), 'linux', 'x64'],
  ] as const)('runs the codex on PATH as it is for %s', (_name, make, platform, arch) => {
    const onPath = make();
    const env = { PATH: '/bin' };
    expect(codexCommand(onPath, env, platform, arch)).toEqual({ file: onPath, env });
  });

  it('finds executables on PATH, skipping non-executable files and directories', () => {
    file('a/codex', 'x', 0o644);
    mkdirSync(join(root, 'b/codex'), { recursive: true });
    const real = file('c/codex', '#!/bin/sh\n', 0o755);
    expect(findExecutable('codex', { PATH: ['', join(root, 'a'), join(root, 'b'), join(root, 'c')].join(':') })).toBe(real);
    expect(findExecutable('codex', { PATH: join(root, 'a') })).toBeUndefined();
    expect(findExecutable('codex', {})).toBeUndefined();
  });
});
