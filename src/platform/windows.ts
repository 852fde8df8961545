/**
 * Windows: the key alone in a file under %LOCALAPPDATA% (private to the user by the profile's
 * default permissions), read by Codex through `cmd.exe /d /c type <file>` (cmd.exe is on every
 * Windows; no PowerShell, no Node when Codex starts it), and LIGHTWEIGHT_API_KEY as a variable of
 * the user's environment for new terminals (windows-env.ts).
 */
import { homedir } from 'node:os';
import { win32 } from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { sameCommand, type AuthCommand } from './common.js';
import type { Platform } from './types.js';

/**
 * Characters that cmd.exe acts on in `type <file>` even inside quotes (`%VAR%` expands, `"` ends the
 * quoting) or outside them, when a path without spaces is passed bare (`&`, `|`, `<`, `>`, `^`): a
 * key file path with one could make Codex's auth command run something else. `!` too, for a cmd
 * with delayed expansion on by default (a registry setting).
 */
const CMD_ACTIVE = /[%"&|<>^!\u0000-\u001f]/;

/** A program in %SystemRoot%\System32, as Windows sets it for every process; C:\Windows where it is missing or odd. */
export function system32(env: NodeJS.ProcessEnv, exe: string): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir;
  return win32.join(root && win32.isAbsolute(root) && !CMD_ACTIVE.test(root) ? root : 'C:\\Windows', 'System32', exe);
}

export function windowsAuthCommand(keyFile: string, env: NodeJS.ProcessEnv): AuthCommand {
  if (CMD_ACTIVE.test(keyFile) || !win32.isAbsolute(keyFile)) {
    throw new CliError(
      `The key file's path ${JSON.stringify(keyFile)} has a character cmd.exe would act on (% " & | < > ^ !), or is not absolute: Codex's auth command could not read it safely.`,
      EXIT.usage,
      'Set LOCALAPPDATA to a folder of yours whose path has none of them, and run again; nothing was written.',
    );
  }
  return { command: system32(env, 'cmd.exe'), args: ['/d', '/c', 'type', keyFile] };
}

/**
 * A word for cmd.exe and PowerShell alike: bare when it is plain, else in double quotes (spaces).
 * Inside them cmd still expands `%VAR%` and PowerShell `$x`: the values printed are model ids
 * (plain names only, gateway/models.ts) and paths, which the tool refuses with `%` (windows.ts).
 */
export function windowsWord(value: string): string {
  return /^[A-Za-z0-9._:\\/@+=,-]+$/.test(value) ? value : `"${value.replace(/"/g, '""')}"`;
}

export const windowsPlatform: Platform = {
  id: 'windows',
  home: (env) => env.USERPROFILE || homedir(),
  stateDir(home, env) {
    const local = env.LOCALAPPDATA && win32.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : win32.join(home, 'AppData', 'Local');
    return win32.join(local, 'lightweight');
  },
  keyFiles: (dir) => ({ dir, main: win32.join(dir, 'api-key.txt') }),
  // The key alone, no line end: `type` prints the file as it is, and Codex sends what it prints.
  renderKeyFile: (key) => key,
  readKeyFile: (text) => text.trim() || undefined,
  authCommand: (keyFile, _home, env) => windowsAuthCommand(keyFile, env),
  isOwnAuthCommand(cmd, keyFile, _home, env) {
    try {
      return sameCommand(cmd, windowsAuthCommand(keyFile, env));
    } catch {
      return false;
    }
  },
  newTerminals: 'user-variable',
  modeBits: false,
  // Full paths: cmd.exe knows no `~`, and a path shown is one the user can paste.
  show: (p) => p,
  expand(p, home, cwd) {
    if (p === '~') return home;
    if (p.startsWith('~/') || p.startsWith('~\\')) return win32.join(home, p.slice(2));
    return win32.isAbsolute(p) ? win32.normalize(p) : win32.resolve(cwd, p);
  },
  join: (...parts) => win32.join(...parts),
  quoteArg: windowsWord,
};
