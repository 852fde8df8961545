import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256, type Manifest } from '../../src/files/backup.js';
import { planRestore } from '../../src/commands/restore.js';
import { scratchDir } from '../support/scratch.js';

let root: string;
let runDir: string;
beforeEach(() => {
  root = realpathSync(scratchDir('lw-restore-'));
  runDir = join(root, 'run');
  mkdirSync(runDir);
});

const file = (name: string, content: string) => {
  writeFileSync(join(root, name), content);
  return join(root, name);
};

function run(entries: Manifest['entries'], complete: boolean) {
  return { version: 1 as const, id: 'x', command: 'setup', createdAt: '2026-11-27T00:00:00.000Z', entries, complete, dir: runDir };
}

describe('planning a restore', () => {
  it('puts back what a finished run wrote, and removes what it created', async () => {
    writeFileSync(join(runDir, '0'), 'old config\n');
    const config = file('config.toml', 'new config\n');
    const keyFile = file('env', 'key\n');
    const plan = await planRestore(
      run(
        [
          { path: config, target: config, existed: true, mode: 0o644, backup: '0', written: sha256('new config\n') },
          { path: keyFile, target: keyFile, existed: false, mode: 0o600, written: sha256('key\n'), secret: true },
        ],
        true,
      ),
    );
    expect(plan.changedSince).toEqual([]);
    expect(plan.writes.map((w) => [w.path, w.after])).toEqual([
      [config, 'old config\n'],
      [keyFile, null],
    ]);
  });

  it('flags a file edited after the run', async () => {
    writeFileSync(join(runDir, '0'), 'old\n');
    const config = file('config.toml', 'new, then edited\n');
    const plan = await planRestore(run([{ path: config, target: config, existed: true, mode: 0o644, backup: '0', written: sha256('new\n') }], true));
    expect(plan.changedSince).toEqual([config]);
  });

  it('a run killed half-way: unrecorded files still as backed up are left alone, changed ones need --force', async () => {
    writeFileSync(join(runDir, '0'), 'rc before\n');
    writeFileSync(join(runDir, '1'), 'config before\n');
    const rc = file('bashrc', 'rc before\n');
    const config = file('config.toml', 'config after\n');
    const plan = await planRestore(
      run(
        [
          { path: rc, target: rc, existed: true, mode: 0o644, backup: '0' },
          { path: config, target: config, existed: true, mode: 0o644, backup: '1' },
        ],
        false,
      ),
    );
    expect(plan.writes.map((w) => [w.path, w.after])).toEqual([[config, 'config before\n']]);
    expect(plan.changedSince).toEqual([config]);
  });

  it('in a finished run, an unrecorded entry was never written and is skipped', async () => {
    writeFileSync(join(runDir, '0'), 'before\n');
    const config = file('config.toml', 'whatever the user has now\n');
    const plan = await planRestore(run([{ path: config, target: config, existed: true, mode: 0o644, backup: '0' }], true));
    expect(plan.writes).toEqual([]);
  });
});
