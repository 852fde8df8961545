/**
 * What a run leaves only while it runs (a child process group, a throwaway directory) is cleaned
 * up even when the process ends first: a Ctrl-C handler calls process.exit, which skips every
 * pending `finally`, but 'exit' listeners still run (synchronously).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pending = new Set<() => void>();
let listening = false;

/** Runs `cleanup` if the process exits before the returned function is called. */
export function untilExit(cleanup: () => void): () => void {
  if (!listening) {
    listening = true;
    process.on('exit', () => {
      for (const c of pending) {
        try {
          c();
        } catch {
          // Best effort: the process is going anyway.
        }
      }
    });
  }
  pending.add(cleanup);
  return () => void pending.delete(cleanup);
}

/** A private temporary directory, removed by `remove()` or, failing that, when the process exits. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const forget = untilExit(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove: () => {
      forget();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
