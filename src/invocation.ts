/**
 * How the user started this tool, so that every command it prints runs as printed: an npx user
 * gets `npx lightweight-setup doctor`, someone who installed it gets `lightweight doctor`. (The
 * npm name `lightweight` belongs to an unrelated package: `npx lightweight` is never printed.)
 * Set once by the entry point; every message asks here.
 */
import { realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { HERE } from './platform/platform.js';

export type BinName = 'lightweight' | 'lightweight-setup';

const NPX = 'npx lightweight-setup';
/**
 * Kept on globalThis: the command line and each command are separate bundles, each with its own
 * copy of this module, and the entry point sets it in its own.
 */
const KEY = Symbol.for('lightweight-setup.invocation');
const store = globalThis as unknown as Record<symbol, (() => string) | undefined>;

/** npm sets npm_command=exec for `npx` and `npm exec` (npm 7 and later). */
export function startedByNpx(env: NodeJS.ProcessEnv): boolean {
  return env.npm_command === 'exec';
}

/** Where the process was started from, to tell whether its bin name on PATH is this very file. */
export interface StartedFrom {
  /** The script node ran (process.argv[1]). */
  script: string;
  cwd: string;
  realpath?: (p: string) => string;
}

/**
 * The command that starts this tool again, as the user can type it: npx's form under npx; the
 * bin's name when that name on PATH is this very file (an `npm install -g`); otherwise `node` and
 * the script's path (relative to the directory the user is in, when it is below it), which is how
 * it runs from a clone, where the bin's name is not on PATH or is another copy.
 */
export function invocationPrefix(bin: BinName, env: NodeJS.ProcessEnv, from?: StartedFrom): string {
  if (startedByNpx(env)) return NPX;
  if (!from) return bin;
  const real = (p: string) => {
    try {
      return (from.realpath ?? realpathSync)(p);
    } catch {
      return undefined;
    }
  };
  const self = real(from.script);
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir) || self === undefined) continue;
    if (real(join(dir, bin)) === self) return bin;
    // npm on Windows puts a `<bin>.cmd` there that starts node_modules/lightweight-setup/bin/<bin>.cjs.
    if (real(join(dir, 'node_modules', 'lightweight-setup', 'bin', `${bin}.cjs`)) === self && real(join(dir, `${bin}.cmd`)) !== undefined) return bin;
  }
  const rel = relative(from.cwd, from.script);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : from.script;
  return `node ${HERE.quoteArg(shown)}`;
}

/** Worked out when first needed (a look along PATH), not at every start: most runs print no command. */
export function setInvocation(bin: BinName, env: NodeJS.ProcessEnv, from?: StartedFrom): void {
  let prefix: string | undefined;
  store[KEY] = () => (prefix ??= invocationPrefix(bin, env, from));
}

/** The command line for a subcommand (`doctor`, `restore --force`), or for setup when none is given. */
export function cmd(sub?: string): string {
  const prefix = store[KEY]?.() ?? NPX;
  // The `lightweight` bin needs the command named; `lightweight-setup` runs setup by default.
  if (sub === undefined) return /(^|[\\/])lightweight(\.cjs)?['"]?$/.test(prefix) ? `${prefix} setup` : prefix;
  return `${prefix} ${sub}`;
}
