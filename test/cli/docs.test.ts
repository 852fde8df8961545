/**
 * The README is a front page; the reference lives in docs/. Nothing may fall out of it: every
 * doctor check id, every cause a check can report, and every flag of every command's --help is
 * documented somewhere in docs/ (the ids from doctor's typed list, which no check can bypass; the
 * causes from their types; the flags from the built CLI).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/doctor/checks.js';
import { NETWORK_CAUSES } from '../../src/gateway/classify.js';
import { ROOT, Sandbox } from '../support/sandbox.js';

const docs = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(join(ROOT, 'docs', f), 'utf8'))
  .join('\n');
const source = (p: string) => readFileSync(join(ROOT, 'src', p), 'utf8');

function causes(): string[] {
  const out = new Set<string>(NETWORK_CAUSES);
  for (const [file, type] of [['gateway/classify.ts', 'Cause'], ['gateway/live.ts', 'LiveCause']] as const) {
    const text = source(file);
    const decl = new RegExp(`export type ${type} =([\\s\\S]*?);`).exec(text)![1]!;
    for (const m of decl.matchAll(/'([a-z-]+)'/g)) out.add(m[1]!);
  }
  return [...out].sort();
}

describe('docs/ documents everything the tool can say or take', () => {
  it('every doctor check id', () => {
    const ids = [...CHECK_IDS];
    expect(ids).toEqual(expect.arrayContaining(['profile', 'config-layers', 'codex-refuses:']));
    expect(ids.filter((id) => !docs.includes(`\`${id}`))).toEqual([]);
  });

  it('every cause of the gateway check and of doctor --live', () => {
    const all = causes();
    expect(all).toEqual(expect.arrayContaining(['proxy-auth', 'proxy-forbidden', 'tls', 'ca-file', 'no-responses-api', 'other-model']));
    expect(all.filter((c) => !docs.includes(`\`${c}\``))).toEqual([]);
  });

  it("every flag in every command's --help", async () => {
    const sb = new Sandbox();
    const top = await sb.run(['--help']);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+) \[options\]/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['setup', 'doctor', 'models', 'use-preview', 'use-production', 'restore', 'uninstall', 'status']));
    const missing: string[] = [];
    for (const c of commands) {
      const help = (await sb.run(['help', c])).stdout;
      for (const m of help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)) if (m[1] !== '--help' && !docs.includes(`\`${m[1]}`)) missing.push(`${c} ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});

/**
 * docs/security.md promises each attack row "names the test that plays the attack". A row whose test
 * was renamed, moved or deleted would still read as proven; this keeps every reference live.
 */
describe("docs/security.md: every attack row names a test that exists", () => {
  const text = readFileSync(join(ROOT, 'docs', 'security.md'), 'utf8');
  const table = text.slice(text.indexOf('| attempt |'));
  const rows = table
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| attempt') && !l.startsWith('|---'))
    .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
  const testFile = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
  const numbered = (rel: string, n: string) => new RegExp(`describe\\((['"\`])${n}\\. `).test(testFile(rel));

  it('the table has its rows', () => {
    expect(rows.length).toBeGreaterThan(20);
  });

  it.each(rows.map((r) => [r[1]!.slice(0, 60), r[3] ?? ''] as const))('%s', (_attempt, ref) => {
    const files = [...ref.matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!);
    // "security 7 and 13": sections of test/cli/security.test.ts; "test/real/security.test.ts 1": that file's section.
    const sections = [...ref.matchAll(/(?<![\w/.`])security ((?:\d+(?: and |, )?)+)/g)].flatMap((m) => m[1]!.split(/ and |, /).filter(Boolean));
    const realSections = [...ref.matchAll(/`(test\/[\w/.-]+\.test\.ts)` (\d+)\b/g)];
    expect(files.length + sections.length, `no test named in "${ref}"`).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(join(ROOT, f)), f).toBe(true);
    for (const n of sections) expect(numbered('test/cli/security.test.ts', n), `security ${n}`).toBe(true);
    for (const [, f, n] of realSections) expect(numbered(f!, n!), `${f} ${n}`).toBe(true);
    // A quoted test name (“…”, with … for words left out) is in one of the files the row names.
    const where = [...files, ...(sections.length || !files.length ? ['test/cli/security.test.ts'] : [])];
    for (const [, quoted] of ref.matchAll(/“([^”]+)”/g)) {
      const parts = quoted!.split('…').map((p) => p.trim());
      expect(where.some((f) => parts.every((p) => testFile(f).includes(p))), `“${quoted}” in ${where.join(', ')}`).toBe(true);
    }
  });
});
