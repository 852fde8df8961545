/**
 * Ctrl-C while a command waits on something slow (the gateway, a Codex it started): the command
 * ends with 130 and says where things stand, instead of dying by the signal. Dying would skip the
 * clean-up that runs at exit (Codex's process group stopped, throwaway directories removed).
 * Waits nest (the gateway check inside setup's planning): the innermost one says what was cancelled.
 */
import type { Output } from '../ui/output.js';

const waits: Array<() => void> = [];
const onSigint = () => waits.at(-1)?.();

export async function cancellable<T>(out: Output, said: string, work: () => Promise<T>, before: () => void = () => undefined): Promise<T> {
  const handler = () => {
    before();
    out.notice(said);
    process.exit(130);
  };
  if (!waits.length) process.on('SIGINT', onSigint);
  waits.push(handler);
  try {
    return await work();
  } finally {
    waits.splice(waits.lastIndexOf(handler), 1);
    if (!waits.length) process.off('SIGINT', onSigint);
  }
}
