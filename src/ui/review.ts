/** The review of planned writes that setup, restore and uninstall show: one diff per file, secrets masked. */
import { actionOf, isReadOnly, type PlannedWrite, type WriteAction } from '../files/transaction.js';
import { unifiedDiff } from './diff.js';
import { maskFile } from './secrets.js';
import { octalMode } from '../files/io.js';
import { tildify } from '../files/paths.js';
import type { Output } from './output.js';
import { truncate } from './wrap.js';

/** One line per file: what happens to it, and how much. */
/** What happened to a file, as the first word of a line that reports it. */
export const WRITE_VERB: Record<WriteAction, string> = { created: 'Created', updated: 'Updated', unchanged: 'Unchanged', removed: 'Removed' };

export function summaryLine(w: PlannedWrite, home: string): string {
  const shown = tildify(w.path, home);
  const action = actionOf(w);
  if (action === 'unchanged') return `  ${shown}: unchanged`;
  if (action === 'removed') return `- ${shown}: removed`;
  if (w.internal) return `${action === 'created' ? '+' : '~'} ${shown}: the tool's own record`;
  if (w.summary) return `${action === 'created' ? '+' : '~'} ${shown}: ${w.summary}`;
  const diff = unifiedDiff(w.before, w.after ?? '', 'a', 'b').split('\n');
  const added = diff.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
  const removed = diff.filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
  const readOnly = isReadOnly(w) ? ', read-only: made read-only again' : '';
  return `${action === 'created' ? '+' : '~'} ${shown}: ${action === 'created' ? 'new file' : 'changed'} (+${added} -${removed}${readOnly})`;
}

/** The full review as plain lines (diffs included), to measure it against the terminal. */
function reviewLines(writes: readonly PlannedWrite[], home: string, redactKey: (t: string) => string): string[] {
  const lines: string[] = [];
  for (const w of writes) {
    const action = actionOf(w);
    if (action === 'unchanged' || action === 'removed' || w.internal || w.summary) {
      lines.push(summaryLine(w, home).replace(/^[+~-] |^ {2}/, ''));
      continue;
    }
    const shown = tildify(w.path, home);
    const show = (t: string) => maskFile(w.target, redactKey(t), w.secret);
    lines.push('', summaryLine(w, home).replace(/^[+~-] /, ''));
    lines.push(...unifiedDiff(show(w.before), show(w.after ?? ''), w.existed ? `a/${shown}` : '/dev/null', `b/${shown}`).trimEnd().split('\n').slice(2));
  }
  return lines;
}

/**
 * Prints the planned writes. With `fit` (the wizard's review in a terminal), a review that would
 * scroll away is summarised, one line per file, with the command that shows every line; a review
 * that fits keeps its diffs, each line cut to the terminal's width rather than wrapped mid-word.
 */
export function printWrites(writes: readonly PlannedWrite[], out: Output, home: string, redactKey: (t: string) => string = (t) => t, fit?: { fullDiff: string; budget: number }): void {
  if (fit && out.size) {
    const lines = reviewLines(writes, home, redactKey);
    if (lines.length <= fit.budget) {
      for (const l of lines) out.diff(l, out.size.columns - 1);
      return;
    }
    for (const w of writes) out.raw(truncate(`  ${summaryLine(w, home)}`, out.size.columns - 1));
    out.line('Every line of every change, without writing anything:');
    out.raw(`    ${fit.fullDiff}`);
    return;
  }
  for (const w of writes) {
    const shown = tildify(w.path, home);
    const action = actionOf(w);
    if (action === 'unchanged') {
      out.line(`${shown}: unchanged`);
      continue;
    }
    out.line();
    if (action === 'removed') {
      out.line(`${shown}: removed`);
      continue;
    }
    if (w.internal) {
      out.line(`${shown}: ${action} (the tool's own record, for doctor and uninstall)`);
      continue;
    }
    if (w.summary) {
      out.line(`${shown}: ${action === 'created' ? 'new file' : 'changed'}: ${w.summary}`);
      continue;
    }
    // Any file may hold a secret: a key pasted into an rc file, a token in config.toml, auth.json.
    const show = (t: string) => maskFile(w.target, redactKey(t), w.secret);
    const label = w.path === w.target ? shown : `${shown} -> ${tildify(w.target, home)}`;
    const readOnly = isReadOnly(w) ? ` (read-only, mode ${octalMode(w.mode)}: written, and read-only again afterwards)` : '';
    out.line(`${label}: ${action === 'created' ? `new file (mode ${octalMode(w.mode)})` : 'changed'}${readOnly}`);
    out.diff(unifiedDiff(show(w.before), show(w.after ?? ''), w.existed ? `a/${shown}` : '/dev/null', `b/${shown}`).trimEnd());
  }
}
