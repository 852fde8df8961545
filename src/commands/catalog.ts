/**
 * Building Codex's model catalog from the installed Codex and the gateway's model list, for
 * setup and `models --sync`: introspect Codex, build the file, and have Codex load it before
 * anything is written (a catalog Codex cannot parse stops Codex from starting).
 */
import { buildCatalog, type Catalog } from '../codex/catalog.js';
import { bundledCatalog, fallbackInstructions, validateCatalog } from '../codex/introspect.js';

export interface CatalogSupport {
  bundled?: Array<Record<string, unknown>>;
  instructions?: string;
}

/** What the installed Codex says a catalog must hold; both parts run side by side. */
export async function introspectCodex(codex: string, env: NodeJS.ProcessEnv): Promise<CatalogSupport> {
  const bundled = await bundledCatalog(codex, env);
  // A Codex without `debug models` has no catalog support: no need to run it again.
  if (!bundled) return {};
  const instructions = await fallbackInstructions(codex, env);
  return { bundled, ...(instructions ? { instructions } : {}) };
}

export type CatalogOutcome = { catalog: Catalog; problem?: undefined } | { catalog?: undefined; problem: string };

export async function makeCatalog(codex: string, env: NodeJS.ProcessEnv, support: CatalogSupport, served: readonly string[], fromPage = false): Promise<CatalogOutcome> {
  if (!support.bundled) return { problem: 'this Codex has no model catalog support (`codex debug models`), so /model keeps its own list' };
  if (!support.instructions) return { problem: 'Codex did not show the instructions it gives a model without metadata, so no catalog was built' };
  if (served.length === 0) return { problem: 'the gateway lists no models' };
  const catalog = buildCatalog({ served, bundled: support.bundled, instructions: support.instructions, fromPage });
  const check = await validateCatalog(codex, env, catalog);
  if (!check.ok) return { problem: `the installed Codex does not load the catalog built for it (${check.error.replace(/`[^`]*catalog\.json`/, 'the catalog')})` };
  return { catalog };
}
