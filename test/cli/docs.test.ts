/**
 * The README is a front page; the reference lives in docs/. Nothing may fall out of it: every
 * doctor check id, every cause a check can report, and every flag of every command's --help is
 * documented somewhere in docs/ (the ids and causes read from the source, the flags from the built CLI).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NETWORK_CAUSES } from '../../src/gateway/classify.js';
import { ROOT, Sandbox } from '../support/sandbox.js';

const docs = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(join(ROOT, 'docs', f), 'utf8'))
  .join('\n');
const source = (p: string) => readFileSync(join(ROOT, 'src', p), 'utf8');

function checkIds(): string[] {
  const text = source('doctor/checks.ts');
  const ids = new Set<string>();
  for (const m of text.matchAll(/checkOf\('\w+', '([a-z:-]+)'\)/g)) ids.add(m[1]!);
  for (const m of text.matchAll(/check\('\w+', '([a-z-]+)'/g)) ids.add(m[1]!);
  for (const m of text.matchAll(/\bc\(\s*'([a-z-]+)',\s*'(?:pass|warn|fail|skip)'/g)) ids.add(m[1]!);
  for (const m of text.matchAll(/`([a-z]+-[a-z-]+):\$\{/g)) ids.add(`${m[1]}:`);
  return [...ids].sort();
}

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
    const ids = checkIds();
    expect(ids.length).toBeGreaterThan(20);
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
