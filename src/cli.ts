/**
 * The entry point of both bins. It only defines the command line; each command's code is
 * imported when that command runs, so `--help` and `--version` load nothing else. This is
 * the one place that prints a failure and sets the exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT, isCliError } from './errors.js';
import type { Io } from './ui/output.js';
import { terminalSafe } from './ui/safe-text.js';
import { wrapText } from './ui/wrap.js';
import { codexFacts } from './codex/doctor.js';
import { homeOf, resolvePaths } from './files/paths.js';
import { parseTimeout } from './setup/flags.js';

import { cmd, setInvocation, type BinName } from './invocation.js';
export type { BinName };

/**
 * Each command is its own bundle, dist/commands/<name>.cjs, loaded only when that command runs:
 * `--help` and `--version` parse nothing but the command line, and doctor does not pay for the
 * wizard, the TOML editor or the backups. Plain requires: CommonJS loads faster than ES modules.
 */
const load = {
  setup: (): typeof import('./commands/setup.js') => require('./commands/setup.cjs'),
  doctor: (): typeof import('./commands/doctor.js') => require('./commands/doctor.cjs'),
  models: (): typeof import('./commands/models.js') => require('./commands/models.cjs'),
  switchEnvironment: (): typeof import('./commands/switch.js') => require('./commands/switch.cjs'),
  restore: (): typeof import('./commands/restore.js') => require('./commands/restore.cjs'),
  uninstall: (): typeof import('./commands/uninstall.js') => require('./commands/uninstall.cjs'),
  status: (): typeof import('./commands/status.js') => require('./commands/status.cjs'),
};

function addSetupOptions(cmd: Command): Command {
  return cmd
    .option('-y, --yes', 'unattended: no prompts, defaults for everything not given; a missing key is an error')
    .option('--api-key-stdin', 'read the key from standard input (first line, trimmed)')
    .addOption(new Option('--layout <layout>', 'config layout (default: model-providers)').choices(['model-providers', 'openai-base-url']))
    .addOption(
      new Option('--key-source <source>', 'where Codex gets the key with the provider table: file (an auth command reads the key file; Codex 0.118+) or env (LIGHTWEIGHT_API_KEY)').choices(['file', 'env']),
    )
    .option('--model <name>', 'default model, or an alias such as codex (default: gpt-5.4)')
    .addOption(new Option('--env <env>', 'gateway environment (default: production)').choices(['production', 'preview']))
    .option('--base-url <url>', 'any other OpenAI-compatible gateway (overrides --env); http:// only for loopback hosts')
    .addOption(new Option('--shell <shell>', 'shell whose startup file gets the key (default: from $SHELL)').choices(['bash', 'zsh', 'fish', 'sh']))
    .option('--rc-file <path>', 'startup file to edit instead of the shell\'s usual one')
    .option('--no-rc', 'do not touch shell startup files')
    .option('--no-verify', 'skip the connectivity check')
    .option('--dry-run', 'print the planned changes (a diff per file, key masked) and write nothing')
    .option('--profile <name>', 'write $CODEX_HOME/<name>.config.toml instead of config.toml: `codex -p <name>` uses it, plain `codex` keeps the default')
    .option('--system', "administrators: write the provider table to Codex's system config (/etc/codex/config.toml) for every user; each user then only stores a key")
    .option('--json', 'with --yes: print one JSON object (what changed per file, the check\'s verdict, the exit code) instead of the report')
    .option(...CODEX_HOME_OPTION)
    .option('--timeout <seconds>', 'connectivity check limit in seconds (default: 10)')
    .addHelpText(
      'after',
      `
The key comes from the hidden prompt, --api-key-stdin, or LIGHTWEIGHT_API_KEY; no flag takes it
as an argument (it would land in shell history and ps).

Exit codes: 0 done, 1 written but the connectivity check failed, 2 bad input or nothing written,
130 cancelled.

Examples:
  npx lightweight-setup
  printf %s "$KEY" | npx lightweight-setup --yes --api-key-stdin --layout openai-base-url
  npx lightweight-setup --profile preview --env preview    (then: codex -p preview)`,
    );
}

