/**
 * `lightweight models --sync`: rebuilds Codex's model catalog from the gateway's live model list
 * and the installed Codex (after a Codex upgrade, or when the gateway serves new models), and
 * points config.toml at it. Backed up and undoable like setup.
 */
import { cmd } from '../invocation.js';
import { findExecutable, codexVersion, CODEX_INSTALL } from '../codex/binary.js';
import { planCatalogKey } from '../codex/config.js';
import { CliError, EXIT } from '../errors.js';
import { BackupStore } from '../files/backup.js';
import { readTextFile, type TextFile } from '../files/io.js';
import { withLock } from '../files/lock.js';
import { CATALOG_FILE, tildify } from '../files/paths.js';
import { applyWrites, plannedWrite, readOnlyError, readOnlyWrites, type PlannedWrite } from '../files/transaction.js';
import { keyForGateway, readInstalled, usableBaseUrl } from '../setup/installed.js';
import { effectiveInstall } from '../setup/layers.js';
import { catalogSummary } from '../setup/plan.js';
import { parseState, renderState } from '../setup/state.js';
import { parseTimeout } from '../setup/flags.js';
import { makeOutput, type Io } from '../ui/output.js';
import { WRITE_VERB } from '../ui/review.js';
import { introspectCodex, makeCatalog } from './catalog.js';
import { checkWithSpinner } from './verify.js';
import { MODEL_IDS } from '../gateway/models.js';

function write(file: TextFile, after: string, extra: { summary?: string; dirMode?: number; internal?: boolean } = {}): PlannedWrite {
  return plannedWrite(file, after, { mode: file.mode ?? 0o600, ...extra });
}

/** What `models --sync` reads of the models command's flags (its own type: sync.ts depends on nothing of models.ts). */
export interface SyncFlags {
  timeout?: string;
  codexHome?: string;
}

export async function syncCatalog(flags: SyncFlags, io: Io): Promise<number> {
  const timeoutSeconds = parseTimeout(flags.timeout);
  const out = makeOutput(io);
  // With the gateway from the system config, the catalog is still this user's (built for their Codex), named in their config.toml.
  const { inst } = await effectiveInstall(await readInstalled(io.env, io.cwd, flags.codexHome), io.platform);
  const { paths } = inst;
  const shownConfig = tildify(paths.config, paths.home);
  if (inst.config.error) throw new CliError(inst.config.error, EXIT.usage, 'Fix it and run again; nothing was changed.');
  if (!inst.summary.layout) throw new CliError(`There is no Lightweight setup in ${shownConfig}.`, EXIT.usage, `Set one up first: ${cmd()}`);
  const codexPath = findExecutable('codex', io.env);
  if (!codexPath) throw new CliError('Codex is not installed, so there is no picker to fill.', EXIT.usage, `Install it (${CODEX_INSTALL}), then run this again; nothing was changed.`);

  const support = introspectCodex(codexPath, io.env);
  const version = codexVersion(codexPath, io.env);
  const baseUrl = usableBaseUrl(inst);
  const { key } = keyForGateway(inst);
  const verdict = baseUrl && key ? await checkWithSpinner({ baseUrl, key, timeoutSeconds, env: io.env }, out) : undefined;
  const served = verdict?.ok ? verdict.models : MODEL_IDS;
  const outcome = await makeCatalog(codexPath, io.env, await support, served, !verdict?.ok);
  if (!outcome.catalog) throw new CliError(`No catalog was written: ${outcome.problem}.`, EXIT.usage, `Codex ${(await version) ?? ''} keeps its own model list.`.replace('Codex  ', 'Codex '));
  const catalog = outcome.catalog;
  const codexVer = await version;

  const actions = await withLock(paths.stateDir, async () => {
    const [config, catalogFile, stateFile] = await Promise.all([readTextFile(paths.config), readTextFile(paths.catalog), readTextFile(paths.stateFile)]);
    const state = parseState(stateFile.exists ? stateFile.text : undefined);
    const writes = [write(catalogFile, catalog.text, { summary: catalogSummary(catalog), dirMode: 0o700 }), write(config, planCatalogKey(config.text, shownConfig))];
    if (state) writes.push(write(stateFile, renderState({ ...state, catalogSupport: { ...(codexVer ? { codexVersion: codexVer } : {}), supported: true } }), { internal: true }));
    const readOnly = readOnlyWrites(writes);
    if (readOnly.length) throw readOnlyError(readOnly, paths.home);
    const store = new BackupStore(paths.backups);
    const tx = await store.begin('models-sync');
    const done = await applyWrites(writes, tx);
    await tx.complete();
    await store.prune();
    return [...done.values()];
  });
  const verb = WRITE_VERB[actions[0] ?? 'unchanged'];
  out.status('pass', `${verb} ${tildify(paths.catalog, paths.home)}: ${catalogSummary(catalog)}.`);
  if (actions[1] !== 'unchanged') out.status('pass', `Set model_catalog_json = "${CATALOG_FILE}" in ${shownConfig}.`);
  if (verdict && !verdict.ok) {
    out.status('warn', `The gateway could not be asked (${verdict.cause}: ${verdict.summary.replace(/\.$/, '')}), so the picker lists the gateway page's ${MODEL_IDS.length} models. Run this again when it answers.`);
    return EXIT.checkFailed;
  }
  out.line('New Codex sessions (a new `codex`, or /new in an open one) list these models in /model.');
  return EXIT.ok;
}
