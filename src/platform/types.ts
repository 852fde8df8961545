/** What a platform answers (platform.ts picks the one this process runs on). */
import type { AuthCommand } from './common.js';

/** The files that hold the key: `main` is the one Codex's auth command reads; `fish` is its twin for fish (POSIX only). */
export interface KeyFiles {
  dir: string;
  main: string;
  fish?: string;
}

export interface Platform {
  id: 'posix' | 'windows';
  /** The user's home: HOME on POSIX (sudo -H, containers and tests set it), USERPROFILE on Windows. */
  home(env: NodeJS.ProcessEnv): string;
  /** This tool's own folder (key files, its record, backups). */
  stateDir(home: string, env: NodeJS.ProcessEnv): string;
  keyFiles(stateDir: string): KeyFiles;
  /** The text of the key file Codex reads, and of fish's twin. */
  renderKeyFile(key: string): string;
  renderFishKeyFile?(key: string): string;
  /** The key a key file holds, read back without running anything. */
  readKeyFile(text: string): string | undefined;
  /** The command Codex runs for the key: an absolute program, no shell or PATH lookup deciding what runs. */
  authCommand(keyFile: string, home: string, env: NodeJS.ProcessEnv): AuthCommand;
  /** Whether config.toml's auth command is exactly the one this tool writes (doctor runs no other). */
  isOwnAuthCommand(cmd: { command: string; args: readonly string[] } | undefined, keyFile: string, home: string, env: NodeJS.ProcessEnv): boolean;
  /** How new terminals get LIGHTWEIGHT_API_KEY: a block in the shell's startup file, or a variable of the user's environment. */
  newTerminals: 'shell-startup-file' | 'user-variable';
  /** Whether a file's mode and owner say who can read or replace it (POSIX); on Windows the ACLs do, which this tool does not read. */
  modeBits: boolean;
  /** A path as messages show it (under the home, `~/...` on POSIX). */
  show(path: string, home: string): string;
  /** A path from a flag or a variable, as the user meant it (`~`, relative to the current folder). */
  expand(path: string, home: string, cwd: string): string;
  join(...parts: string[]): string;
  /** One value in a command the user is told to run, quoted for their shell when it needs quoting. */
  quoteArg(value: string): string;
}