const CODEX_HOME_OPTION = ['--codex-home <dir>', "Codex's directory (default: $CODEX_HOME, else ~/.codex)"] as const;

/** Actions hand their command's exit code to main(), the one place that exits. */
function exitWith<O>(run: (opts: O) => Promise<number>): (opts: O) => Promise<void> {
  return async (opts) => {
    process.exitCode = await run(opts);
  };
}

/**
 * Both bins have every command; `lightweight-setup` runs setup when no command is named, so
 * `npx lightweight-setup`, `npx lightweight-setup --yes ...` and `npx lightweight-setup doctor`
 * all work. `help <command>` works in both.
 */
export function buildProgram(bin: BinName, io: Io): Command {
  const program = new Command(bin)
    .version(__VERSION__, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError(`(run ${cmd('--help')} for usage)`)
    .helpCommand('help [command]', 'show help for a command');
  const setupAction = exitWith((opts: Record<string, unknown>) => load.setup().setup(opts, io));
  program.description(
    bin === 'lightweight-setup'
      ? 'Set up the OpenAI Codex CLI to work through the Lightweight API gateway. Without a command it runs setup (the wizard in a terminal).'
      : 'Set up and check the OpenAI Codex CLI with the Lightweight API gateway.',
  );
  const command = (name: string, description: string, opts: { isDefault?: boolean } = {}) => program.command(name, opts).description(description).exitOverride();

  addSetupOptions(command('setup', "write Codex's config and store the key, then check the gateway (the wizard in a terminal)", { isDefault: bin === 'lightweight-setup' })).action(setupAction);
  command('doctor', 'diagnose Codex, config, key and gateway, with a fix for each problem (changes nothing)')
    .option('--json', 'print one JSON object: {"ok", "checks": [{"id", "status", "title", "detail", "fix", "cause"?}]}')
    .option('--live', 'also send one real request the way Codex does (check id "live"); costs tokens, see below')
    .option('--timeout <seconds>', 'limit for the network checks (default: 10; at least 60 for --live)')
    .option(...CODEX_HOME_OPTION)
    .addHelpText(
      'after',
      [
        '',
        '--live runs `codex exec` once with your config (read-only, in a throwaway directory, no session',
        'saved, your MCP servers not started) and a one-word prompt; without Codex it sends a streaming',
        'POST /responses itself. Cost: one request to your configured model. Through Codex it carries',
        "Codex's instructions and tool definitions, about 10,000 input tokens, and a few output tokens;",
        'sent directly, about 20 input tokens.',
        '',
        'Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 bad usage.',
      ].join('\n'),
    )
    .action(
      exitWith((opts: { timeout?: string; codexHome?: string; live?: boolean }) => {
        // Codex's own doctor is the slowest check: start it before loading the rest of doctor.
        const codex = codexFacts(io.env, resolvePaths(io.env, io.cwd, opts.codexHome).codexHome, parseTimeout(opts.timeout) * 1000);
        return load.doctor().doctor(opts, io, codex);
      }),
    );
  command('models', 'list the models the gateway serves, with context size and what each is best for')
    .option('--json', 'print JSON')
    .option('--sync', "rebuild Codex's model catalog, so that Codex's /model picker lists the gateway's models")
    .option('--test', 'send a short streaming request to each served model and show which answer (costs about 20 input and a few output tokens per model)')
    .option('--timeout <seconds>', 'limit for the request (default: 10)')
    .option(...CODEX_HOME_OPTION)
    .action(exitWith((opts: Record<string, unknown>) => load.models().models(opts, io)));
  for (const target of ['preview', 'production'] as const) {
    command(`use-${target}`, `point the active layout at the ${target} gateway (only that URL changes), then check it`)
      .option('--no-verify', 'skip the connectivity check')
      .option('--timeout <seconds>', 'connectivity check limit in seconds (default: 10)')
      .option(...CODEX_HOME_OPTION)
      .action(exitWith((opts: Record<string, unknown>) => load.switchEnvironment().switchEnvironment(target, opts, io)));
  }
  command('restore', 'put back the files the last setup or switch changed, exactly as they were')
    .option('-y, --yes', 'do not ask first')
    .option('--list', 'show the backups kept, newest first')
    .option('--force', 'restore even files changed since the tool wrote them')
    .option(...CODEX_HOME_OPTION)
    .action(exitWith((opts: Record<string, unknown>) => load.restore().restore(opts, io)));
  command('uninstall', 'remove every trace of the tool (rc block, key files, provider, the keys it set) and nothing else')
    .option('-y, --yes', 'do not ask first')
    .option('--system', 'administrators: take the provider table `setup --system` wrote out of /etc/codex/config.toml (users\' key files stay)')
    .option(...CODEX_HOME_OPTION)
    .action(exitWith((opts: Record<string, unknown>) => load.uninstall().uninstall(opts, io)));
  command('status', 'what is configured now: layout, gateway, model, where the key is kept, Codex version')
    .option('--json', 'print JSON')
    .option(...CODEX_HOME_OPTION)
    .action(exitWith((opts: Record<string, unknown>) => load.status().status(opts, io)));
  return program;
}

/**
 * With setup as the default command, commander would read `lightweight-setup doctr` as setup
 * with an extra argument; a word in the command's place that names no command is a typo.
 */
function rejectUnknownCommand(program: Command, argv: string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help');
  if (names.includes(first)) return;
  const close = names.filter((n) => n.startsWith(first.slice(0, 3)) || first.startsWith(n.slice(0, 3)));
  throw new CliError(`Unknown command "${first}".`, EXIT.usage, `${close.length ? `Did you mean ${close.map((c) => cmd(c)).join(' or ')}? ` : ''}Commands: ${names.filter((n) => n !== 'help').join(', ')} (${cmd('--help')}).`);
}

export function defaultIo(): Io {
  return {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    platform: process.platform,
    cwd: process.cwd(),
    home: homeOf(process.env),
  };
}

export function reportError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (isCliError(err)) {
    // Messages quote paths, file lines and gateway answers: nothing in them may drive the terminal.
    // In a terminal they wrap between words; the terminal's own wrap would cut a word (or a command) in two.
    const columns = io.stderr.isTTY ? io.stderr.columns : undefined;
    const say = (text: string) => io.stderr.write(`${columns ? wrapText(terminalSafe(text), columns - 1) : terminalSafe(text)}\n`);
    say(err.exitCode === EXIT.cancelled ? err.message : `error: ${err.message}`);
    for (const d of err.details.length ? [err.hint, ...err.details] : [err.hint]) if (d) say(d);
    return err.exitCode;
  }
  io.stderr.write(`internal error: ${terminalSafe(err instanceof Error ? ((io.env.LIGHTWEIGHT_DEBUG ? err.stack : err.message) ?? '') : String(err))}\n`);
  io.stderr.write('This is a bug in lightweight-setup; please report it. Any write in progress was rolled back.\n');
  return EXIT.usage;
}

/** Resolves once everything written so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * A reader that goes away (`lightweight setup --help | head -1`) closes the pipe: further output
 * has nowhere to go. Without a listener the EPIPE would crash the process with a stack trace,
 * possibly in the middle of a write; with it the command finishes and exits with its own code.
 */
function toleratePipeClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', () => {});
}

export async function main(argv: string[], bin: BinName): Promise<void> {
  const io = defaultIo();
  toleratePipeClosed(process.stdout);
  toleratePipeClosed(process.stderr);
  setInvocation(bin, io.env, { script: process.argv[1] ?? '', cwd: io.cwd });
  let code: number;
  try {
    const program = buildProgram(bin, io);
    rejectUnknownCommand(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    code = reportError(err, io);
  }
  // Set now: should nothing be left to keep the process alive while the output drains (a prompt
  // closed by Ctrl-D leaves nothing), Node exits by itself, and must exit with this code.
  process.exitCode = code;
  // Exit as soon as the output is out: nothing left behind (a socket, a timer, the pipes of a
  // killed child) may keep the process, or a waiting script, alive.
  await Promise.all([flushed(io.stdout), flushed(io.stderr)]);
  process.exit(code);
}
