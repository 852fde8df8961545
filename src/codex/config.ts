/**
 * What this tool owns in Codex's config.toml, and the pure planning of a change to it:
 * text in, text out, with the reasons. Nothing here touches the disk.
 */
import { cmd } from '../invocation.js';
import { CliError } from '../errors.js';
import { CATALOG_FILE } from '../files/paths.js';
import { KEY_VAR, PROVIDER_ID, PROVIDER_NAME, WIRE_API, type Layout } from '../gateway/constants.js';
import {
  appendTable,
  applyEdits,
  createSubTable,
  findEntry,
  inlineInsertion,
  removePath,
  removeRootKeys,
  renderInlineTable,
  replaceString,
  renderKeySegment,
  setRootString,
  setTableValue,
  startsWith,
  tableForm,
  type Edit,
  type Fields,
  type Path,
} from '../toml/edit.js';
import { cloneToml, firstDifference, getPath, isTable, parseToml, type TomlTable } from '../toml/parse.js';
import { allEntries, scanToml, type TomlDoc } from '../toml/scan.js';

export const PROVIDER_PATH: Path = ['model_providers', PROVIDER_ID];
/** The top-level keys setup may set or remove; uninstall puts back what they held before. */
export const OWNED_TOP_LEVEL = ['model', 'model_provider', 'openai_base_url', 'model_catalog_json'] as const;
export const AUTH_PATH: Path = [...PROVIDER_PATH, 'auth'];
export { CATALOG_FILE };

/**
 * Where Codex gets the key for the provider table: `file`, an auth command that reads the key
 * file (Codex 0.118+, the default); `env`, the gateway page's `env_key = "LIGHTWEIGHT_API_KEY"`.
 */
export type KeySource = 'file' | 'env';
export const KEY_SOURCES: readonly KeySource[] = ['file', 'env'];

export interface AuthCommandFields {
  command: string;
  args: readonly string[];
}

export interface ConfigWant {
  layout: Layout;
  model: string;
  baseUrl: string;
  /** Provider-table layout only. */
  keySource: KeySource;
  /** The command for keySource `file`. */
  authCommand: AuthCommandFields;
  /** Shown by Codex when LIGHTWEIGHT_API_KEY is missing (keySource `env`). */
  envKeyInstructions: string;
  /** Set model_catalog_json to this; undefined leaves the key as it is. */
  catalog?: string;
  /**
   * The user had a model_provider of their own before the first setup. The base-URL layout
   * then points that line at "openai" instead of deleting it, so uninstall can put the user's
   * value back where it was.
   */
  userHadModelProvider?: boolean;
}

/** Base-URL layout: keep an existing model_provider line (as "openai") rather than delete it? */
function keepModelProviderLine(parsed: TomlTable, want: ConfigWant): boolean {
  const mp = parsed.model_provider;
  return typeof mp === 'string' && (mp !== PROVIDER_ID || Boolean(want.userHadModelProvider));
}

export interface ConfigPlan {
  before: string;
  after: string;
  /** What the user should know about the change (things removed, settings Codex will refuse). */
  notes: string[];
  /** Top-level values this change replaces or removes, so uninstall can put them back. */
  previous: PreviousTopLevel;
}

export interface PreviousTopLevel {
  model?: string;
  model_provider?: string;
  openai_base_url?: string;
  model_catalog_json?: string;
}

/** The provider fields that only the env key source has. */
const ENV_FIELDS = ['env_key', 'env_key_instructions'] as const;

/** The provider table's fields, in the order a new table lists them (the gateway page's, for `env`). */
export function providerFields(want: ConfigWant): Array<[string, string]> {
  return [
    ['name', PROVIDER_NAME],
    ['base_url', want.baseUrl],
    ...(want.keySource === 'env'
      ? ([
          ['env_key', KEY_VAR],
          ['env_key_instructions', want.envKeyInstructions],
        ] as Array<[string, string]>)
      : []),
    ['wire_api', WIRE_API],
  ];
}

export function authFields(cmd: AuthCommandFields): Fields {
  return [
    ['command', cmd.command],
    ['args', cmd.args],
  ];
}

