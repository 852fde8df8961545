import { CliError } from '../errors.js';

export interface ModelInfo {
  id: string;
  /** As the gateway's page writes it (400K, 1M). */
  context: string;
  /** The same in tokens, for Codex's model catalog. */
  contextTokens: number;
  what: string;
  bestFor: string;
}

/** The models the gateway's Codex page lists, in its order; the first is the default. */
export const MODELS: readonly ModelInfo[] = [
  { id: 'gpt-5.4', context: '400K', contextTokens: 400_000, what: 'latest GPT, reasoning + vision', bestFor: 'general coding (default)' },
  { id: 'gpt-5.4-mini', context: '400K', contextTokens: 400_000, what: 'smaller, faster GPT', bestFor: 'quick edits, simple tasks' },
  { id: 'gpt-5.3-codex', context: '400K', contextTokens: 400_000, what: 'code-specialised, 128K output', bestFor: 'large refactors, code generation' },
  { id: 'o3', context: '200K', contextTokens: 200_000, what: 'reasoning, chain of thought', bestFor: 'complex problem solving' },
  { id: 'o4-mini', context: '200K', contextTokens: 200_000, what: 'compact reasoning', bestFor: 'balanced reasoning and speed' },
  { id: 'claude-opus-4.6', context: '1M', contextTokens: 1_000_000, what: 'large context, nuanced reasoning', bestFor: 'long-context work' },
  { id: 'claude-sonnet-4.6', context: '1M', contextTokens: 1_000_000, what: 'fast, efficient', bestFor: 'quick responses' },
];

/** The page's model ids, in its order: what stands in for the gateway's list when it cannot be asked. */
export const MODEL_IDS: readonly string[] = MODELS.map((m) => m.id);

export const DEFAULT_MODEL = 'gpt-5.4';

/** Names the gateway resolves to a canonical model. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  codex: 'gpt-5.3-codex',
  'gpt-codex': 'gpt-5.3-codex',
  'gpt5.4': 'gpt-5.4',
};

/** The canonical id for a model name or alias, or undefined when the gateway would answer 404. */
export function canonicalModel(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  if (MODELS.some((m) => m.id === n)) return n;
  return MODEL_ALIASES[n];
}

export function modelInfo(id: string): ModelInfo | undefined {
  return MODELS.find((m) => m.id === id);
}

/** Like canonicalModel, but a name that matches nothing is a usage error with the closest names. */
export function normalizeModel(name: string): string {
  const id = canonicalModel(name);
  if (id) return id;
  const close = closestNames(name, [...MODEL_IDS, ...Object.keys(MODEL_ALIASES)]);
  throw new CliError(
    `Unknown model "${name}".`,
    2,
    close.length
      ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}? Models: ${MODEL_IDS.join(', ')}.`
      : `Models: ${MODEL_IDS.join(', ')} (aliases: ${Object.keys(MODEL_ALIASES).join(', ')}).`,
  );
}

/** Up to `max` candidates nearest to `name` by edit distance, nearest first, within a sane distance. */
export function closestNames(name: string, candidates: readonly string[], max = 3): string[] {
  const n = name.trim().toLowerCase();
  const scored = candidates
    .map((c) => ({ c, d: editDistance(n, c.toLowerCase()), prefix: c.toLowerCase().startsWith(n) || n.startsWith(c.toLowerCase()) }))
    .filter(({ c, d, prefix }) => prefix || d <= Math.max(2, Math.floor(c.length / 3)));
  scored.sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
  return [...new Set(scored.map((s) => s.c))].slice(0, max);
}

/** Levenshtein distance; names are short, so the quadratic table is fine. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * A model id as a gateway may name one and this tool will repeat it (in a list, a catalog Codex
 * reads, a command the user is told to run): letters, digits and `. _ - : / @ +`, at most 128
 * characters. Anything else (spaces, quotes, semicolons, line feeds, escape sequences) comes from a
 * gateway that is broken or hostile, and is left out, counted.
 */
export function usableModelId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/.test(id);
}

/** The most models this tool lists or writes into Codex's catalog: a gateway serving more is summarised. */
export const MAX_MODELS = 100;

/** What the gateway serves, as far as it can be used: usable ids, each once, at most MAX_MODELS; and what was left out. */
export function servedModels(ids: readonly string[]): { models: string[]; unusable: number; beyondLimit: number } {
  const usable = [...new Set(ids.filter(usableModelId))];
  return { models: usable.slice(0, MAX_MODELS), unusable: ids.filter((id) => !usableModelId(id)).length, beyondLimit: Math.max(0, usable.length - MAX_MODELS) };
}
