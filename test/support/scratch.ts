/**
 * Temporary folders the tests make, removed when their test file ends (test/support/isolate.ts
 * registers that). A full run makes about a thousand homes, a few of them holding the 430 MB
 * package Codex installs for its background server: left behind, repeated runs fill the disk.
 * LW_KEEP_TMP=1 keeps them, to look at after a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new folder under the system's temporary folder, named `<prefix>XXXXXX`. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeScratch(): void {
  if (process.env.LW_KEEP_TMP === '1') return;
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder a test made unreadable for another account's sake: left for the OS to clear.
    }
  }
}
