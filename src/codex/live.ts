/**
 * `doctor --live` through Codex itself: `codex exec` with the user's own config and environment,
 * so the request goes out exactly as Codex sends it (its TLS, proxy and key source), but in a
 * throwaway working directory, read-only, without session files (--ephemeral) and without
 * starting the user's MCP servers. Its JSONL events are timed as they arrive.
 */
import { scratchDir } from '../files/at-exit.js';
import { LIVE_PROMPT, type CodexLine, type CodexRun } from '../gateway/live.js';
import { PROVIDER_ID } from '../gateway/constants.js';
import { codexCommand, run } from './binary.js';

/**
 * What keeps the probe a probe (each verified in the request body of Codex 0.171):
 * - no tool a gateway could call: a hostile gateway that answers with a function call would
 *   otherwise have Codex run it (read-only still reads files, such as the key file) and send the
 *   output back. With these off, Codex answers "unsupported call" and runs nothing;
 * - no project docs (AGENTS.md) and no skills from parent folders: the probe's throwaway folder
 *   sits in a shared temporary directory, where another user can plant a `.git` and an AGENTS.md.
 */
export const PROBE_ONLY = [
  '-c', 'features.unified_exec=false',
  '-c', 'features.shell_tool=false',
  '-c', 'features.view_image=false',
  '-c', 'features.multi_agent=false',
  '-c', 'features.goals=false',
  '-c', 'features.apps=false',
  '-c', 'features.plugins=false',
  '-c', 'web_search="disabled"',
  '-c', 'project_doc_max_bytes=0',
  '-c', 'project_root_markers=[]',
];

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
/** MCP servers whose names `-c` cannot address, so that they cannot be turned off for one run. */
export function unstoppableServers(names: readonly string[]): string[] {
  return names.filter((n) => !BARE.test(n));
}

export function codexLiveArgs(workdir: string, opts: { mcpServers: readonly string[]; providerTable: boolean }): CodexLivePlan {
  const unstoppable = unstoppableServers(opts.mcpServers);
  const args = ['exec', '--ephemeral', '--skip-git-repo-check', '--sandbox', 'read-only', '-C', workdir, '--json', '--color', 'never'];
  for (const name of opts.mcpServers.filter((n) => BARE.test(n))) args.push('-c', `mcp_servers.${name}.enabled=false`);
  if (opts.providerTable) args.push('-c', `model_providers.${PROVIDER_ID}.request_max_retries=0`, '-c', `model_providers.${PROVIDER_ID}.stream_max_retries=0`);
  // Without this, a connection that fails is retried for ever ("Reconnecting... waiting for
  // network", Codex 0.171), whatever the retry counts say: the run would end only at the timeout.
  args.push('-c', 'features.unbounded_connection_retries=false');
  args.push(...PROBE_ONLY);
  args.push(LIVE_PROMPT);
  return { args, unstoppable };
}

/** Runs `codex exec --json` (stdin closed), timing each event line as it arrives; `run` kills it with its process group at the deadline. */
export async function runCodexLive(codex: string, env: NodeJS.ProcessEnv, opts: { mcpServers: readonly string[]; providerTable: boolean; timeoutMs: number }): Promise<CodexRun> {
  const scratch = scratchDir('lightweight-live-');
  const workdir = scratch.dir;
  // Codex runs in its own process group, so a Ctrl-C reaches only this process, whose default
  // would end it at once: exiting instead lets run() stop Codex and the scratch directory go.
  const interrupted = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { args } = codexLiveArgs(workdir, opts);
    const c = codexCommand(codex, env);
    const started = performance.now();
    const lines: CodexLine[] = [];
    let pending = '';
    const r = await run(c.file, args, {
      env: c.env,
      cwd: workdir,
      timeoutMs: opts.timeoutMs,
      onStdout: (chunk) => {
        const at = performance.now() - started;
        pending += chunk;
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
      },
    });
    return { lines, code: r.code, stderr: r.stderr.slice(-4000), timedOut: r.timedOut, totalMs: performance.now() - started };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    scratch.remove();
  }
}