/** Whether an auth table is the one this tool writes (and not a command of the user's own). */
export function isOwnAuth(auth: unknown, cmd: AuthCommandFields): boolean {
  return (
    isTable(auth) &&
    auth.command === cmd.command &&
    Array.isArray(auth.args) &&
    auth.args.length === cmd.args.length &&
    auth.args.every((a, i) => a === cmd.args[i])
  );
}

type Step = (doc: TomlDoc) => Edit[];

/** Applies steps one after another, re-scanning between them so each sees the text as it now is. */
function runSteps(text: string, steps: Step[]): string {
  let current = text;
  for (const step of steps) {
    const edits = step(scanToml(current));
    if (edits.length) current = applyEdits(current, edits);
  }
  return current;
}

function upsertProvider(want: ConfigWant): Step[] {
  const fields = providerFields(want);
  const create: Step = (doc) => {
    if (tableForm(doc, PROVIDER_PATH).kind !== 'absent') return [];
    // Tables defined inline cannot be extended by a later [header]; add an entry to them instead.
    const parent = findEntry(doc, ['model_providers']);
    if (parent?.value.kind === 'inline-table') {
      return [inlineInsertion(doc, parent, `${renderKeySegment(PROVIDER_ID)} = ${renderInlineTable(fields)}`)];
    }
    return [appendTable(doc, PROVIDER_PATH, fields)];
  };
  return [create, ...fields.map(([k, v]): Step => (doc) => setTableValue(doc, PROVIDER_PATH, k, v))];
}

/**
 * The provider table with its key source: env_key (and no auth table), or the auth command
 * (and no env_key). What goes goes first, so that a provider never holds both (Codex refuses that).
 */
function providerSteps(want: ConfigWant): Step[] {
  if (want.keySource === 'env') return [(d) => removePath(d, AUTH_PATH), ...upsertProvider(want)];
  const fields = authFields(want.authCommand);
  return [
    ...ENV_FIELDS.map((f): Step => (d) => removePath(d, [...PROVIDER_PATH, f])),
    ...upsertProvider(want),
    (d) => createSubTable(d, PROVIDER_PATH, 'auth', fields),
    ...fields.map(([k, v]): Step => (d) => setTableValue(d, AUTH_PATH, k, v)),
  ];
}

/**
 * Plans the edit of config.toml for the wanted layout. Throws CliError on invalid TOML. Whether
 * Codex loads the result is asked of the installed Codex (codex/loads.ts); only where there is
 * none to ask (`predictRefusals`) do the rules below stand in for it, as a prediction.
 */
