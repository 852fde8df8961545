/** What every platform shares: the variable's name, the command Codex runs for the key, and how setup is named in text that outlives a run. */

export const KEY_VAR = 'LIGHTWEIGHT_API_KEY';

/** How anyone runs setup again, in text that outlives a run (the auth command's message): the npx form works for all. */
export const SETUP_ANYWHERE = 'npx lightweight-setup';

/** A provider `auth` command as config.toml holds it: a program and its arguments, run without a shell. */
export interface AuthCommand {
  command: string;
  args: string[];
}

export function sameCommand(a: { command: string; args: readonly string[] } | undefined, b: AuthCommand): boolean {
  return a !== undefined && a.command === b.command && a.args.length === b.args.length && a.args.every((x, i) => x === b.args[i]);
}
