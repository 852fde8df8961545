import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "never printed" assertions. */
  all: string;
}

export interface ProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Leave stdin open and never write to it (a pipe that nothing closes). */
  stdinOpen?: boolean;
  timeoutMs?: number;
  /** Run as this user and group (the tests run as root in CI; some cases need an ordinary user). */
  uid?: number;
  gid?: number;
}

/** Runs a program (no shell) and collects its output; a run past the timeout is killed and fails the test. */
export function runProcess(file: string, args: string[], opts: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const limit = opts.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish within ${limit} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, limit);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, all: stdout + stderr });
    });
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else if (!opts.stdinOpen) child.stdin.end();
  });
}

/**
 * Kills every process whose command line names a path under `dir` (a sandbox): what Codex leaves
 * running there (its background server's pid-update loop outlives `codex app-server daemon stop`).
 * Read from /proc, so it needs no pkill (procps) on the machine. Returns how many were signalled.
 */
export function killProcessesUnder(dir: string): number {
  let killed = 0;
  for (const pid of processes((args) => args.some((arg) => arg.startsWith(`${dir}/`) || arg.includes(`'${dir}/`)))) {
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // gone already
    }
  }
  return killed;
}

/** The processes with `word` among their arguments and an environment or arguments naming `dir` (a sandbox's). */
export function processesNaming(word: string, dir: string): number[] {
  return processes((args, environ) => args.includes(word) && (environ.includes(dir) || args.some((a) => a.includes(dir))));
}

/** Process ids (not this one's) whose arguments (and environment, where readable) match. */
function processes(match: (args: string[], environ: string) => boolean): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      let environ = '';
      try {
        environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      } catch {
        // Another user's: its arguments decide.
      }
      if (match(args, environ)) found.push(Number(name));
    } catch {
      // Gone already.
    }
  }
  return found;
}
