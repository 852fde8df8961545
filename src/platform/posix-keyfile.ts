/**
 * The private files that hold the key (mode 0600): one for sh-like shells, one for fish.
 * Values are single-quoted; with the key limited to printable ASCII this makes any key
 * inert when the file is sourced.
 */
import { KEY_VAR } from './common.js';

const HEADER = ['# Lightweight API key for the Codex CLI, written by lightweight-setup.', '# Private (0600): never commit it. `npx lightweight-setup uninstall` removes it.'];

export function shSingleQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish's single quotes treat only \\ and \' specially. */
export function fishSingleQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export function renderPosixKeyFile(key: string): string {
  return [...HEADER, `export ${KEY_VAR}=${shSingleQuote(key)}`, ''].join('\n');
}

export function renderFishKeyFile(key: string): string {
  return [...HEADER, `set -gx ${KEY_VAR} ${fishSingleQuote(key)}`, ''].join('\n');
}

/** The key a key file holds, read back without running a shell (for doctor and reruns). */
export function readKeyFromPosixFile(text: string): string | undefined {
  const m = new RegExp(`^export ${KEY_VAR}='((?:[^']|'\\\\'')*)'$`, 'm').exec(text);
  return m ? m[1]!.replace(/'\\''/g, "'") : undefined;
}
