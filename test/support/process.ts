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

/** The processes descended from `pid` (children, grandchildren, …), from /proc: those in other process groups too. */
export function descendantsOf(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The fields after the command name, which is in parentheses and may hold spaces: state, ppid, …
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone already.
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = [...parent].filter(([, pp]) => frontier.includes(pp)).map(([p]) => p);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Whether `pid` is a process that still runs: not gone, and not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
