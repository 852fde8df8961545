/**
 * How the user started this tool, so that every command it prints runs as printed: an npx user
 * gets `npx lightweight-setup doctor`, someone who installed it gets `lightweight doctor`. (The
 * npm name `lightweight` belongs to an unrelated package: `npx lightweight` is never printed.)
 * Set once by the entry point; every message asks here.
 */
export type BinName = 'lightweight' | 'lightweight-setup';

const NPX = 'npx lightweight-setup';
/**
 * Kept on globalThis: the command line and each command are separate bundles, each with its own
 * copy of this module, and the entry point sets it in its own.
 */
const KEY = Symbol.for('lightweight-setup.invocation');
const store = globalThis as unknown as Record<symbol, string | undefined>;

/** npm sets npm_command=exec for `npx` and `npm exec` (npm 7 and later). */
export function startedByNpx(env: NodeJS.ProcessEnv): boolean {
  return env.npm_command === 'exec';
}

export function invocationPrefix(bin: BinName, env: NodeJS.ProcessEnv): string {
  return startedByNpx(env) ? NPX : bin;
}

export function setInvocation(bin: BinName, env: NodeJS.ProcessEnv): void {
  store[KEY] = invocationPrefix(bin, env);
}

/** The command line for a subcommand (`doctor`, `restore --force`), or for setup when none is given. */
export function cmd(sub?: string): string {
  const prefix = store[KEY] ?? NPX;
  if (sub === undefined) return prefix === 'lightweight' ? 'lightweight setup' : prefix;
  return `${prefix} ${sub}`;
}
