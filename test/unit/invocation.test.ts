/** How the tool prints its own commands: in the form that runs as printed, the way it was started. */
import { describe, expect, it } from 'vitest';
import { cmd, invocationPrefix, setInvocation, type StartedFrom } from '../../src/invocation.js';

/** A file system of symlinks: each path resolves to its entry, anything else does not exist. */
function fs(links: Record<string, string>): (p: string) => string {
  return (p) => {
    if (p in links) return links[p]!;
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  };
}

const GLOBAL = '/usr/lib/node_modules/lightweight-setup/bin/lightweight.cjs';
const installed: StartedFrom = { script: '/usr/local/bin/lightweight', cwd: '/home/u', realpath: fs({ '/usr/local/bin/lightweight': GLOBAL }) };

describe('invocationPrefix', () => {
  it.each([
    ['npx (npm_command=exec), whatever the script', 'lightweight', { npm_command: 'exec', PATH: '/usr/local/bin' }, installed, 'npx lightweight-setup'],
    ['installed: the name on PATH is this very file', 'lightweight', { PATH: '/usr/bin:/usr/local/bin' }, installed, 'lightweight'],
    ['installed, reached through another symlink to the same file', 'lightweight', { PATH: '/opt/bin' }, { ...installed, realpath: fs({ '/usr/local/bin/lightweight': GLOBAL, '/opt/bin/lightweight': GLOBAL }) }, 'lightweight'],
    ['from a clone, the name not on PATH: node and the path below the current directory', 'lightweight-setup', { PATH: '/usr/bin' }, { script: '/src/lw/bin/lightweight-setup.cjs', cwd: '/src/lw', realpath: fs({ '/src/lw/bin/lightweight-setup.cjs': '/src/lw/bin/lightweight-setup.cjs' }) }, 'node bin/lightweight-setup.cjs'],
    ['from a clone, with another copy on PATH: that copy is not this one', 'lightweight', { PATH: '/usr/local/bin' }, { script: '/src/lw/bin/lightweight.cjs', cwd: '/tmp', realpath: fs({ '/src/lw/bin/lightweight.cjs': '/src/lw/bin/lightweight.cjs', '/usr/local/bin/lightweight': GLOBAL }) }, 'node /src/lw/bin/lightweight.cjs'],
    ['a path outside the current directory stays absolute', 'lightweight', {}, { script: '/src/lw/bin/lightweight.cjs', cwd: '/src/other', realpath: fs({}) }, 'node /src/lw/bin/lightweight.cjs'],
    ['a path with a space is quoted for the shell', 'lightweight', {}, { script: "/home/u/my tools/it's/bin/lightweight.cjs", cwd: '/srv', realpath: fs({}) }, `node '/home/u/my tools/it'\\''s/bin/lightweight.cjs'`],
    ['empty and relative PATH entries are not trusted', 'lightweight', { PATH: ':.:bin' }, { script: '/w/bin/lightweight', cwd: '/w', realpath: fs({ '/w/bin/lightweight': '/w/bin/lightweight', 'bin/lightweight': '/w/bin/lightweight', 'lightweight': '/w/bin/lightweight' }) }, 'node bin/lightweight'],
    ['nothing known of the start: the bin name', 'lightweight-setup', {}, undefined, 'lightweight-setup'],
  ] as const)('%s', (_name, bin, env, from, want) => {
    expect(invocationPrefix(bin, env as NodeJS.ProcessEnv, from as StartedFrom | undefined)).toBe(want);
  });
});

describe('cmd', () => {
  it.each([
    ['lightweight', { PATH: '/usr/local/bin' }, installed, ['lightweight setup', 'lightweight doctor']],
    ['lightweight', { npm_command: 'exec' }, installed, ['npx lightweight-setup', 'npx lightweight-setup doctor']],
    ['lightweight-setup', {}, undefined, ['lightweight-setup', 'lightweight-setup doctor']],
    ['lightweight', {}, { script: '/w/bin/lightweight.cjs', cwd: '/w', realpath: fs({}) }, ['node bin/lightweight.cjs setup', 'node bin/lightweight.cjs doctor']],
    ['lightweight-setup', {}, { script: '/w/bin/lightweight-setup.cjs', cwd: '/w', realpath: fs({}) }, ['node bin/lightweight-setup.cjs', 'node bin/lightweight-setup.cjs doctor']],
    ['lightweight', {}, { script: '/my tools/bin/lightweight.cjs', cwd: '/w', realpath: fs({}) }, ["node '/my tools/bin/lightweight.cjs' setup", "node '/my tools/bin/lightweight.cjs' doctor"]],
    ['lightweight-setup', {}, { script: '/my tools/bin/lightweight-setup.cjs', cwd: '/w', realpath: fs({}) }, ["node '/my tools/bin/lightweight-setup.cjs'", "node '/my tools/bin/lightweight-setup.cjs' doctor"]],
  ] as const)('started as %s (%j): setup is %j', (bin, env, from, [setup, doctor]) => {
    setInvocation(bin, env as NodeJS.ProcessEnv, from as StartedFrom | undefined);
    expect(cmd()).toBe(setup);
    expect(cmd('doctor')).toBe(doctor);
  });
});