export function planCodexConfig(before: string, file: string, want: ConfigWant, opts: { predictRefusals?: boolean } = {}): ConfigPlan {
  const parsed = parseToml(before, file);
  const doc = scanToml(before);
  const notes: string[] = [];
  const previous = ownedValues(parsed);

  const steps: Step[] = [(d) => setRootString(d, 'model', want.model)];
  // A first setup over the user's own model: said, since a summarised review shows no diff line.
  if (typeof parsed.model === 'string' && parsed.model !== want.model && activeLayout(parsed) === undefined) {
    notes.push(`Replaced your model = "${parsed.model}" with "${want.model}"; \`${cmd('uninstall')}\` puts "${parsed.model}" back.`);
  }
  if (want.catalog !== undefined) steps.push((d) => setRootString(d, 'model_catalog_json', want.catalog!));
  if (typeof parsed.model_catalog_json === 'string' && want.catalog !== undefined && parsed.model_catalog_json !== want.catalog) {
    notes.push(`Replaced model_catalog_json = "${parsed.model_catalog_json}" with this tool's catalog of the gateway's models; \`${cmd('uninstall')}\` puts yours back.`);
  }
  if (want.layout === 'model-providers') {
    const existingAuth = getPath(parsed, AUTH_PATH);
    const provider = getPath(parsed, PROVIDER_PATH);
    steps.push(
      (d) => setRootString(d, 'model_provider', PROVIDER_ID),
      (d) => removePath(d, ['openai_base_url']),
      ...providerSteps(want),
    );
    if (want.keySource === 'env' && existingAuth !== undefined) {
      notes.push(
        isOwnAuth(existingAuth, want.authCommand)
          ? `The key now comes from ${KEY_VAR} (env_key) instead of the key file's auth command.`
          : `Removed model_providers.${PROVIDER_ID}.auth (${file}:${firstLineOf(doc, AUTH_PATH)}): Codex refuses an auth command next to env_key, and this setup uses env_key = "${KEY_VAR}".`,
      );
    }
    if (want.keySource === 'file') {
      if (isTable(provider) && provider.env_key !== undefined) {
        notes.push(`The key now comes from the key file through an auth command instead of ${KEY_VAR} (env_key): editors started from the desktop and Codex's background server get the current key too.`);
      }
      if (existingAuth !== undefined && !isOwnAuth(existingAuth, want.authCommand)) {
        notes.push(`Replaced the auth command of model_providers.${PROVIDER_ID} (${file}:${firstLineOf(doc, AUTH_PATH)}) with one that reads the key file.`);
      }
    }
    if (typeof parsed.openai_base_url === 'string') notes.push('Removed openai_base_url: the provider table layout replaces it.');
    if (typeof parsed.model_provider === 'string' && parsed.model_provider !== PROVIDER_ID) {
      notes.push(`Replaced your model_provider = "${parsed.model_provider}" with "${PROVIDER_ID}": Codex then uses the gateway instead. \`${cmd('uninstall')}\` puts "${parsed.model_provider}" back.`);
    }
  } else {
    const keep = keepModelProviderLine(parsed, want);
    steps.push(
      (d) => setRootString(d, 'openai_base_url', want.baseUrl),
      (d) => (keep ? setRootString(d, 'model_provider', 'openai') : removePath(d, ['model_provider'])),
      (d) => removePath(d, PROVIDER_PATH),
    );
    if (previous.model_provider !== undefined && previous.model_provider !== 'openai' && previous.model_provider !== PROVIDER_ID) {
      notes.push(`Set model_provider = "openai" (was "${previous.model_provider}"): openai_base_url only applies to Codex's built-in provider. \`${cmd('uninstall')}\` puts "${previous.model_provider}" back.`);
    }
    if (getPath(parsed, PROVIDER_PATH) !== undefined) notes.push(`Removed [model_providers.${PROVIDER_ID}]: the base-URL layout replaces it.`);
  }

  const after = runSteps(before, steps);
  verifyEdit(parsed, after, file, want);
  // A setup that leaves a setting Codex refuses would end with "Run: codex", and Codex would not start.
  // Judged on the result; placed by line in the file as the user has it now (setup's own lines would shift them).
  const refused = opts.predictRefusals === false ? [] : refusedSettings(doc, parseToml(after, file), file);
  if (refused.length) {
    throw new CliError(
      `${file} has ${refused.length === 1 ? 'a setting' : `${refused.length} settings`} current Codex refuses to load (predicted: no installed Codex could be asked): Codex would not start after this setup, so nothing was written.`,
      2,
      'Fix this, then run setup again:',
      refused.map((r) => `  ${r.where}: ${r.problem} ${r.fix}`),
    );
  }
  return { before, after, notes, previous };
}

