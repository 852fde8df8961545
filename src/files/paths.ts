import { HERE, type KeyFiles, type Platform } from '../platform/platform.js';

export type { KeyFiles } from '../platform/platform.js';
export { configHome } from '../platform/posix.js';

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
export function expandPath(p: string, home: string, cwd: string, platform: Platform = HERE): string {
  return platform.expand(p, home, cwd);
}

export function homeOf(env: NodeJS.ProcessEnv, platform: Platform = HERE): string {
  return platform.home(env);
}

export function resolvePaths(env: NodeJS.ProcessEnv, cwd: string, codexHomeFlag?: string, platform: Platform = HERE): Paths {
  const home = platform.home(env);
  const join = platform.join;
  const codexHome = codexHomeFlag ? platform.expand(codexHomeFlag, home, cwd) : env.CODEX_HOME ? platform.expand(env.CODEX_HOME, home, cwd) : join(home, '.codex');
  const stateDir = platform.stateDir(home, env);
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
    keys: platform.keyFiles(stateDir),
  };
}

/** The profile file `codex -p <name>` layers on config.toml. */
export function profileConfig(paths: Paths, name: string, platform: Platform = HERE): string {
  return platform.join(paths.codexHome, `${name}.config.toml`);
}

/** A path for messages: under the home directory it starts with `~` (POSIX). */
export function tildify(p: string, home: string, platform: Platform = HERE): string {
  return platform.show(p, home);
}
