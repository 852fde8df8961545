/**
 * Linux, macOS and WSL: the key in a private file that shells source (and a fish twin), a
 * marked block in the shell's startup file for new terminals, and a /bin/sh auth command.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { isOwnAuthCommand, renderAuthCommand } from './posix-auth.js';
import { readKeyFromPosixFile, renderFishKeyFile, renderPosixKeyFile } from './posix-keyfile.js';
import type { Platform } from './types.js';

/** $XDG_CONFIG_HOME when it is an absolute path (as the spec requires), else ~/.config. */
export function configHome({ home, env }: { home: string; env: NodeJS.ProcessEnv }): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && xdg.startsWith('/') ? xdg : posix.join(home, '.config');
}

/** A word for sh, bash, zsh and fish: bare when it is plain, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._:/@+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export const posixPlatform: Platform = {
  id: 'posix',
  home: (env) => env.HOME || homedir(),
  stateDir: (home, env) => posix.join(configHome({ home, env }), 'lightweight'),
  keyFiles: (dir) => ({ dir, main: posix.join(dir, 'env'), fish: posix.join(dir, 'env.fish') }),
  renderKeyFile: renderPosixKeyFile,
  renderFishKeyFile,
  readKeyFile: readKeyFromPosixFile,
  authCommand: (keyFile, home) => renderAuthCommand(keyFile, home),
  isOwnAuthCommand: (cmd, keyFile, home) => isOwnAuthCommand(cmd, keyFile, home),
  newTerminals: 'shell-startup-file',
  modeBits: true,
  show: (p, home) => (home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p),
  expand(p, home, cwd) {
    if (p === '~') return home;
    if (p.startsWith('~/')) return posix.join(home, p.slice(2));
    return posix.isAbsolute(p) ? p : posix.resolve(cwd, p);
  },
  join: (...parts) => posix.join(...parts),
  quoteArg: shellWord,
};

/**
 * Inside WSL, the Linux distribution's name (WSL sets WSL_DISTRO_NAME; its kernel names itself
 * "microsoft"), else undefined. Pure: the caller reads /proc/sys/kernel/osrelease.
 */
export function wslDistro(env: NodeJS.ProcessEnv, osRelease: string | undefined): string | undefined {
  if (env.WSL_DISTRO_NAME) return env.WSL_DISTRO_NAME;
  return osRelease && /microsoft|wsl/i.test(osRelease) ? 'WSL' : undefined;
}

/**
 * What setup says inside WSL: it configures the Linux Codex of this distribution; the Codex that
 * the VS Code extension (in a Windows window) and the Codex app run is the Windows one, which
 * reads %USERPROFILE%\.codex and is set up from Windows itself. Nothing is guessed or written there.
 */
export function wslNote(distro: string): string {
  return `This is WSL (${distro}): this sets up the Codex CLI inside it (~/.codex here). The VS Code extension in a Windows window and the Codex app run the Windows Codex, which reads %USERPROFILE%\\.codex: for them, run npx lightweight-setup in PowerShell or cmd on Windows too. (VS Code connected to WSL uses this one.)`;
}

/** The WSL note for this machine, or undefined outside WSL. */
export async function wslNoteHere(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<string | undefined> {
  if (platform !== 'linux') return undefined;
  const osRelease = await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => undefined);
  const distro = wslDistro(env, osRelease);
  return distro ? wslNote(distro) : undefined;
}
