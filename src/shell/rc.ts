/**
 * The marked block this tool keeps in a shell startup file, and the pure text operations
 * on it: render, insert or replace, remove. The block only sources the key file, so the
 * rc file (often in a public dotfiles repo) never holds the key.
 */
import { CliError } from '../errors.js';
import { quotePathForShell } from '../platform/posix-quote.js';
import type { Shell } from './detect.js';

export { quotePathForShell };

export const BLOCK_START = '# >>> lightweight-setup >>>';
export const BLOCK_END = '# <<< lightweight-setup <<<';

/** The one line that loads the key file, for the block or for pasting by hand. */
export function sourceLine(shell: Shell, keyFile: string, home: string): string {
  const p = quotePathForShell(keyFile, home);
  return shell === 'fish' ? `test -f ${p}; and source ${p}` : `[ -f ${p} ] && . ${p}`;
}

/** The comment line of the block, under 80 columns. */
export const BLOCK_COMMENT = '# Loads LIGHTWEIGHT_API_KEY. `npx lightweight-setup uninstall` removes this.';

/** What the block says when it will not load a key file someone else could have written. */
const REFUSAL = 'lightweight-setup: not loading $lw_env: it is not yours, or others can write to it. Run: npx lightweight-setup';

/**
 * The block: it loads the key file only when the file is the user's own and nobody else can
 * write to it (a file another user planted or changed would run as the user at every shell
 * start), and says so on stderr otherwise.
 */
export function renderBlock(shell: Shell, keyFile: string, home: string, eol = '\n'): string {
  const p = quotePathForShell(keyFile, home);
  const body =
    shell === 'fish'
      ? [
          `set -l lw_env ${p}`,
          'if test -f $lw_env',
          '    set -l lw_open (find $lw_env -prune \\( -perm -020 -o -perm -002 \\) -print)',
          '    if test -O $lw_env; and test -z "$lw_open"',
          '        source $lw_env',
          '    else',
          `        echo "${REFUSAL}" >&2`,
          '    end',
          'end',
        ]
      : [
          `lw_env=${p}`,
          'if [ -f "$lw_env" ]; then',
          '  if [ -O "$lw_env" ] && [ -z "$(find "$lw_env" -prune \\( -perm -020 -o -perm -002 \\) -print)" ]; then',
          '    . "$lw_env"',
          '  else',
          `    echo "${REFUSAL}" >&2`,
          '  fi',
          'fi',
          'unset lw_env',
        ];
  return [BLOCK_START, BLOCK_COMMENT, ...body, BLOCK_END].join(eol) + eol;
}

export type BlockAction = 'created' | 'appended' | 'replaced' | 'unchanged';

export interface BlockLocation {
  start: number;
  end: number;
  line: number;
}

/** Where the marked blocks are; an unterminated block is an error rather than a guess. */
export function findBlocks(text: string, file: string): BlockLocation[] {
  const blocks: BlockLocation[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let open: { start: number; line: number } | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim(); // a CRLF file's \r goes with the other whitespace
    const next = offset + raw.length + (i < lines.length - 1 ? 1 : 0);
    if (line === BLOCK_START) {
      if (open) throw unterminated(file, open.line);
      open = { start: offset, line: i + 1 };
    } else if (line === BLOCK_END && open) {
      blocks.push({ start: open.start, end: next, line: open.line });
      open = undefined;
    }
    offset = next;
  });
  if (open) throw unterminated(file, open.line);
  return blocks;
}

function unterminated(file: string, line: number): CliError {
  return new CliError(
    `${file}:${line}: the lightweight-setup block starts here but its end marker "${BLOCK_END}" is missing.`,
    2,
    'Fix or delete the block by hand and run again; nothing was written.',
  );
}

/** The file's line ending, as its first line has it. */
export function detectEol(text: string): '\n' | '\r\n' {
  return /^[^\n]*\r\n/.test(text) ? '\r\n' : '\n';
}

/**
 * Puts the block in: replaces the first existing block in place (and drops any copies),
 * or appends it after a blank line. `existed` says whether the file was there at all.
 */
export function upsertBlock(text: string, block: string, file: string, existed: boolean): { text: string; action: BlockAction } {
  const blocks = findBlocks(text, file);
  const first = blocks[0];
  if (first) {
    let out = text;
    for (const b of [...blocks].reverse()) {
      const isFirst = b === first;
      // A block at the very end of a file without a final newline keeps that shape.
      const replacement = isFirst ? (b.end === text.length && !text.endsWith('\n') ? block.replace(/\r?\n$/, '') : block) : '';
      out = out.slice(0, b.start) + replacement + out.slice(b.end);
    }
    return { text: out, action: out === text ? 'unchanged' : 'replaced' };
  }
  if (!existed || text === '') return { text: block, action: existed ? 'appended' : 'created' };
  // Always exactly one blank line before the block, so removing the two gives back the same
  // bytes; a file without a final newline keeps lacking one.
  const eol = detectEol(text);
  if (!text.endsWith('\n')) return { text: text + eol + eol + block.replace(/\r?\n$/, ''), action: 'appended' };
  return { text: text + eol + block, action: 'appended' };
}

/** Takes every block out, with the blank line that was added before it: the inverse of upsertBlock. */
export function removeBlocks(text: string, file: string): string {
  let out = text;
  for (const b of [...findBlocks(text, file)].reverse()) {
    let start = b.start;
    const before = out.slice(0, start);
    const blank = /\r?\n[ \t]*\r?\n$/.exec(before);
    const atEnd = b.end >= out.length;
    if (blank && atEnd) {
      // "...line\n\n<block>" -> "...line\n"; without a final newline, "...line\n\n<block>" -> "...line".
      start -= blank[0].length - (out.endsWith('\n') ? blank[0].indexOf('\n') + 1 : 0);
    }
    out = out.slice(0, start) + out.slice(b.end);
  }
  return out;
}

/**
 * Whether a bash login file sources ~/.bashrc (as Debian's and most templates' ~/.profile do):
 * then a login shell gets the block from there, and the login file needs none of its own.
 */
export function sourcesBashrc(text: string): boolean {
  return text.split('\n').some((line) => {
    const code = line.replace(/#.*/s, ''); // to the end of the line, \r of a CRLF file included
    return /(^|[\s;&|{(])(\.|source)\s+["']?(~|\$HOME|\$\{HOME\})\/\.bashrc["']?(\s|;|$|&|\))/.test(code);
  });
}

/** Lines outside the block that set the key themselves (the gateway page's manual step). */
export function foreignKeyLines(text: string, file: string, varName: string): number[] {
  const inBlock = findBlocks(text, file);
  const lines: number[] = [];
  const re = new RegExp(`^\\s*(export\\s+|set\\s+(-[a-zA-Z]+\\s+)*|setenv\\s+)?${varName}(=|\\s)`);
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    if (re.test(raw) && !inBlock.some((b) => offset >= b.start && offset < b.end)) lines.push(i + 1);
    offset += raw.length + 1;
  });
  return lines;
}
