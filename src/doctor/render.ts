/** Doctor's two outputs: grouped text for people, one JSON object for scripts. */
import { visibleLength, wrapText } from '../ui/wrap.js';
import { terminalSafe } from '../ui/safe-text.js';
import type { Check, Group } from './checks.js';

const GROUPS: Array<[Group, string]> = [
  ['codex', 'Codex'],
  ['configuration', 'Configuration'],
  ['key', 'Key'],
  ['gateway', 'Gateway'],
];

export interface Symbols {
  pass: string;
  warn: string;
  fail: string;
  skip: string;
}

export const PLAIN: Symbols = { pass: '[ok]', warn: '[warn]', fail: '[fail]', skip: '[skip]' };

export function doctorOk(checks: readonly Check[]): boolean {
  return !checks.some((c) => c.status === 'fail');
}

/**
 * With `width` (a terminal's), a long line wraps at word boundaries and continues under its own
 * text, not under the symbol: unwrapped, the terminal breaks it mid-word at column 0.
 */
export function renderText(checks: readonly Check[], sym: Symbols = PLAIN, heading: (s: string) => string = (s) => s, width?: number): string {
  const lines: string[] = [];
  const item = (symbol: string, text: string) => {
    const line = `  ${symbol} ${text}`;
    return width ? wrapText(line, width, ' '.repeat(visibleLength(symbol) + 3)) : line;
  };
  for (const [group, name] of GROUPS) {
    const mine = checks.filter((c) => c.group === group);
    if (!mine.length) continue;
    lines.push(heading(name));
    // Titles and details quote model ids, gateway messages and file contents: made safe before the symbols are added.
    for (const c of mine) lines.push(item(sym[c.status], terminalSafe(`${c.title}${c.status === 'pass' || c.status === 'skip' || !c.detail ? '' : `: ${c.detail.replace(/\.$/, '')}`}`)));
    lines.push('');
  }
  // Failures first: they are what stops Codex; warnings after. Problems with the same fix share
  // one line (no setup and no key are both "run setup"): a checklist says each thing to do once.
  const problems = [...checks.filter((c) => c.status === 'fail'), ...checks.filter((c) => c.status === 'warn')];
  const byFix = new Map<string, Check[]>();
  for (const c of problems) {
    const key = c.fix || `\0${c.id}`;
    byFix.set(key, [...(byFix.get(key) ?? []), c]);
  }
  if (problems.length) {
    lines.push(heading('To fix'));
    for (const same of byFix.values()) lines.push(item(sym[same[0]!.status], terminalSafe(`${same.map((c) => c.title).join('; ')} — ${same[0]!.fix || 'see above'}`)));
    lines.push('');
  }
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const [pass, warn, fail, skip] = [count('pass'), count('warn'), count('fail'), count('skip')];
  lines.push(
    `${fail ? 'Problems found' : 'Everything needed works'}: ${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed${skip ? `, ${skip} skipped` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The documented JSON shape: {"ok", "checks": [{"id", "status", "title", "detail", "fix", "cause"?}]}. */
export function renderJson(checks: readonly Check[]): string {
  return `${JSON.stringify(
    {
      ok: doctorOk(checks),
      checks: checks.map((c) => ({ id: c.id, status: c.status, title: c.title, detail: c.detail, fix: c.fix, ...(c.cause ? { cause: c.cause } : {}) })),
    },
    null,
    2,
  )}\n`;
}
