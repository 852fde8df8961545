import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { configHome } from './shell.js';
import { keyFiles, type KeyFiles } from './keyfile.js';

export interface Paths {
  home: string;
  codexHome: string;
  config: string;
  authJson: string;
  /** This tool's own directory: key files, state, backups. */
  stateDir: string;
  stateFile: string;
  backups: string;
  keys: KeyFiles;
}

/** `~` and relative paths from flags, as the user meant them. */
export function expandPath(p: string, home: string, cwd: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return isAbsolute(p) ? p : resolve(cwd, p);
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

export function resolvePaths(env: NodeJS.ProcessEnv, cwd: string, codexHomeFlag?: string): Paths {
  const home = homeOf(env);
  const codexHome = codexHomeFlag ? expandPath(codexHomeFlag, home, cwd) : env.CODEX_HOME ? expandPath(env.CODEX_HOME, home, cwd) : join(home, '.codex');
  const stateDir = join(configHome({ home, env }), 'lightweight');
  return {
    home,
    codexHome,
    config: join(codexHome, 'config.toml'),
    authJson: join(codexHome, 'auth.json'),
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    backups: join(stateDir, 'backups'),
    keys: keyFiles(stateDir),
  };
}

/** A path for messages: under the home directory it starts with `~`. */
export function tildify(p: string, home: string): string {
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}
