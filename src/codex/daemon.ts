/**
 * Codex's background server (the app-server daemon): the TUI hands its work to it, and it keeps
 * the environment of the terminal that first started it. With env_key that includes the key.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { codexCommand, run } from './binary.js';

export interface DaemonStatus {
  running: boolean;
  /** When the running server started (from its pid file). */
  startedAt?: Date;
}

/** `codex app-server daemon version`, and the start time its pid file records; not running on a Codex without it. */
export async function daemonStatus(codex: string, env: NodeJS.ProcessEnv, codexHome: string, timeoutMs = 5_000): Promise<DaemonStatus> {
  const cmd = codexCommand(codex, { ...env, CODEX_HOME: codexHome });
  const r = await run(cmd.file, ['app-server', 'daemon', 'version'], { env: cmd.env, timeoutMs });
  let status: unknown;
  try {
    status = (JSON.parse(r.stdout) as { status?: unknown }).status;
  } catch {
    return { running: false };
  }
  if (status !== 'running') return { running: false };
  try {
    const file = join(codexHome, 'app-server-daemon', 'daemon.pid');
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const pid = JSON.parse(text) as { processStartTime?: unknown };
    const recorded = typeof pid.processStartTime === 'string' ? new Date(pid.processStartTime) : undefined;
    // The recorded start time has whole seconds (and may be rounded down by up to one): a key
    // written in the same second as a restart would look older than it. The pid file is written
    // as the server starts, to the millisecond: the later of the two is when it started.
    const valid = recorded && !Number.isNaN(recorded.getTime()) ? recorded : undefined;
    const at = valid && st.mtime.getTime() - valid.getTime() < 10_000 && st.mtime > valid ? st.mtime : valid;
    return { running: true, ...(at ? { startedAt: at } : {}) };
  } catch {
    return { running: true };
  }
}

/**
 * Restarts the background server with `env` as its environment (the new key in
 * LIGHTWEIGHT_API_KEY: an environment variable, never an argument).
 */
export async function restartDaemon(codex: string, env: NodeJS.ProcessEnv, codexHome: string): Promise<{ ok: boolean; error?: string }> {
  const cmd = codexCommand(codex, { ...env, CODEX_HOME: codexHome });
  const r = await run(cmd.file, ['app-server', 'daemon', 'restart'], { env: cmd.env, timeoutMs: 30_000 });
  return r.code === 0 ? { ok: true } : { ok: false, error: r.timedOut ? 'it did not finish within 30 s' : (r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`) };
}
