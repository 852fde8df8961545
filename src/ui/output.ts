/**
 * Everything the user reads goes through here: colours (chalk, off under NO_COLOR or when
 * not a terminal), status symbols, and the spinner (yocto-spinner). Commands describe; this renders.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import yoctoSpinner from 'yocto-spinner';
import { terminalSafe } from './safe-text.js';
import { truncate, visibleLength, wrapText } from './wrap.js';

export { terminalSafe };

export interface Io {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  platform: NodeJS.Platform;
  cwd: string;
  home: string;
}

export type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'info';

export interface Output {
  readonly color: ChalkInstance;
  /** True when stdout is a terminal and colours are allowed: symbols instead of [ok] tags. */
  readonly fancy: boolean;
  /** The terminal's size, when stdout is one: prose is wrapped to its width. */
  readonly size?: { columns: number; rows: number };
  /** A line as it is, never wrapped (a command to copy). */
  raw(text: string): void;
  /** A unified diff (or one line of it), coloured, each line cut to `width` when given. */
  diff(text: string, width?: number): void;
  line(text?: string): void;
  status(status: Status, text: string): void;
  error(text: string): void;
  /** A line on stderr without the "error:" prefix (a cancellation, say). */
  notice(text: string): void;
  heading(text: string): void;
  spinner(text: string): { stop(): void };
}

export function colorsAllowed(env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function makeOutput(io: Io): Output {
  const fancy = colorsAllowed(io.env, io.stdout);
  const size = io.stdout.isTTY && io.stdout.columns ? { columns: io.stdout.columns, rows: io.stdout.rows ?? 24 } : undefined;
  const wrap = (text: string, indent = '') => (size ? wrapText(text, size.columns - 1, indent) : text);
  const color = new Chalk({ level: fancy ? (io.env.COLORTERM === 'truecolor' ? 3 : 1) : 0 });
  const symbols: Record<Status, string> = fancy
    ? { pass: color.green('✓'), warn: color.yellow('⚠'), fail: color.red('✗'), skip: color.dim('-'), info: color.cyan('•') }
    : { pass: '[ok]', warn: '[warn]', fail: '[fail]', skip: '[skip]', info: '[info]' };
  const write = (s: string) => io.stdout.write(`${s}\n`);
  return {
    color,
    fancy,
    ...(size ? { size } : {}),
    raw: (text) => write(terminalSafe(text)),
    diff: (text, width) =>
      write(
        terminalSafe(text)
          .split('\n')
          .map((l) => (width ? truncate(l, width) : l))
          .map((l) => colorDiff(l, fancy ? color : undefined))
          .join('\n'),
      ),
    // A numbered step ("  1. ...") continues under its text, other lines under their own indentation.
    line: (text = '') => {
      const safe = terminalSafe(text);
      write(wrap(safe, ' '.repeat((/^\s*(\d+\.\s+)?/.exec(safe)?.[0] ?? '').length)));
    },
    status: (status, text) => write(wrap(`${symbols[status]} ${terminalSafe(text)}`, ' '.repeat(visibleLength(symbols[status]) + 1))),
    error: (text) => io.stderr.write(`${fancy ? color.red('error') : 'error'}: ${terminalSafe(text)}\n`),
    notice: (text) => io.stderr.write(`${terminalSafe(text)}\n`),
    heading: (text) => write(fancy ? color.bold(terminalSafe(text)) : terminalSafe(text)),
    spinner(text) {
      if (!io.stdout.isTTY) return { stop() {} };
      // Signals stay with the command (a Ctrl-C during the check has something to say).
      const spin = yoctoSpinner({ text, stream: io.stdout, handleSignals: false, ...(fancy ? {} : { spinner: { frames: ['-', '\\', '|', '/'], interval: 100 } }) }).start();
      return { stop: () => void spin.stop() };
    },
  };
}

/** Colours one line of a unified diff (already terminal-safe) for the terminal. */
function colorDiff(l: string, color: ChalkInstance | undefined): string {
  if (!color) return l;
  return l.startsWith('+++') || l.startsWith('---') ? color.bold(l) : l.startsWith('+') ? color.green(l) : l.startsWith('-') ? color.red(l) : l.startsWith('@@') ? color.cyan(l) : l;
}
