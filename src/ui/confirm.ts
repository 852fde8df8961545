import { CliError, EXIT } from '../errors.js';
import type { Io } from './output.js';

/**
 * Asks before a change unless --yes was given. Without a terminal there is no one to ask, so
 * the command stops at once (exit 2) instead of waiting, naming --yes.
 */
export async function confirmOrYes(yes: boolean | undefined, io: Io, question: string): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new CliError('No terminal to confirm in, and --yes was not given.', EXIT.usage, 'Run it again with --yes to go ahead; nothing was changed.');
  }
  const { makePrompts } = await import('./prompts.js');
  if (!(await makePrompts(io).confirm(question))) throw new CliError('Nothing was changed.', EXIT.cancelled);
}