function ownedValues(parsed: TomlTable): PreviousTopLevel {
  const out: PreviousTopLevel = {};
  for (const key of OWNED_TOP_LEVEL) {
    const v = parsed[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/** The top-level values setup owns, as a config holds them now (for the record of what was there first). */
export function ownedTopLevel(text: string, file: string): PreviousTopLevel {
  return ownedValues(parseToml(text, file));
}

/** What the parsed config must look like after the change, derived from the one before. */
export function expectedAfter(before: TomlTable, want: ConfigWant): TomlTable {
  const out = cloneToml(before) as TomlTable;
  out.model = want.model;
  if (want.catalog !== undefined) out.model_catalog_json = want.catalog;
  if (want.layout === 'model-providers') {
    out.model_provider = PROVIDER_ID;
    delete out.openai_base_url;
    const providers = isTable(out.model_providers) ? out.model_providers : (out.model_providers = {});
    const existing = isTable(providers[PROVIDER_ID]) ? (providers[PROVIDER_ID] as TomlTable) : {};
    const provider: TomlTable = { ...existing, ...Object.fromEntries(providerFields(want)) };
    if (want.keySource === 'env') delete provider.auth;
    else {
      for (const f of ENV_FIELDS) delete provider[f];
      const auth = isTable(existing.auth) ? existing.auth : {};
      provider.auth = { ...auth, command: want.authCommand.command, args: [...want.authCommand.args] };
    }
    providers[PROVIDER_ID] = provider;
  } else {
    out.openai_base_url = want.baseUrl;
    if (keepModelProviderLine(before, want)) out.model_provider = 'openai';
    else delete out.model_provider;
    if (isTable(out.model_providers)) {
      delete out.model_providers[PROVIDER_ID];
    }
  }
  return out;
}

/**
 * Uninstall's edit: the Lightweight provider goes, and the top-level keys go back to what they
 * held before the first setup (`previous`, from setup's record) or, when that is not known,
 * only the ones that clearly point at Lightweight are removed.
 */
export function planUninstallConfig(before: string, file: string, previous: PreviousTopLevel | undefined): string {
  const parsed = parseToml(before, file);
  const expected = cloneToml(parsed) as TomlTable;
  if (isTable(expected.model_providers)) delete expected.model_providers[PROVIDER_ID];
  const restore: Array<[string, string]> = [];
  const remove: string[] = [];
  for (const key of OWNED_TOP_LEVEL) {
    const now = parsed[key];
    if (previous) {
      const was = previous[key];
      if (was === undefined) remove.push(key);
      else restore.push([key, was]);
    } else if (
      (key === 'model_provider' && now === PROVIDER_ID) ||
      (key === 'openai_base_url' && typeof now === 'string' && isLightweightUrl(now)) ||
      (key === 'model_catalog_json' && now === CATALOG_FILE)
    ) {
      remove.push(key);
    }
  }
  for (const k of remove) delete expected[k];
  for (const [k, v] of restore) expected[k] = v;
  const after = runSteps(before, [
    (d) => removePath(d, PROVIDER_PATH),
    ...restore.map(([k, v]): Step => (d) => setRootString(d, k, v)),
    (d) => removeRootKeys(d, remove),
  ]);
  verifyAgainst(expected, after, file);
  return after;
}

/** Points the active layout at another URL, changing that one value and nothing else. */
export function planBaseUrlSwitch(before: string, file: string, url: string): string {
  const parsed = parseToml(before, file);
  const layout = activeLayout(parsed);
  if (!layout) throw new CliError(`${file} has no Lightweight setup.`, 2, `Run ${cmd()} first.`);
  const path = layout === 'model-providers' ? [...PROVIDER_PATH, 'base_url'] : ['openai_base_url'];
  const expected = cloneToml(parsed) as TomlTable;
  let table: TomlTable = expected;
  for (const seg of path.slice(0, -1)) table = table[seg] as TomlTable;
  table[path.at(-1)!] = url;
  const after = runSteps(before, [
    (d) => {
      const entry = findEntry(d, path);
      return entry ? replaceString(d, entry, url) : setTableValue(d, PROVIDER_PATH, 'base_url', url);
    },
  ]);
  verifyAgainst(expected, after, file);
  return after;
}

/**
 * Points model_catalog_json at this tool's catalog, changing that one line (or adding it) and
 * nothing else. A catalog of the user's own is not replaced here: setup does that, and records
 * it for uninstall.
 */
export function planCatalogKey(before: string, file: string): string {
  const parsed = parseToml(before, file);
  const current = parsed.model_catalog_json;
  if (current !== undefined && current !== CATALOG_FILE) {
    throw new CliError(
      `${file} sets model_catalog_json = ${JSON.stringify(current)}, a catalog of your own.`,
      2,
      `Run ${cmd()} to replace it with the gateway's models (${cmd('uninstall')} puts yours back); nothing was changed.`,
    );
  }
  const expected = cloneToml(parsed) as TomlTable;
  expected.model_catalog_json = CATALOG_FILE;
  const after = runSteps(before, [(d) => setRootString(d, 'model_catalog_json', CATALOG_FILE)]);
  verifyAgainst(expected, after, file);
  return after;
}

function isLightweightUrl(url: string): boolean {
  try {
    return /(^|\.)lightweight\.one$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * The last line of defence: re-parse the edited text and insist that it says exactly what
 * was intended, every key the tool does not own unchanged. Otherwise nothing is written.
 */
function verifyEdit(before: TomlTable, afterText: string, file: string, want: ConfigWant): void {
  verifyAgainst(expectedAfter(before, want), afterText, file);
}

function verifyAgainst(expected: TomlTable, afterText: string, file: string): void {
  let after: TomlTable;
  try {
    after = parseToml(afterText, file);
  } catch (err) {
    throw new CliError(
      `Could not edit ${file} safely: the edited file would not parse (${(err as Error).message}). Nothing was written.`,
      2,
      'Please report this with a copy of the file (secrets removed).',
    );
  }
  pruneEmptyTablesAbsentFrom(expected, after);
  const diff = firstDifference(expected, after);
  if (diff) {
    throw new CliError(
      `Could not edit ${file} safely: "${diff.join('.')}" would not hold the intended value. Nothing was written.`,
      2,
      `Check how ${diff.join('.')} is written in ${file}, or report this with a copy of the file (secrets removed).`,
    );
  }
}

/** A table that only held what was removed disappears from the text; that is not a difference. */
function pruneEmptyTablesAbsentFrom(expected: TomlTable, actual: TomlTable): void {
  for (const [k, v] of Object.entries(expected)) {
    if (!isTable(v)) continue;
    const a = actual[k];
    if (Object.keys(v).length === 0 && a === undefined) delete expected[k];
    else if (isTable(a)) pruneEmptyTablesAbsentFrom(v, a);
  }
}

/** The first line where `path` (or something under it) is defined: a key, or a table header. */
export function firstLineOf(doc: TomlDoc, path: Path): number {
  const lines = [
    ...allEntries(doc).filter((e) => startsWith(e.path, path) || (startsWith(path, e.path) && e.value.kind !== 'inline-table')),
    ...doc.sections.flatMap((s) => (s.header && startsWith(s.header.path, path) ? [s.header] : [])),
  ].map((x) => x.line);
  return lines.length ? Math.min(...lines) : 1;
}

export interface RefusedSetting {
  /** file:line */
  where: string;
  key: string;
  problem: string;
  fix: string;
}

const RESERVED_PROVIDER_IDS = ['openai', 'ollama', 'lmstudio', 'amazon-bedrock'];

/** Codex 0.171 lets a config change these of the built-in amazon-bedrock provider (and refuses any other field). */
const BEDROCK_FIELDS = new Set(['base_url', 'auth', 'http_headers', 'aws']);
const BEDROCK_AWS_FIELDS = new Set(['profile', 'region', 'credential_export', 'auth_refresh']);

function bedrockOverride(id: string, p: unknown): boolean {
  if (id !== 'amazon-bedrock' || !isTable(p)) return false;
  const aws = p.aws;
  return Object.keys(p).every((k) => BEDROCK_FIELDS.has(k)) && (aws === undefined || (isTable(aws) && Object.keys(aws).every((k) => BEDROCK_AWS_FIELDS.has(k))));
}

/** Settings that make current Codex refuse to load the whole file (codex-facts.md). */
export function refusedSettings(doc: TomlDoc, parsed: TomlTable, file: string): RefusedSetting[] {
  const out: RefusedSetting[] = [];
  const at = (path: Path) => `${file}:${firstLineOf(doc, path)}`;

  if (parsed.profile !== undefined) {
    const name = String(parsed.profile);
    // Codex's own advice: profiles are files now, chosen with --profile.
    const profileFile = `${file.replace(/[^/]*$/, '')}${name}.config.toml`;
    out.push({
      where: at(['profile']),
      key: 'profile',
      problem: `a top-level profile = "${name}" was removed from Codex and now stops it loading the file.`,
      fix: `Move the settings of [profiles.${name}] into ${profileFile} and start Codex with --profile ${name}, then delete that line.`,
    });
  }
  const providers = parsed.model_providers;
  if (isTable(providers)) {
    for (const [id, p] of Object.entries(providers)) {
      const path = ['model_providers', id];
      if (RESERVED_PROVIDER_IDS.includes(id) && !bedrockOverride(id, p)) {
        out.push({ where: at(path), key: path.join('.'), problem: `"${id}" is a built-in provider id; Codex refuses a [model_providers.${id}] table${id === 'amazon-bedrock' ? ' that changes more than base_url, auth, http_headers and aws' : ''}.`, fix: 'Rename that provider (and model_provider, if it points at it).' });
      }
      if (!isTable(p)) continue;
      if (p.wire_api === 'chat') {
        out.push({ where: at([...path, 'wire_api']), key: `${path.join('.')}.wire_api`, problem: 'wire_api = "chat" was removed from Codex; only "responses" loads.', fix: 'Set wire_api = "responses".' });
      }
      if (p.name === '') {
        out.push({ where: at([...path, 'name']), key: `${path.join('.')}.name`, problem: 'an empty provider name stops Codex loading the file.', fix: 'Give the provider a name.' });
      }
      if (p.env_key !== undefined && p.auth !== undefined) {
        out.push({ where: at([...path, 'auth']), key: `${path.join('.')}.auth`, problem: 'env_key and an auth command cannot be combined; Codex refuses the file.', fix: 'Keep one of them.' });
      }
    }
  }
  return out;
}

/** The layout a parsed config currently uses for Lightweight, if any. */
export function activeLayout(parsed: TomlTable): Layout | undefined {
  if (parsed.model_provider === PROVIDER_ID && isTable(getPath(parsed, PROVIDER_PATH))) return 'model-providers';
  if (typeof parsed.openai_base_url === 'string' && (parsed.model_provider === undefined || parsed.model_provider === 'openai')) {
    return 'openai-base-url';
  }
  return undefined;
}

/** What the config says about Lightweight: the layout in use, its base URL, model, key source and catalog. */
export interface ConfigSummary {
  layout?: Layout;
  baseUrl?: string;
  model?: string;
  /** Provider-table layout: where Codex gets the key. */
  keySource?: KeySource;
  /** The provider's auth command, as written. */
  authCommand?: AuthCommandFields;
  /** model_catalog_json, as written. */
  catalog?: string;
}

export function summarize(parsed: TomlTable | undefined): ConfigSummary {
  if (!parsed) return {};
  const layout = activeLayout(parsed);
  const baseUrl =
    layout === 'model-providers'
      ? (getPath(parsed, [...PROVIDER_PATH, 'base_url']) as string | undefined)
      : layout === 'openai-base-url'
        ? (parsed.openai_base_url as string)
        : undefined;
  const auth = getPath(parsed, AUTH_PATH);
  const envKey = getPath(parsed, [...PROVIDER_PATH, 'env_key']);
  const keySource: KeySource | undefined = layout !== 'model-providers' ? undefined : isTable(auth) ? 'file' : envKey !== undefined ? 'env' : undefined;
  const authCommand =
    isTable(auth) && typeof auth.command === 'string' && Array.isArray(auth.args) && auth.args.every((a) => typeof a === 'string')
      ? { command: auth.command, args: auth.args as string[] }
      : isTable(auth) && typeof auth.command === 'string'
        ? { command: auth.command, args: [] }
        : undefined;
  return {
    ...(layout ? { layout } : {}),
    ...(typeof baseUrl === 'string' ? { baseUrl } : {}),
    ...(typeof parsed.model === 'string' ? { model: parsed.model } : {}),
    ...(keySource ? { keySource } : {}),
    ...(keySource === 'file' && authCommand ? { authCommand } : {}),
    ...(typeof parsed.model_catalog_json === 'string' ? { catalog: parsed.model_catalog_json } : {}),
  };
}
