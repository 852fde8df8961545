/**
 * The model catalog this tool writes for Codex (`model_catalog_json`), so that Codex's own
 * `/model` picker lists the gateway's models. Pure: the inputs come from the installed Codex
 * and the gateway (see introspect.ts).
 *
 * Each entry is what the installed Codex would use for that model without a catalog, which for
 * every gateway model is Codex's fallback metadata (none of them is in Codex's bundled catalog),
 * with only the picker's fields (name, description, order, visibility) and the context window
 * filled in. So the instructions and tools Codex sends do not change: the request body for
 * gpt-5.4 with and without the catalog is compared in test/real.
 */
import { modelInfo, MODEL_IDS } from '../gateway/models.js';

/**
 * Codex's fallback metadata for a model it knows nothing about (`model_info_from_slug`): the
 * values the real Codex 0.171 sends requests with, verified by the request-body test.
 */
const FALLBACK: Readonly<Record<string, unknown>> = {
  default_reasoning_level: null,
  supported_reasoning_levels: [],
  shell_type: 'unified_exec',
  supported_in_api: true,
  additional_speed_tiers: [],
  service_tiers: [],
  default_service_tier: null,
  available_access_programs: null,
  availability_nux: null,
  upgrade: null,
  model_messages: null,
  include_skills_usage_instructions: false,
  include_plugin_usage_instructions: false,
  include_apps_usage_instructions: false,
  supports_reasoning_summary_parameter: true,
  supports_encrypted_reasoning: true,
  default_reasoning_summary: 'auto',
  support_verbosity: false,
  default_verbosity: null,
  apply_patch_tool_type: null,
  web_search_tool_type: 'text',
  truncation_policy: { mode: 'bytes', limit: 10_000 },
  supports_image_detail_original: false,
  context_window: 272_000,
  max_context_window: 272_000,
  auto_compact_token_limit: null,
  comp_hash: null,
  effective_context_window_percent: 95,
  experimental_supported_tools: [],
  input_modalities: ['text', 'image'],
  supports_search_tool: false,
  supports_experimental_context: false,
  use_responses_lite: false,
  supports_reasoning_effort_updates: false,
  guardian: null,
  node_repl_auto_review_required: false,
  node_repl_disabled: false,
  auto_review_model_override: null,
  model_specialty: null,
  tool_mode: null,
  multi_agent_version: null,
  multi_agent_reasoning_effort: null,
};

/** Fields every entry must have whatever the bundled catalog shows (Codex 0.171 refuses an entry without them). */
const REQUIRED = ['slug', 'display_name', 'supported_reasoning_levels', 'shell_type', 'visibility', 'supported_in_api', 'priority', 'support_verbosity', 'truncation_policy', 'experimental_supported_tools', 'base_instructions'];

export interface CatalogInputs {
  /** The models the gateway serves (its live list, or the built-in table when it could not be asked). */
  served: readonly string[];
  /** The installed Codex's own catalog entries (`codex debug models --bundled`): the fields this version knows. */
  bundled: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The instructions the installed Codex gives a model it has no metadata for. */
  instructions: string;
  /** `served` is the gateway page's table, because the gateway was not asked or did not answer. */
  fromPage?: boolean;
}

export interface Catalog {
  text: string;
  /** The models listed, in the picker's order. */
  slugs: string[];
  /** Listed from the gateway page's table, not from the gateway's own answer. */
  fromPage?: boolean;
}

/** Known models first, in the gateway page's order, then the others the gateway serves, in its order. */
export function pickerOrder(served: readonly string[]): string[] {
  const set = new Set(served);
  const known = MODEL_IDS.filter((id) => set.delete(id));
  return [...known, ...set];
}

export function catalogEntry(slug: string, priority: number, inp: CatalogInputs, known: ReadonlySet<string>): Record<string, unknown> {
  const info = modelInfo(slug);
  const own: Record<string, unknown> = {
    slug,
    display_name: slug,
    description: info ? `${info.what}; ${info.bestFor}` : 'served by the Lightweight gateway',
    visibility: 'list',
    priority,
    base_instructions: inp.instructions,
    ...(info ? { context_window: info.contextTokens, max_context_window: info.contextTokens } : {}),
  };
  const entry: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...FALLBACK, ...own })) {
    // A field this Codex does not know could make it refuse the whole file: leave it out.
    if (known.has(k) || REQUIRED.includes(k)) entry[k] = v;
  }
  return entry;
}

export function buildCatalog(inp: CatalogInputs): Catalog {
  const known = new Set(inp.bundled.flatMap((e) => Object.keys(e)));
  const slugs = pickerOrder(inp.served);
  const models = slugs.map((slug, i) => catalogEntry(slug, i + 1, inp, known));
  return { text: `${JSON.stringify({ models }, null, 2)}\n`, slugs, ...(inp.fromPage ? { fromPage: true } : {}) };
}

/** The slugs a catalog file lists, or undefined when it is not a catalog. */
export function catalogSlugs(text: string): string[] | undefined {
  try {
    const models = (JSON.parse(text) as { models?: unknown }).models;
    if (!Array.isArray(models)) return undefined;
    const slugs = models.map((m) => (typeof m === 'object' && m !== null ? (m as { slug?: unknown }).slug : undefined));
    return slugs.every((s): s is string => typeof s === 'string') ? slugs : undefined;
  } catch {
    return undefined;
  }
}
