/**
 * The Windows tier's machine: a fresh Wine prefix (one per test file), the Windows Node.js running
 * the built CLI as npx would (from a package folder on C:, npm_command=exec), and the real Windows
 * Codex installed the way `npm install -g @openai/codex` lays it out (C:\npm\codex.cmd and
 * node_modules), all from .cache/windows (scripts/windows-tier.sh). Every Windows process start
 * in the prefix is traced (WINEDEBUG=+process), so a test can read every command line of a run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './sandbox.js';

export const WINE_CACHE = join(ROOT, '.cache/windows');
const TRIPLE = 'x86_64-pc-windows-msvc';
const NODE_EXE = join(WINE_CACHE, 'node/node.exe');
const CODEX_PKG = join(WINE_CACHE, 'codex-win32-x64');

/** Why the tier cannot run here, or undefined when it can. */
export function wineSkipReason(): string | undefined {
  try {
    execFileSync('wine', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'Wine is not installed (run: bash scripts/windows-tier.sh, which installs it from Debian\'s packages)';
  }
  if (!existsSync(join(WINE_CACHE, 'ready')) || !existsSync(NODE_EXE) || !existsSync(join(CODEX_PKG, 'vendor', TRIPLE, 'bin', 'codex.exe'))) {
    return 'the Windows Node.js and Codex are not prepared (run: bash scripts/windows-tier.sh)';
  }
  return undefined;
}

export interface WinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface WinUser {
  name: string;
  /** C:\users\<name> */
  home: string;
  /** The same folder on the Linux side. */
  linuxHome: string;
  env: Record<string, string>;
}

export class WinePrefix {
  /** Everything Windows processes were started with, across the prefix's life (WINEDEBUG=+process). */
  readonly trace: string[] = [];
  private n = 0;

  private constructor(
    readonly root: string,
    readonly prefix: string,
    /** The Windows user: Wine names the profile after USER, and Windows' own idea of it (which Codex asks, not USERPROFILE) must be this folder. */
    readonly userName: string,
  ) {}

  get driveC(): string {
    return join(this.prefix, 'drive_c');
  }

  static async create(userName = 'Ann Lee'): Promise<WinePrefix> {
    const root = mkdtempSync(join(tmpdir(), 'lw-wine-'));
    const p = new WinePrefix(root, join(root, 'prefix'), userName);
    const env = p.wineEnv('-all');
    execFileSync('wineboot', ['--init'], { env, stdio: 'ignore', timeout: 120_000 });
    // Wine says Windows 7 by default, which Node 20 refuses to start on.
    execFileSync('wine', ['winecfg', '/v', 'win10'], { env, stdio: 'ignore', timeout: 60_000 });
    p.install();
    return p;
  }

  /** The built package where npx puts one, the Codex npm would install, and the test's helpers. */
  private install(): void {
    const c = this.driveC;
    mkdirSync(join(c, 'lw-test'), { recursive: true });
    cpSync(join(ROOT, 'test/windows/wine/runner.cjs'), join(c, 'lw-test/runner.cjs'));
    cpSync(join(ROOT, 'test/windows/wine/keepalive-preload.cjs'), join(c, 'lw-test/keepalive-preload.cjs'));
    mkdirSync(join(c, 'node'), { recursive: true });
    symlinkSync(NODE_EXE, join(c, 'node/node.exe'));
    const pkg = join(c, 'npx/node_modules/lightweight-setup');
    mkdirSync(pkg, { recursive: true });
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    const codexMain = join(c, 'npm/node_modules/@openai/codex');
    mkdirSync(join(codexMain, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'node_modules/@openai/codex/package.json'), join(codexMain, 'package.json'));
    cpSync(join(ROOT, 'node_modules/@openai/codex/bin/codex.js'), join(codexMain, 'bin/codex.js'));
    mkdirSync(join(codexMain, 'node_modules/@openai'), { recursive: true });
    symlinkSync(CODEX_PKG, join(codexMain, 'node_modules/@openai/codex-win32-x64'));
    // npm's launcher; only a shell can start it, so the tool must find the codex.exe behind it.
    writeFileSync(join(c, 'npm/codex.cmd'), '@ECHO off\r\nnode "%~dp0\\node_modules\\@openai\\codex\\bin\\codex.js" %*\r\n');
  }

  private wineEnv(debug: string): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.root,
      USER: this.userName,
      LOGNAME: this.userName,
      WINEPREFIX: this.prefix,
      WINEDEBUG: debug,
      WINEDLLOVERRIDES: 'bcryptprimitives=n,b;mscoree,mshtml=',
      DISPLAY: '',
      LANG: 'C.UTF-8',
    };
  }

  /** C:\a\b -> <prefix>/drive_c/a/b */
  toLinux(winPath: string): string {
    const m = /^C:\\(.*)$/i.exec(winPath);
    if (!m) throw new Error(`not on C: ${winPath}`);
    return join(this.driveC, ...m[1]!.split('\\'));
  }

  /**
   * The prefix's Windows user (a name with a space, as many have), as a new terminal has it:
   * Wine sets USERPROFILE, LOCALAPPDATA and the rest; the test adds npm's folder to PATH.
   */
  user(): WinUser {
    const home = `C:\\users\\${this.userName}`;
    const linuxHome = this.toLinux(home);
    return {
      name: this.userName,
      home,
      linuxHome,
      env: {
        PATH: 'C:\\npm;C:\\windows\\system32;C:\\windows',
        NO_COLOR: '1',
        WINEDLLOVERRIDES: 'bcryptprimitives=n,b;mscoree,mshtml=',
      },
    };
  }

  /** Back to a profile without Codex's home, the tool's folder and the user's variables, for the next test. */
  async reset(user: WinUser): Promise<void> {
    for (const d of ['.codex', 'AppData/Local/lightweight']) rmSync(join(user.linuxHome, d), { recursive: true, force: true });
    for (const v of ['LIGHTWEIGHT_API_KEY', 'LIGHTWEIGHT_KEY_FILE']) await this.reg(user, ['delete', 'HKCU\\Environment', '/v', v, '/f']);
  }

  /** Starts a Windows program through the runner (see runner.cjs), its streams in files. */
  async run(file: string, args: string[], opts: { env: Record<string, string>; unset?: string[]; cwd: string; stdin?: string; timeoutMs?: number }): Promise<WinResult> {
    const id = ++this.n;
    const dir = join(this.driveC, 'lw-test', `run-${id}`);
    mkdirSync(dir, { recursive: true });
    const win = `C:\\lw-test\\run-${id}`;
    if (opts.stdin !== undefined) writeFileSync(join(dir, 'stdin'), opts.stdin);
    const spec = { file, args, env: opts.env, unset: opts.unset ?? [], cwd: opts.cwd, ...(opts.stdin !== undefined ? { stdin: `${win}\\stdin` } : {}), stdout: `${win}\\stdout`, stderr: `${win}\\stderr`, exit: `${win}\\exit.json` };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const traceFile = join(dir, 'wine-trace');
    await new Promise<void>((resolve, reject) => {
      // A file, not a pipe: Wine writes its trace there.
      const out = openSync(traceFile, 'w');
      const child = spawn('wine', [join(this.driveC, 'node/node.exe'), 'C:\\lw-test\\runner.cjs', `${win}\\spec.json`], { env: this.wineEnv('-all,+process'), stdio: ['ignore', 'ignore', out] });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
      child.on('error', reject);
      child.on('exit', () => {
        clearTimeout(timer);
        closeSync(out);
        resolve();
      });
    });
    // The runner returns when its child has exited; Wine may still be writing the files: wait for the exit record.
    const exitFile = join(dir, 'exit.json');
    for (let i = 0; i < 50 && !existsSync(exitFile); i++) await new Promise((r) => setTimeout(r, 100));
    this.trace.push(readFileSync(traceFile, 'utf8'));
    const exit = existsSync(exitFile) ? (JSON.parse(readFileSync(exitFile, 'utf8')) as { code: number | null; error?: string }) : { code: null, error: 'no exit record' };
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
    return { code: exit.code, stdout: read('stdout'), stderr: read('stderr') + (exit.error ? `\n[runner] ${exit.error}` : '') };
  }

  /** The built CLI as `npx lightweight-setup <args>` starts it on Windows. */
  cli(user: WinUser, args: string[], opts: { stdin?: string; env?: Record<string, string>; unset?: string[]; bin?: 'lightweight-setup' | 'lightweight' } = {}): Promise<WinResult> {
    const bin = `C:\\npx\\node_modules\\lightweight-setup\\bin\\${opts.bin ?? 'lightweight-setup'}.cjs`;
    return this.run('C:\\node\\node.exe', ['-r', 'C:\\lw-test\\keepalive-preload.cjs', bin, ...args], {
      env: { ...user.env, npm_command: 'exec', ...opts.env },
      cwd: user.home,
      ...(opts.unset ? { unset: opts.unset } : {}),
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      timeoutMs: 120_000,
    });
  }

  /** reg.exe as the user runs it. */
  reg(user: WinUser, args: string[]): Promise<WinResult> {
    return this.run('C:\\windows\\system32\\reg.exe', args, { env: user.env, cwd: user.home });
  }

  /**
   * The built CLI started straight from Linux (no runner), for a real terminal: Wine gives it the
   * user's environment itself (USERPROFILE, LOCALAPPDATA, the user's variables), and a console.
   */
  terminalCommand(args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
    return {
      argv: ['wine', join(this.driveC, 'node/node.exe'), '-r', 'C:\\lw-test\\keepalive-preload.cjs', 'C:\\npx\\node_modules\\lightweight-setup\\bin\\lightweight-setup.cjs', ...args],
      env: { ...this.wineEnv('-all'), WINEPATH: 'C:\\npm', npm_command: 'exec', NO_COLOR: '1', TERM: 'xterm-256color' },
    };
  }

  /** Every command line a Windows process was started with, so far. */
  commandLines(): string[] {
    return this.trace.flatMap((t) => [...t.matchAll(/CreateProcessInternalW app .*? cmdline (L".*")$/gm)].map((m) => m[1]!));
  }

  close(): void {
    if (process.env.LW_KEEP_WINE) return;
    try {
      execFileSync('wineserver', ['-k'], { env: this.wineEnv('-all'), stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Already gone.
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
