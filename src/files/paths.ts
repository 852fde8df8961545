import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The private files that hold the key: one for sh-like shells, one for fish. */
export interface KeyFiles {
  dir: string;
  posix: string;
  fish: string;
}

export function keyFiles(stateDir: string): KeyFiles {
  return { dir: stateDir, posix: join(stateDir, 'env'), fish: join(stateDir, 'env.fish') };
}

/** $XDG_CONFIG_HOME when it is an absolute path (as the spec requires), else ~/.config. */
export function configHome({ home, env }: { home: string; env: NodeJS.ProcessEnv }): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && xdg.startsWith('/') ? xdg : join(home, '.config');
}

/** The model catalog this tool keeps for Codex's picker, in $CODEX_HOME (config.toml names it relative to there). */
export const CATALOG_FILE = 'lightweight-models.json';

export interface Paths {
  home: string;
  codexHome: string;
  config: string;
  authJson: string;
  catalog: string;
  /** This tool's own directory: key files, state, backups. */
  stateDir: string;
  stateFile: string;
  /** Codex's login store as it was before the tool first wrote it (its text or none), for uninstall and layout changes. */
  authBefore: string;
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
    catalog: join(codexHome, CATALOG_FILE),
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    authBefore: join(stateDir, 'auth.before.json'),
    backups: join(stateDir, 'backups'),
    keys: keyFiles(stateDir),
  };
}

/** A path for messages: under the home directory it starts with `~`. */
export function tildify(p: string, home: string): string {
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}
