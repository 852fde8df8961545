/**
 * Property tests: generated Codex configs and rc files, put through random sequences of setup,
 * environment switches and uninstall. Seeded and reproducible: FC_SEED picks the seed, FC_RUNS
 * the number of cases (CI runs the default; `npm run fuzz` runs many more).
 */
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { CATALOG_FILE, planBaseUrlSwitch, planCodexConfig, planUninstallConfig, refusedSettings, type ConfigWant, type KeySource } from '../../src/codex/config.js';
import { scanToml } from '../../src/toml/scan.js';
import { GATEWAY_URLS } from '../../src/gateway/constants.js';
import { MODELS } from '../../src/gateway/models.js';
import { findBlocks, removeBlocks, renderBlock, upsertBlock } from '../../src/shell/rc.js';

const AUTH = { command: '/bin/sh', args: ['-c', 'f="$HOME/.config/lightweight/env"; . "$f"; printf %s "$LIGHTWEIGHT_API_KEY"'] };
const SEED = Number(process.env.FC_SEED ?? 20261127);
const RUNS = Number(process.env.FC_RUNS ?? 1500);
const params = { seed: SEED, numRuns: RUNS };
/** Many runs take long; the time limit scales with them instead of failing a big fuzz run. */
const timeout = Math.max(30_000, RUNS * 20);

/* ---------- generated TOML ---------- */

