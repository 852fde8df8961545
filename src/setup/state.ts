/**
 * What setup did, kept beside the key file so that doctor, switches and uninstall know
 * which rc files carry the block and what the config held before the first setup.
 */
import type { Layout } from '../gateway/constants.js';
import type { PreviousTopLevel } from '../codex/config.js';

export interface SetupState {
  version: 1;
  layout: Layout;
  codexHome: string;
  /** Every rc file that received the block, across runs (a user may switch shells). */
  rcFiles: string[];
  /** model / model_provider before the first setup, for uninstall. */
  previous: PreviousTopLevel;
}

export function parseState(text: string | undefined): SetupState | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as SetupState;
    return s.version === 1 && Array.isArray(s.rcFiles) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function renderState(s: SetupState): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}
