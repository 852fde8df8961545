import { CliError } from '../errors.js';

/**
 * A path for use inside double quotes in sh and fish: under $HOME it is written relative to
 * $HOME so the block survives a synced dotfiles repo; `$`, backquote, `"` and `\` are escaped.
 */
export function quotePathForShell(path: string, home: string): string {
  // A newline (or any control character) could end the quoted word and start a command, or forge
  // the block's end marker: no such path goes into a shell file.
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw new CliError(
      `The path ${JSON.stringify(path)} has a newline or another control character in it, which a shell startup file cannot hold safely.`,
      2,
      'Check HOME, XDG_CONFIG_HOME and ZDOTDIR (or --rc-file) for a stray newline; nothing was written.',
    );
  }
  const esc = (s: string) => s.replace(/[\\"$`]/g, (c) => `\\${c}`);
  if (home && path.startsWith(`${home}/`)) return `"$HOME/${esc(path.slice(home.length + 1))}"`;
  return `"${esc(path)}"`;
}

