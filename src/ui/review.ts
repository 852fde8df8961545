/** The review of planned writes that setup, restore and uninstall show: one diff per file, secrets masked. */
import { actionOf, type PlannedWrite } from '../files/transaction.js';
import { unifiedDiff } from './diff.js';
import { maskKey } from '../gateway/key.js';
import { KEY_VAR } from '../gateway/constants.js';
import { tildify } from '../files/paths.js';
import { colorDiff, type Output } from './output.js';

/** A key file's or auth.json's text with every key in it masked. */
export function maskSecrets(text: string): string {
  return text
    .replace(new RegExp(`(${KEY_VAR}[= ]')((?:[^'\\\\]|\\\\.|'\\\\'')*)(')`, 'g'), (_, a: string, v: string, b: string) => `${a}${maskKey(v)}${b}`)
    .replace(/("OPENAI_API_KEY"\s*:\s*")((?:[^"\\]|\\.)*)(")/g, (_, a: string, v: string, b: string) => `${a}${maskKey(v)}${b}`);
}

export function printWrites(writes: readonly PlannedWrite[], out: Output, home: string, redactKey: (t: string) => string = (t) => t): void {
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
    const show = (t: string) => (w.secret ? redactKey(maskSecrets(t)) : t);
    const label = w.path === w.target ? shown : `${shown} -> ${tildify(w.target, home)}`;
    const readOnly = w.existed && (w.mode & 0o200) === 0 ? ` (read-only, mode ${w.mode.toString(8).padStart(4, '0')}: written, and read-only again afterwards)` : '';
    out.line(`${label}: ${action === 'created' ? `new file (mode ${w.mode.toString(8).padStart(4, '0')})` : 'changed'}${readOnly}`);
    out.line(colorDiff(unifiedDiff(show(w.before), show(w.after ?? ''), w.existed ? `a/${shown}` : '/dev/null', `b/${shown}`), out).trimEnd());
  }
}
