/**
 * The command Codex runs for the Lightweight key (a provider `auth` command, Codex 0.118+):
 * a POSIX sh script that prints the key from the key file. Codex runs it for the first
 * request and again after a 401, so a key changed by setup reaches sessions that are already
 * open, and editors started from the desktop (which never read shell startup files) get the
 * key too. The file wins over LIGHTWEIGHT_API_KEY: Codex's background server keeps the
 * environment of the terminal that started it, so its variable may be stale; the variable is
 * only the fallback where there is no file (CI).
 */
import { KEY_VAR, SETUP_ANYWHERE, sameCommand, type AuthCommand } from './common.js';
import { quotePathForShell } from './posix-quote.js';

/** Absolute, so no PATH lookup decides what runs. */
export const AUTH_SHELL = '/bin/sh';

export function renderAuthCommand(keyFile: string, home: string, setupCommand: string = SETUP_ANYWHERE): AuthCommand {
  return authCommandFor(quotePathForShell(keyFile, home), setupCommand);
}

/**
 * The system-wide config's command (`setup --system`): every user's Codex runs it as that user,
 * so it names each user's own key file, where their setup puts it (XDG_CONFIG_HOME, else ~/.config).
 */
export const USERS_KEY_FILE_WORD = '"${XDG_CONFIG_HOME:-$HOME/.config}/lightweight/env"';

export function systemAuthCommand(): AuthCommand {
  return authCommandFor(USERS_KEY_FILE_WORD, SETUP_ANYWHERE);
}

/** `f` is a double-quoted shell word for the key file. */
function authCommandFor(f: string, setupCommand: string): AuthCommand {
  const fail = (why: string) => `{ echo "lightweight-setup: ${why}; run: ${setupCommand}" >&2; exit 1; }`;
  // One line: it is shown in config.toml as a single TOML string.
  const script = [
    `f=${f}`,
    // Like the shell block: only the user's own file, which nobody else can write to, is run. The
    // file is opened once (fd 3) and everything after looks at what was opened, never at the path
    // again: a path swapped between the check and the read cannot redirect it.
    `if [ -f "$f" ]; then exec 3<"$f" && [ -O /dev/fd/3 ] && [ -z "$(find -L /dev/fd/3 -prune \\( -perm -020 -o -perm -002 \\) -print)" ] || ${fail('$f is not yours, or others can write to it')}`,
    `unset ${KEY_VAR}; . /dev/fd/3 || exit 1; [ -n "\${${KEY_VAR}:-}" ] || ${fail('$f holds no key')}`,
    `elif [ -z "\${${KEY_VAR}:-}" ]; then ${fail(`no Lightweight key: $f is missing and ${KEY_VAR} is not set`)}`,
    'fi',
    `printf %s "$${KEY_VAR}"`,
  ].join('; ');
  return { command: AUTH_SHELL, args: ['-c', script] };
}

/**
 * Whether an auth command is exactly the one this tool writes for this key file (doctor runs only
 * that one): a config.toml another user could write to might hold the same script with their code
 * in front, and doctor must never run it.
 */
export function isOwnAuthCommand(cmd: { command: string; args: readonly string[] } | undefined, keyFile: string, home: string): boolean {
  return sameCommand(cmd, renderAuthCommand(keyFile, home)) || sameCommand(cmd, systemAuthCommand());
}