const decoys = ['model = "o3"', '[model_providers.lightweight]', 'model_provider = "lightweight"', 'openai_base_url = "https://x/v1"', 'base_url = "http://evil/v1"'];
const text = fc.oneof(fc.constantFrom(...decoys, '# not a comment', 'plain words', 'é ü 中文 🙂', 'tab\there'), fc.string({ maxLength: 12 }).filter((s) => !/[\u0000-\u001f\u007f"'\\]/.test(s)));
const basic = text.map((t) => `"${t.replace(/\t/g, '\\t')}"`);
const literal = text.filter((t) => !/[\t']/.test(t)).map((t) => `'${t}'`);
const mlBasic = fc.array(fc.constantFrom(...decoys, '', 'line with "quotes"', '[[hooks]]'), { minLength: 1, maxLength: 4 }).map((ls) => `"""\n${ls.join('\n')}\n"""`);
const mlLiteral = fc.array(fc.constantFrom(...decoys, '', "no ''' here", '[tui]'), { minLength: 1, maxLength: 3 }).map((ls) => `'''\n${ls.join('\n').replace(/'''/g, '')}\n'''`);
const scalar = fc.oneof(fc.integer({ min: -99999, max: 99999 }).map(String), fc.constantFrom('true', 'false', '3.14', '-0.5e3', 'inf', '1979-05-27', '1979-05-27T07:32:00Z', '07:32:00', '0xff', '1_000'));
const simpleValue = fc.oneof(basic, literal, scalar);
const array = fc.array(simpleValue, { maxLength: 3 }).chain((items) =>
  fc.boolean().map((multi) => (multi ? `[\n  ${items.join(',\n  # c\n  ')}${items.length ? ',' : ''}\n]` : `[${items.join(', ')}]`)),
);
const inline = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', '"k y"', 'X-Y'), { maxLength: 3 }).chain((keys) =>
  fc.tuple(...keys.map(() => simpleValue)).map((vals) => (keys.length ? `{ ${keys.map((k, i) => `${k} = ${vals[i]}`).join(', ')} }` : '{}')),
);
const value = fc.oneof({ weight: 4, arbitrary: simpleValue }, { weight: 1, arbitrary: mlBasic }, { weight: 1, arbitrary: mlLiteral }, { weight: 1, arbitrary: array }, { weight: 1, arbitrary: inline });
const comment = text.map((t) => `# ${t}`);
const trailing = fc.option(comment, { nil: undefined }).map((c) => (c ? ` ${c}` : ''));

/** Key/value lines and comment or blank lines, with unique keys (bare, quoted, unicode, dotted). */
function body(keyPool: string[]) {
  return fc.uniqueArray(fc.constantFrom(...keyPool), { maxLength: 4 }).chain((keys) =>
    fc.tuple(...keys.map(() => fc.tuple(value, trailing, fc.array(fc.oneof(comment, fc.constant('')), { maxLength: 2 })))).map((items) =>
      items.flatMap(([v, t, extra], i) => [...extra, `${keys[i]} = ${v}${t}`]),
    ),
  );
}

const ROOT_KEYS = ['approval_policy', 'sandbox_mode', 'notify', '"ключ"', '"clé spéciale"', 'x_1', 'Setting-2', 'dotted.one', 'dotted.two'];
const TABLE_KEYS = ['command', 'args', 'enabled', 'name', 'trust_level', '"unicode ü"', 'env.TOKEN'];
const HEADERS = ['[tui]', '[mcp_servers.docs]', '[projects."/home/me/my app"]', '[model_providers.ollama2]', '[profiles.work]', '["ключ-таблица"]', '[features]', '[shell.env]', '[shell]'];

export interface UserConfig {
  text: string;
  eol: '\n' | '\r\n';
}

const userConfig: fc.Arbitrary<UserConfig> = fc
  .record({
    ownModel: fc.option(fc.constantFrom("model = 'o3'", 'model = "gpt-4.1" # mine', 'model="codex-mini"'), { nil: undefined }),
    ownProvider: fc.boolean(),
    lead: fc.array(fc.oneof(comment, fc.constant('')), { maxLength: 2 }),
    root: body(ROOT_KEYS),
    tables: fc.uniqueArray(fc.constantFrom(...HEADERS), { maxLength: 4 }).chain((hs) => fc.tuple(...hs.map((h) => fc.tuple(fc.constant(h), trailing, body(TABLE_KEYS))))),
    hooks: fc.array(body(['cmd', 'when']), { maxLength: 2 }),
    eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
    finalNewline: fc.boolean(),
  })
  .map((c) => {
    const lines = [...c.lead];
    if (c.ownModel) lines.push(c.ownModel);
    if (c.ownProvider) lines.push('model_provider = "ollama2" # my local models');
    lines.push(...c.root);
    const tables = c.tables.filter(([h]) => !(c.ownProvider && h === '[model_providers.ollama2]'));
    if (c.ownProvider) tables.push(['[model_providers.ollama2]', '', ['name = "Ollama"', 'base_url = "http://localhost:11434/v1"']]);
    for (const [h, t, kvs] of tables) lines.push('', `${h}${t}`, ...kvs);
    for (const kvs of c.hooks) lines.push('', '[[hooks]]', ...kvs);
    const joined = lines.join(c.eol);
    return { text: c.finalNewline && joined !== '' ? joined + c.eol : joined, eol: c.eol };
  })
  .filter((c) => {
    try {
      // A config Codex itself refuses (an empty provider name) is refused by setup too; see codex-config.test.
      return refusedSettings(scanToml(c.text), parse(c.text) as Record<string, unknown>, 'c').length === 0;
    } catch {
      return false;
    }
  });

type Op = { kind: 'setup'; want: ConfigWant } | { kind: 'switch' };
const setupOp: fc.Arbitrary<Op> = fc
  .record({
    layout: fc.constantFrom<'model-providers' | 'openai-base-url'>('model-providers', 'openai-base-url'),
    model: fc.constantFrom(...MODELS.map((m) => m.id)),
    baseUrl: fc.constantFrom(GATEWAY_URLS.production, GATEWAY_URLS.preview, 'http://127.0.0.1:8080/v1'),
    keySource: fc.constantFrom<KeySource>('file', 'env'),
    catalog: fc.constantFrom(undefined, CATALOG_FILE),
  })
  .map(({ catalog, ...w }) => ({
    kind: 'setup',
    want: { ...w, envKeyInstructions: 'Open a new terminal.', authCommand: AUTH, ...(catalog ? { catalog } : {}) },
  }));
const ops = fc.tuple(setupOp, fc.array(fc.oneof(setupOp, fc.constant<Op>({ kind: 'switch' })), { maxLength: 3 }));

const linesOf = (t: string) => t.split('\n').map((l) => l.replace(/\r$/, ''));
/** Lines of the original the tool may change: the top-level model, model_provider and model_catalog_json lines. */
const owned = (line: string) => /^\s*(model|model_provider|model_catalog_json)\s*=/.test(line);

function isSubsequence(needles: string[], haystack: string[]): boolean {
  let i = 0;
  for (const line of haystack) if (i < needles.length && line === needles[i]) i++;
  return i === needles.length;
}

describe('config.toml under random setup, switch and uninstall sequences', () => {
  it('the generator makes valid, varied TOML (sanity)', () => {
    const samples = fc.sample(userConfig, { seed: SEED, numRuns: 200 });
    expect(samples.length).toBe(200);
    expect(samples.some((s) => s.text.includes('\r\n'))).toBe(true);
    expect(samples.some((s) => s.text.includes('"""'))).toBe(true);
    expect(samples.some((s) => s.text.includes('[[hooks]]'))).toBe(true);
  });

  it('keeps every line it does not own, in order; always parses; uninstall gives back the bytes', () => {
    fc.assert(
      fc.property(userConfig, ops, (user, [first, rest]) => {
        const original = user.text;
        const keep = linesOf(original).filter((l) => !owned(l));
        const firstPlan = planCodexConfig(original, 'config.toml', (first as Extract<Op, { kind: 'setup' }>).want);
        const previous = firstPlan.previous;
        const userHadModelProvider = previous.model_provider !== undefined;
        let current = firstPlan.after;
        const check = (t: string) => {
          parse(t);
          expect(isSubsequence(keep, linesOf(t))).toBe(true);
        };
        check(current);
        for (const op of rest) {
          if (op.kind === 'setup') current = planCodexConfig(current, 'config.toml', { ...op.want, userHadModelProvider }).after;
          else {
            // use-preview then use-production from production gives back the identical file.
            const production = planBaseUrlSwitch(current, 'config.toml', GATEWAY_URLS.production);
            const preview = planBaseUrlSwitch(production, 'config.toml', GATEWAY_URLS.preview);
            check(preview);
            expect(planBaseUrlSwitch(preview, 'config.toml', GATEWAY_URLS.production)).toBe(production);
            current = preview;
          }
          check(current);
        }
        expect(planUninstallConfig(current, 'config.toml', previous)).toBe(original);
      }),
      params,
    );
  }, timeout);

  it('running the same setup twice changes nothing the second time', () => {
    fc.assert(
      fc.property(userConfig, setupOp, (user, op) => {
        const want = (op as Extract<Op, { kind: 'setup' }>).want;
        const once = planCodexConfig(user.text, 'c', want).after;
        expect(planCodexConfig(once, 'c', want).after).toBe(once);
      }),
      params,
    );
  }, timeout);
});

/* ---------- generated rc files ---------- */

const rcLine = fc.oneof(
  fc.constantFrom('export PATH="$HOME/bin:$PATH"', 'alias ll="ls -la"', '# comment with $(date) and `id`', '', 'if [ -f ~/.x ]; then . ~/.x; fi', 'export LIGHTWEIGHT_API_KEY_OLD=1'),
  fc.string({ maxLength: 30 }).filter((s) => !/[\r\n]/.test(s) && !s.includes('lightweight-setup')),
);
const rcFile = fc.record({ lines: fc.array(rcLine, { maxLength: 8 }), eol: fc.constantFrom('\n', '\r\n'), finalNewline: fc.boolean() }).map(({ lines, eol, finalNewline }) => {
  const joined = lines.join(eol);
  return { text: finalNewline && joined !== '' ? joined + eol : joined, eol };
});

describe('rc files', () => {
  it('one block however often setup runs, every user line kept in order, and removal gives back the bytes', () => {
    fc.assert(
      fc.property(rcFile, fc.constantFrom('bash', 'fish') as fc.Arbitrary<'bash' | 'fish'>, fc.integer({ min: 1, max: 3 }), (rc, shell, times) => {
        const block = renderBlock(shell, '/home/u/.config/lightweight/env', '/home/u', rc.eol === '\r\n' ? '\r\n' : '\n');
        let text = rc.text;
        for (let i = 0; i < times; i++) text = upsertBlock(text, block, 'rc', true).text;
        expect(findBlocks(text, 'rc')).toHaveLength(1);
        expect(isSubsequence(linesOf(rc.text), linesOf(text))).toBe(true);
        expect(removeBlocks(text, 'rc')).toBe(rc.text);
      }),
      params,
    );
  }, timeout);
});
