/**
 * `lightweight setup` / `npx lightweight-setup`, as its phases: gather (what is there, the flags
 * and the answers), plan (every file, the gateway and Codex asked), review, apply (locked),
 * verify, report. The wizard and the unattended path run the same phases; they differ only in
 * where the answers come from (setup/answers.ts).
 */
import { platformOf } from '../platform/platform.js';
import { codexVersion, findExecutable } from '../codex/binary.js';
import { CliError, EXIT } from '../errors.js';
import { resolvePaths } from '../files/paths.js';
import { KEY_VAR } from '../gateway/constants.js';
import { resolveFlags, type SetupFlags } from '../setup/flags.js';
import { makeOutput, type Io } from '../ui/output.js';
import { cancellable } from './interrupt.js';
import { unattendedAnswers, wizardAnswers, type Answers } from './setup/answers.js';
import { apply } from './setup/apply.js';
import { gather, whatIsThere } from './setup/gather.js';
import { plan } from './setup/plan.js';
import { report } from './setup/report.js';
import { review } from './setup/review.js';
import type { SetupRun } from './setup/run.js';
import { renderFailure, renderOutcome, type SetupOutcome } from './setup/json.js';
import { actionOf } from '../files/transaction.js';
import { verify } from './setup/verify.js';

const NOTHING_WRITTEN = 'Cancelled; nothing was written.';

export async function setup(flags: SetupFlags, io: Io): Promise<number> {
  if (flags.system) return (await import('./setup-system.js')).setupSystem(flags, io);
  if (!flags.json) return (await runSetup(flags, io)).exit;
  // The report goes to standard error; standard output carries the one JSON object, also when setup stops.
  try {
    const outcome = await runSetup(flags, { ...io, stdout: io.stderr });
    io.stdout.write(renderOutcome(outcome));
    return outcome.exit;
  } catch (err) {
    const failed = renderFailure(err);
    if (failed) io.stdout.write(failed);
    throw err;
  }
}

async function runSetup(flags: SetupFlags, io: Io): Promise<SetupOutcome> {
  const run = await begin(flags, io);
  const gathered = await gather(run);
  const planned = await cancellable(run.out, NOTHING_WRITTEN, () => plan(run, gathered));
  const g = planned.gathered;
  const common = { key: g.key, config: g.profile?.path ?? run.paths.config, ...(g.profile ? { profile: g.profile.name } : {}), ...(planned.plan.homeManager ? { homeManager: planned.plan.homeManager } : {}) };
  if ((await review(run, planned)) === 'dry-run') {
    return { ...common, exit: EXIT.ok, dryRun: true, files: planned.plan.writes.map((w) => ({ path: w.path, action: actionOf(w) })), codexLogin: planned.plan.codexLogin };
  }
  const applied = await apply(run, planned);
  const exit = await verify(run, planned);
  await report(run, planned);
  return {
    ...common,
    exit,
    dryRun: false,
    files: applied.plan.writes.map((w) => ({ path: w.path, action: applied.actions.get(w) ?? 'unchanged' })),
    ...(applied.plan.userVariable ? { userVariable: applied.plan.userVariable } : {}),
    codexLogin: applied.plan.codexLogin,
    ...(planned.verdict ? { verdict: planned.verdict } : {}),
  };
}

/**
 * The run itself: who answers (a terminal, or --yes), where everything lives, the installed Codex,
 * and what is on the machine. Problems that would stop setup come out here, before any question.
 */
async function begin(flags: SetupFlags, io: Io): Promise<SetupRun> {
  const resolved = resolveFlags(flags);
  const interactive = !flags.yes && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
  if (!flags.yes && !interactive) {
    throw new CliError(
      'No terminal to ask questions in, and --yes was not given.',
      EXIT.usage,
      `To run unattended, pass --yes and give the key on standard input with --api-key-stdin (or in ${KEY_VAR}); nothing was written.`,
    );
  }
  if (flags.apiKeyStdin && io.stdin.isTTY) {
    throw new CliError('--api-key-stdin expects the key piped in, but standard input is a terminal.', EXIT.usage, 'Pipe it in (for example from a secret manager), or leave the flag out to be asked for it without echo.');
  }
  const out = makeOutput(io);
  const platform = platformOf(io.platform);
  const paths = resolvePaths(io.env, io.cwd, flags.codexHome, platform);
  const codexPath = findExecutable('codex', io.env);
  // The installed Codex is asked about config.toml here: Ctrl-C meanwhile stops it cleanly.
  const before = await cancellable(out, NOTHING_WRITTEN, () => whatIsThere(io, paths, flags, codexPath, resolved.layout));
  const answers: Answers = interactive ? wizardAnswers((await import('../ui/prompts.js')).makePrompts(io), out) : unattendedAnswers();
  const version = codexPath ? codexVersion(codexPath, io.env) : Promise.resolve(undefined);
  return { flags, resolved, io, out, paths, platform, ...(codexPath ? { codexPath } : {}), codexVersion: version, before, answers };
}
