/**
 * A real terminal for the wizard: a tmux session on a private socket, driven with
 * send-keys and read with capture-pane (which shows exactly what a person would see).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export class Terminal {
  private readonly socket: string;
  readonly session = 'wizard';
  readonly exitFile: string;

  /** Starts `argv` in a 120x50 terminal with exactly `env` (nothing inherited from the test runner), in `cwd` when given. */
  constructor(dir: string, argv: string[], env: NodeJS.ProcessEnv, cwd?: string, size: { columns: number; rows: number } = { columns: 120, rows: 50 }) {
    this.socket = `lw-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.exitFile = join(dir, 'exit-code');
    // A terminal started earlier in the same directory left its code here: not this one's.
    rmSync(this.exitFile, { force: true });
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const envArgs = Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => q(`${k}=${v}`));
    const command = `env -i ${envArgs.join(' ')} ${argv.map(q).join(' ')}; echo $? > ${q(this.exitFile)}; sleep 600`;
    this.tmux(['new-session', '-d', '-s', this.session, '-x', String(size.columns), '-y', String(size.rows), ...(cwd ? ['-c', cwd] : []), command]);
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Everything on the screen and in the scrollback, as plain text. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.session]);
  }

  /** What is visible now, row by row, as the terminal shows it (long lines wrapped, not joined). */
  visible(): string[] {
    return this.tmux(['capture-pane', '-p', '-t', this.session]).replace(/\n$/, '').split('\n');
  }

  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.session, ...keys]);
  }

  /** Types text literally (no key-name interpretation). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.session, '-l', text]);
  }

  /** One answer to a prompt: waits for it, types `text` (a hidden key, say) and presses Enter. */
  async answer(prompt: RegExp, text: string): Promise<void> {
    await this.waitFor(prompt);
    this.type(text);
    this.keys('Enter');
  }

  /**
   * The setup wizard's first questions (layout, key source, model) answered with Enter, then the
   * key typed at its hidden prompt: what a user who takes every default does.
   */
  async takeDefaultsThenKey(key: string, firstTimeoutMs = 20_000): Promise<void> {
    await this.waitFor(/Config layout/, firstTimeoutMs);
    this.keys('Enter');
    await this.waitFor(/Where Codex gets the key/);
    this.keys('Enter');
    await this.waitFor(/Default model/);
    this.keys('Enter');
    await this.answer(/Lightweight API key/, key);
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} on the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async exitCode(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.exitFile) || readFileSync(this.exitFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error(`The program did not exit:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return Number(readFileSync(this.exitFile, 'utf8').trim());
  }

  close(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
  }
}
