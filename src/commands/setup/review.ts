/**
 * Phase 3, review: what will change, before anything does. A dry run prints it and stops; the
 * wizard shows it (fitted to the terminal) and asks; unattended, a read-only file stops the run
 * here, because no one can be asked whether to write it.
 */
import { CliError, EXIT } from '../../errors.js';
import { octalMode } from '../../files/io.js';
import { tildify } from '../../files/paths.js';
import { checkParents, readOnlyError, readOnlyWrites } from '../../files/transaction.js';
import { maskKey, redact } from '../../gateway/key.js';
import { environmentOf } from '../../gateway/urls.js';
import { cmd } from '../../invocation.js';
import type { SetupPlan } from '../../setup/plan.js';
import type { Output } from '../../ui/output.js';
import { printWrites } from '../../ui/review.js';
import type { Planned } from './plan.js';
import { KEY_SOURCE_NAMES, LAYOUT_NAMES, type Gathered, type SetupRun } from './run.js';

export function describeChoices(g: Gathered): string {
  const where = g.envName === 'custom' ? g.choices.baseUrl : `${g.envName}, ${g.choices.baseUrl}`;
  const source = g.choices.layout === 'model-providers' ? `, ${KEY_SOURCE_NAMES[g.choices.keySource]}` : '';
  return `${LAYOUT_NAMES[g.choices.layout]}${source}, model ${g.choices.model}, ${where}`;
}

/** The flags that make a dry run plan what the wizard planned: only choices setup would not make by itself. */
function dryRunFlags(g: Gathered): string {
  const d = g.defaults;
  const envName = environmentOf(g.choices.baseUrl);
  return [
    g.profile ? `--profile ${g.profile.name}` : '',
    !g.profile && g.choices.layout !== d?.layout ? `--layout ${g.choices.layout}` : '',
    !g.profile && g.choices.layout === 'model-providers' && g.choices.keySource !== d?.keySource ? `--key-source ${g.choices.keySource}` : '',
    g.choices.model !== d?.model ? `--model ${g.choices.model}` : '',
    g.choices.baseUrl === d?.baseUrl ? '' : envName === 'custom' ? `--base-url ${g.choices.baseUrl}` : `--env ${envName}`,
    !g.rc ? (g.userVariable ? '' : '--no-rc') : g.rc.shell !== d?.shell ? `--shell ${g.rc.shell}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** On a rerun, what changes from what is configured now, in words (the diffs show the lines). */
export function describeChanges(g: Gathered): string[] {
  const c = g.current;
  if (!c) return [];
  const out: string[] = [];
  const change = (what: string, from: string | undefined, to: string) => {
    if (from !== to) out.push(`${what}: ${from ?? '-'} -> ${to}`);
  };
  change('layout', c.layout ? LAYOUT_NAMES[c.layout] : undefined, LAYOUT_NAMES[g.choices.layout]);
  if (g.choices.layout === 'model-providers' && c.layout === 'model-providers') change('key source', c.keySource ? KEY_SOURCE_NAMES[c.keySource] : undefined, KEY_SOURCE_NAMES[g.choices.keySource]);
  change('model', c.model, g.choices.model);
  change('gateway', c.baseUrl, g.choices.baseUrl);
  if (g.previousKey !== undefined) change('key', maskKey(g.previousKey), maskKey(g.key));
  return out;
}

function printPlan(run: SetupRun, plan: SetupPlan, g: Gathered, fitted: boolean): void {
  const { out, paths } = run;
  out.line(`Planned: ${describeChoices(g)}; key ${maskKey(g.key)} from ${g.keyOrigin}.`);
  const changes = describeChanges(g);
  if (g.current) out.line(changes.length ? `Changes: ${changes.join('; ')}.` : 'Changes: none to the choices (the files are brought up to date).');
  // The wizard's review fits the terminal: what does not fit is summarised, with the command that shows it all.
  const fit = fitted && out.size ? { fullDiff: `${cmd()} --dry-run ${dryRunFlags(g)}`.trim(), budget: Math.max(8, out.size.rows - 8 - plan.notes.length * 2) } : undefined;
  printWrites(plan.writes, out, paths.home, (t) => redact(t, g.key), fit);
  if (plan.codexLogin) {
    out.line();
    out.line(`Then: codex login --with-api-key (the key ${maskKey(g.key)} on standard input) to store it in ${tildify(paths.authJson, paths.home)}.`);
  }
  for (const n of plan.notes) out.status('warn', n);
}

/** Notes that hold whether or not anything is written: the key source chosen for this Codex, the picker. */
export function sayNotes(out: Output, p: Planned): void {
  if (p.gathered.keySourceNote) out.status('warn', p.gathered.keySourceNote);
  if (p.catalogNote) out.status('warn', p.catalogNote);
}

/** Shows the plan; 'dry-run' when nothing is to be written, 'go' when the writes may start. */
export async function review(run: SetupRun, p: Planned): Promise<'dry-run' | 'go'> {
  const { out, paths, answers } = run;
  if (run.flags.dryRun) {
    printPlan(run, p.plan, p.gathered, false);
    sayNotes(out, p);
    out.line();
    out.status('info', 'Dry run: nothing was written.');
    return 'dry-run';
  }
  await checkParents(p.plan.writes, (f) => tildify(f, paths.home));
  const readOnly = readOnlyWrites(p.plan.writes);
  if (!answers.asks) {
    if (readOnly.length) throw readOnlyError(readOnly, paths.home);
    return 'go';
  }
  answers.step('Review');
  printPlan(run, p.plan, p.gathered, true);
  if (!(await answers.confirm('Write these changes?'))) throw new CliError('Nothing was written.', EXIT.cancelled);
  for (const w of readOnly) {
    const shown = tildify(w.path, paths.home);
    if (!(await answers.confirm(`${shown} is read-only (mode ${octalMode(w.mode)}). Write it anyway, and make it read-only again afterwards?`, false))) {
      // The user's own answer, like No at the review: a cancel, not a failure to explain.
      throw new CliError(`Nothing was written: ${shown} stays read-only, as you answered.`, EXIT.cancelled);
    }
  }
  return 'go';
}
