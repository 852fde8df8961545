/**
 * Everything the user reads goes through here: colours (chalk, off under NO_COLOR or when
 * not a terminal), status symbols, and the spinner (yocto-spinner). Commands describe; this renders.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import yoctoSpinner from 'yocto-spinner';

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
  const color = new Chalk({ level: fancy ? (io.env.COLORTERM === 'truecolor' ? 3 : 1) : 0 });
  const symbols: Record<Status, string> = fancy
    ? { pass: color.green('✓'), warn: color.yellow('⚠'), fail: color.red('✗'), skip: color.dim('-'), info: color.cyan('•') }
    : { pass: '[ok]', warn: '[warn]', fail: '[fail]', skip: '[skip]', info: '[info]' };
  const write = (s: string) => io.stdout.write(`${s}\n`);
  return {
    color,
    fancy,
    line: (text = '') => write(text),
    status: (status, text) => write(`${symbols[status]} ${text}`),
    error: (text) => io.stderr.write(`${fancy ? color.red('error') : 'error'}: ${text}\n`),
    notice: (text) => io.stderr.write(`${text}\n`),
    heading: (text) => write(fancy ? color.bold(text) : text),
    spinner(text) {
      if (!io.stdout.isTTY) return { stop() {} };
      // Signals stay with the command (a Ctrl-C during the check has something to say).
      const spin = yoctoSpinner({ text, stream: io.stdout, handleSignals: false, ...(fancy ? {} : { spinner: { frames: ['-', '\\', '|', '/'], interval: 100 } }) }).start();
      return { stop: () => void spin.stop() };
    },
  };
}

/** Colours a unified diff for the terminal. */
export function colorDiff(diff: string, out: Output): string {
  if (!out.fancy) return diff;
  return diff
    .split('\n')
    .map((l) => (l.startsWith('+++') || l.startsWith('---') ? out.color.bold(l) : l.startsWith('+') ? out.color.green(l) : l.startsWith('-') ? out.color.red(l) : l.startsWith('@@') ? out.color.cyan(l) : l))
    .join('\n');
}
