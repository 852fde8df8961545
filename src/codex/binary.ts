/**
 * The installed Codex CLI, found on PATH without spawning a shell. The key only ever
 * reaches Codex on standard input (`codex login --with-api-key`), never in its arguments.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, win32 } from 'node:path';
import { CliError } from '../errors.js';
import { untilExit } from '../files/at-exit.js';

export const CODEX_INSTALL = 'npm install -g @openai/codex';

/** The first Codex that runs a provider's auth command (0.117 ignores the table and sends no key). */
export const AUTH_COMMAND_SINCE = '0.118.0';

/** Compares dotted release numbers (a pre-release suffix is ignored): a >= b. */
export function versionAtLeast(a: string, b: string): boolean {
  const parts = (v: string) => v.split(/[-+]/)[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * The first executable `name` on PATH, found without spawning a shell. Synchronous on purpose:
 * a few stat calls, done before Codex is started, are quicker without event-loop round trips.
 * On Windows a name is found with its program extensions, and npm's `codex.cmd` (which only a
 * shell can start) leads to the native codex.exe it would start.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const windows = platform === 'win32';
  const path = windows ? (env.PATH ?? env.Path ?? Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] ?? '') : (env.PATH ?? '');
  const names = windows && !/\.[a-z]+$/i.test(name) ? ['.exe', '.cmd'].map((ext) => name + ext) : [name];
  for (const dir of path.split(windows ? ';' : ':')) {
    if (!dir) continue;
    for (const n of names) {
      const candidate = (windows ? win32.join : join)(dir, n);
      try {
        if (!statSync(candidate).isFile()) continue;
        if (windows && /\.cmd$/i.test(n)) {
          const native = npmShimTarget(dir, name);
          if (native) return native;
          continue;
        }
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined;
}

/** Windows: the native program behind npm's `<name>.cmd` for @openai/codex (npm install -g on Windows). */
function npmShimTarget(dir: string, name: string): string | undefined {
  if (name !== 'codex') return undefined;
  const launcher = win32.join(dir, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
  const native = codexCommand(launcher, {}, 'win32', 'x64').file;
  return native !== launcher ? native : undefined;
}

/** Platform packages of the npm `@openai/codex`, as its launcher (bin/codex.js) maps them. */
const NATIVE_TARGETS: Record<string, [pkg: string, triple: string]> = {
  'linux-x64': ['@openai/codex-linux-x64', 'x86_64-unknown-linux-musl'],
  'linux-arm64': ['@openai/codex-linux-arm64', 'aarch64-unknown-linux-musl'],
  'darwin-x64': ['@openai/codex-darwin-x64', 'x86_64-apple-darwin'],
  'darwin-arm64': ['@openai/codex-darwin-arm64', 'aarch64-apple-darwin'],
  'win32-x64': ['@openai/codex-win32-x64', 'x86_64-pc-windows-msvc'],
  'win32-arm64': ['@openai/codex-win32-arm64', 'aarch64-pc-windows-msvc'],
};

export interface CodexCommand {
  file: string;
  env: NodeJS.ProcessEnv;
}

/**
 * How to start Codex for doctor. The npm package's `codex` is a Node launcher that finds the
 * native binary and starts it; starting that binary directly, with the environment the
 * launcher gives it, saves a second Node start-up on doctor's critical path. Anything that
 * is not exactly that layout (another install method, another version's layout) runs the
 * `codex` on PATH as it is.
 */
export function codexCommand(onPath: string, env: NodeJS.ProcessEnv, platform = process.platform, arch = process.arch): CodexCommand {
  const asIs = { file: onPath, env };
  try {
    const launcher = realpathSync(onPath);
    if (basename(launcher) !== 'codex.js' || basename(dirname(launcher)) !== 'bin') return asIs;
    const pkgRoot = dirname(dirname(launcher));
    const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as { name?: string };
    const target = NATIVE_TARGETS[`${platform}-${arch}`];
    if (pkg.name !== '@openai/codex' || !target) return asIs;
    const [platformPkg, triple] = target;
    const roots: string[] = [];
    try {
      roots.push(join(dirname(createRequire(join(pkgRoot, 'package.json')).resolve(`${platformPkg}/package.json`)), 'vendor'));
    } catch {
      // Not installed as a separate package; older layouts ship the binary inside the main one.
    }
    roots.push(join(pkgRoot, 'vendor'));
    for (const root of roots) {
      const file = join(root, triple, 'bin', platform === 'win32' ? 'codex.exe' : 'codex');
      try {
        accessSync(file, constants.X_OK);
      } catch {
        continue;
      }
      const childEnv: NodeJS.ProcessEnv = { ...env, CODEX_MANAGED_PACKAGE_ROOT: pkgRoot, CODEX_MANAGED_BY_NPM: '1' };
      for (const other of ['CODEX_MANAGED_BY_BUN', 'CODEX_MANAGED_BY_PNPM', 'CODEX_MANAGED_BY_VITE_PLUS']) delete childEnv[other];
      return { file, env: childEnv };
    }
  } catch {
    // Unreadable: fall back to the launcher.
  }
  return asIs;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program with arguments (no shell), feeding `input` on stdin, bounded by a timeout.
 * The program gets its own process group so that a timeout kills what it started too (the
 * npm `codex` is a Node wrapper around the native binary), and the result comes back at the
 * deadline even if a grandchild still holds the pipes.
 */
export function run(
  file: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs: number; cwd?: string; onStdout?: (chunk: string) => void },
): Promise<RunResult> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      // Its own process group on POSIX; on Windows `detached` would give it a console window of its own.
      child = spawn(file, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: (err as Error).message, timedOut: false });
      return;
    }
    // In its own group, the program does not get the terminal's Ctrl-C: if this process ends
    // first, the group goes with it.
    const forget = untilExit(() => process.kill(-child.pid!, 'SIGKILL'));
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      forget();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish({ code: null, stdout, stderr, timedOut: true });
    }, opts.timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      opts.onStdout?.(text);
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => finish({ code: null, stdout, stderr: stderr + err.message, timedOut: false }));
    child.on('close', (code) => finish({ code, stdout, stderr, timedOut: false }));
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

export async function codexVersion(codex: string, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<string | undefined> {
  const r = await run(codex, ['--version'], { env, timeoutMs });
  return r.code === 0 ? /(\d+\.\d+\.\d+[\w.-]*)/.exec(r.stdout)?.[1] : undefined;
}

/** Stores the key in Codex's own login store, which the base-URL layout reads. */
export async function codexLoginWithApiKey(codex: string, key: string, codexHome: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await run(codex, ['login', '--with-api-key'], { env: { ...env, CODEX_HOME: codexHome }, input: key, timeoutMs: 30_000 });
  if (r.code !== 0) {
    const why = r.timedOut ? 'it did not finish within 30 s' : (r.stderr.split('\n').find((l) => /error/i.test(l)) ?? r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`);
    throw new CliError(`\`codex login --with-api-key\` failed: ${why.split(key).join('****')}`, 2);
  }
}
