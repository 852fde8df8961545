/**
 * The installed Codex CLI, found on PATH without spawning a shell. The key only ever
 * reaches Codex on standard input (`codex login --with-api-key`), never in its arguments.
 */
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CliError } from './errors.js';

export const CODEX_INSTALL = 'npm install -g @openai/codex';

export async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      const stat = await fs.stat(candidate);
      if (stat.isFile()) {
        await fs.access(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
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
export function run(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: (err as Error).message, timedOut: false });
      return;
    }
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
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
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => finish({ code: null, stdout, stderr: stderr + err.message, timedOut: false }));
    child.on('close', (code) => finish({ code, stdout, stderr, timedOut: false }));
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

export async function codexVersion(codex: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await run(codex, ['--version'], { env, timeoutMs: 10_000 });
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
