import { basename, join } from 'node:path';
import { CliError } from '../errors.js';
import { configHome } from '../files/paths.js';

export type Shell = 'bash' | 'zsh' | 'fish' | 'sh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish', 'sh'];

/** Shell names seen in $SHELL, mapped to the syntax and startup file they share. */
const SHELL_FAMILY: Record<string, Shell> = { bash: 'bash', zsh: 'zsh', fish: 'fish', sh: 'sh', dash: 'sh', ksh: 'sh', mksh: 'sh', ash: 'sh' };

export function parseShell(name: string): Shell | undefined {
  return SHELL_FAMILY[basename(name.trim())];
}

/** The user's shell from $SHELL (the login shell, which is what a new terminal starts). */
export function detectShell(env: NodeJS.ProcessEnv): Shell | undefined {
  return env.SHELL ? parseShell(env.SHELL) : undefined;
}

export interface ShellPaths {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

/** The startup file a new interactive shell reads, where the marked block goes. */
export function rcFileFor(shell: Shell, { home, platform, env }: ShellPaths): string {
  switch (shell) {
    case 'bash':
      // Interactive shells that are not login shells; login shells get bashLoginFile too.
      void platform;
      return join(home, '.bashrc');
    case 'zsh':
      return join(env.ZDOTDIR || home, '.zshrc');
    case 'fish':
      return join(configHome({ home, env }), 'fish', 'conf.d', 'lightweight.fish');
    case 'sh':
      return join(home, '.profile');
  }
}

/** The startup files a bash login shell reads, in bash's order: it reads the first that exists. */
export const BASH_LOGIN_FILES = ['.bash_profile', '.bash_login', '.profile'] as const;

/** Every startup file a block may be in: each shell's usual one, and bash's login files. */
export function startupFiles(paths: ShellPaths): string[] {
  return SHELLS.flatMap((shell) => [rcFileFor(shell, paths), ...(shell === 'bash' ? BASH_LOGIN_FILES.map((f) => join(paths.home, f)) : [])]);
}

/**
 * The file a bash login shell reads (ssh sessions, macOS Terminal, tmux panes on macOS): the first
 * of BASH_LOGIN_FILES that exists, else the one setup creates (.bash_profile on macOS, where
 * login shells are the norm; .profile elsewhere, which sh reads too).
 */
export function bashLoginFile(home: string, platform: NodeJS.Platform, exists: (path: string) => boolean): string {
  for (const name of BASH_LOGIN_FILES) if (exists(join(home, name))) return join(home, name);
  return join(home, platform === 'darwin' ? '.bash_profile' : '.profile');
}

export function unknownShellError(shellName: string | undefined, sourceLine: string): CliError {
  return new CliError(
    shellName ? `Unsupported shell "${shellName}".` : 'Could not tell which shell you use ($SHELL is not set).',
    2,
    `Supported shells: ${SHELLS.join(', ')}. Pass --shell <${SHELLS.join('|')}>, or --no-rc and add this line to your shell's startup file yourself:`,
    [`  ${sourceLine}`],
  );
}
