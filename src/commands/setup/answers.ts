/**
 * Where setup's answers come from, the one thing in which the wizard and the unattended path
 * differ: the wizard asks (offering what is configured now as the default), unattended takes the
 * default at once. Every phase asks through this interface and never looks at which it is.
 */
import { CODEX_INSTALL } from '../../codex/binary.js';
import type { KeySource } from '../../codex/config.js';
import { CliError, EXIT } from '../../errors.js';
import { tildify, type Paths } from '../../files/paths.js';
import { KEY_VAR, type Layout } from '../../gateway/constants.js';
import { cmd } from '../../invocation.js';
import type { Shell } from '../../shell/detect.js';
import type { Output } from '../../ui/output.js';
import type { Prompts } from '../../ui/prompts.js';

export interface Answers {
  /** Questions are asked (a terminal, no --yes): said in the review, where the answers end up. */
  readonly asks: boolean;
  /** A heading for the wizard's next step (unattended: nothing). */
  step(title: string): void;
  /** Before the first question: what is configured now, and whether Codex is installed. */
  intro(configuredNow: string | undefined, codex: { path?: string; version?: string }, paths: Paths): void;
  /** The shell, when $SHELL does not say (unattended: none; the caller names --shell). */
  shell(): Promise<Shell | undefined>;
  /** The default (undefined) or a profile beside it, offered by name; unattended: the default (--profile says otherwise). */
  profile(offered: string, envName: string): Promise<string | undefined>;
  layout(now: Layout): Promise<Layout>;
  keySource(now: KeySource, keyFile: string): Promise<KeySource>;
  model(now: string): Promise<string>;
  gateway(now: string): Promise<string>;
  /** Keep the stored key? Unattended: yes, unless LIGHTWEIGHT_API_KEY holds another one. */
  keepStoredKey(masked: string, envHasAnother: boolean): Promise<boolean>;
  /** Use the key in LIGHTWEIGHT_API_KEY? Unattended: yes. */
  useKeyFromEnv(key: string): Promise<boolean>;
  /** The key typed at a hidden prompt; unattended there is none, and that is an error. */
  typedKey(): Promise<string>;
  /** Yes/no before a change no flag asked for (a background server restart, a read-only file); unattended: no. */
  confirm(question: string, def?: boolean): Promise<boolean>;
}

export function wizardAnswers(prompts: Prompts, out: Output): Answers {
  return {
    asks: true,
    step: (title) => {
      out.line();
      out.heading(title);
    },
    intro: (configuredNow, codex, paths) => {
      out.heading('Lightweight setup for the Codex CLI');
      if (configuredNow) out.line(`Configured now: ${configuredNow}. Press Enter to keep each.`);
      out.line();
      out.heading('Step 1 of 4 · Install Codex');
      if (codex.path) out.status('pass', `Codex${codex.version ? ` ${codex.version}` : ''} is installed (${tildify(codex.path, paths.home)}).`);
      else {
        out.status('warn', 'Codex is not on your PATH. Setup continues; install it afterwards with:');
        out.raw(`    ${CODEX_INSTALL}`);
      }
    },
    shell: () => prompts.shell(),
    profile: async (offered, envName) => (await prompts.target(offered, envName)) || undefined,
    layout: (now) => prompts.layout(now),
    keySource: (now, keyFile) => prompts.keySource(now, keyFile),
    model: (now) => prompts.model(now),
    gateway: (now) => prompts.environment(now),
    keepStoredKey: (masked) => prompts.keepKey(masked),
    useKeyFromEnv: (key) => prompts.useKeyFromEnv(key),
    typedKey: () => prompts.key(),
    confirm: (question, def = true) => prompts.confirm(question, def),
  };
}

/** Unattended (--yes): every answer is what is configured now, else the default; only flags change it. */
export function unattendedAnswers(): Answers {
  return {
    asks: false,
    step: () => undefined,
    intro: () => undefined,
    shell: async () => undefined,
    profile: async () => undefined,
    layout: async (now) => now,
    keySource: async (now) => now,
    model: async (now) => now,
    gateway: async (now) => now,
    // An unattended rerun that changes something else keeps the key it has; a key in the environment replaces it.
    keepStoredKey: async (_masked, envHasAnother) => !envHasAnother,
    useKeyFromEnv: async () => true,
    typedKey: async () => {
      throw new CliError('No API key given.', EXIT.usage, `Pipe it in with --api-key-stdin (for example: printf %s "$KEY" | ${cmd()} --yes --api-key-stdin), or set ${KEY_VAR}.`);
    },
    confirm: async () => false,
  };
}
