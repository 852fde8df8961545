/**
 * `doctor --live` through Codex itself: `codex exec` with the user's own config and environment,
 * so the request goes out exactly as Codex sends it (its TLS, proxy and key source), but in a
 * throwaway working directory, read-only, without session files (--ephemeral) and without
 * starting the user's MCP servers. Its JSONL events are timed as they arrive.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_PROMPT, type CodexLine, type CodexRun } from '../gateway/live.js';
import { PROVIDER_ID } from '../gateway/constants.js';
import { codexCommand } from './binary.js';

/** A name `-c mcp_servers.<name>.enabled=false` can address: Codex splits `-c` paths at every dot. */
const BARE = /^[A-Za-z0-9_-]+$/;

export interface CodexLivePlan {
  args: string[];
  /** MCP servers that could not be turned off for one run (their names hold a dot or a quote). */
  unstoppable: string[];
}

/**
 * The arguments of the run. Each MCP server of the config is turned off for this run only; the
 * Lightweight provider makes one attempt (no retries), so a failure costs one request and is quick.
 */
export function codexLiveArgs(workdir: string, opts: { mcpServers: readonly string[]; providerTable: boolean }): CodexLivePlan {
  const unstoppable = opts.mcpServers.filter((n) => !BARE.test(n));
  const args = ['exec', '--ephemeral', '--skip-git-repo-check', '--sandbox', 'read-only', '-C', workdir, '--json', '--color', 'never'];
  for (const name of opts.mcpServers.filter((n) => BARE.test(n))) args.push('-c', `mcp_servers.${name}.enabled=false`);
  if (opts.providerTable) args.push('-c', `model_providers.${PROVIDER_ID}.request_max_retries=0`, '-c', `model_providers.${PROVIDER_ID}.stream_max_retries=0`);
  args.push(LIVE_PROMPT);
  return { args, unstoppable };
}

/** Runs `codex exec --json` (stdin closed), timing each event line; killed with its process group at the deadline. */
export async function runCodexLive(codex: string, env: NodeJS.ProcessEnv, opts: { mcpServers: readonly string[]; providerTable: boolean; timeoutMs: number }): Promise<CodexRun> {
  const workdir = await fs.mkdtemp(join(tmpdir(), 'lightweight-live-'));
  try {
    const { args } = codexLiveArgs(workdir, opts);
    const c = codexCommand(codex, env);
    return await new Promise<CodexRun>((resolve) => {
      const started = performance.now();
      const lines: CodexLine[] = [];
      let stderr = '';
      let pending = '';
      let settled = false;
      const child = spawn(c.file, args, { env: c.env, cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const finish = (code: number | null, timedOut: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ lines, code, stderr: stderr.slice(-4000), timedOut, totalMs: performance.now() - started });
      };
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(null, true);
      }, opts.timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        const at = performance.now() - started;
        pending += d.toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) !== -1) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line.startsWith('{')) continue;
          try {
            lines.push({ atMs: at, event: JSON.parse(line) as CodexLine['event'] });
          } catch {
            // Not an event line.
          }
        }
      });
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', (err) => {
        stderr += err.message;
        finish(null, false);
      });
      child.on('close', (code) => finish(code, false));
    });
  } finally {
    await fs.rm(workdir, { recursive: true, force: true }).catch(() => {});
  }
}
