/**
 * What every phase of setup shares: the run (flags, terminal, paths, the installed Codex, what was
 * there before), and the choices gathered for it. The phases are gather, plan, review, apply,
 * verify and report (one module each); commands/setup.ts lists them in order.
 */
import type { Platform } from '../../platform/platform.js';
import type { Catalog } from '../../codex/catalog.js';
import type { ConfigSummary, KeySource } from '../../codex/config.js';
import type { Paths } from '../../files/paths.js';
import { KEY_VAR, type GatewayEnv, type Layout } from '../../gateway/constants.js';
import type { NowVerdict } from '../../setup/codex-verdict.js';
import type { ResolvedFlags, SetupFlags } from '../../setup/flags.js';
import type { SetupChoices } from '../../setup/plan.js';
import type { CatalogSupportRecord, SetupState } from '../../setup/state.js';
import type { Shell } from '../../shell/detect.js';
import type { Io, Output } from '../../ui/output.js';
import type { Answers } from './answers.js';
import type { ManagedConfig } from '../../setup/managed.js';

export const LAYOUT_NAMES: Record<Layout, string> = { 'model-providers': 'provider table', 'openai-base-url': 'base-URL override' };
export const KEY_SOURCE_NAMES: Record<KeySource, string> = { file: 'key from the key file', env: `key from ${KEY_VAR}` };

/** What is on the machine before setup asks anything. */
export interface Before {
  current?: ConfigSummary;
  storedKey?: string;
  state?: SetupState;
  /** What the installed Codex says about config.toml as it is. */
  codex: NowVerdict;
  /** Where forced_login_method = "chatgpt" is set (file:line), ruling out the base-URL layout. */
  forcedChatgpt?: string;
  /** config.toml is managed elsewhere (a link into the Nix store): no config is written. */
  managed?: ManagedConfig;
  /** The system config gives every user the Lightweight provider (`setup --system`), and this user's config does not override it. */
  system?: { path: string; summary: ConfigSummary };
}

export interface SetupRun {
  flags: SetupFlags;
  resolved: ResolvedFlags;
  io: Io;
  out: Output;
  paths: Paths;
  /** Where setup runs: the key file's form, the auth command, how new terminals get the key. */
  platform: Platform;
  codexPath?: string;
  codexVersion: Promise<string | undefined>;
  before: Before;
  /** The wizard's questions, or (unattended) the flags, the environment and what is configured. */
  answers: Answers;
}

export interface Gathered {
  choices: SetupChoices;
  /** What setup would choose by itself (from what is configured, else its defaults), to spell only other choices as flags. */
  defaults?: { layout: Layout; keySource: KeySource; model: string; baseUrl: string; shell?: Shell };
  /** What was configured before, to say what changes. */
  current?: ConfigSummary;
  previousKey?: string;
  envName: GatewayEnv | 'custom';
  key: string;
  /** Where the key came from in this run (the prompt, standard input, LIGHTWEIGHT_API_KEY). */
  keyOrigin: string;
  rc?: { shell: Shell; file: string; login?: string };
  /** Windows: LIGHTWEIGHT_API_KEY goes into the user's environment (not with --no-rc). */
  userVariable?: boolean;
  /** A profile file beside config.toml (`codex -p <name>`) gets the settings instead of config.toml. */
  profile?: { name: string; path: string };
  /** config.toml is managed elsewhere (home-manager): its settings are printed, not written. */
  managed?: ManagedConfig;
  /** The system config provides the gateway: this user only stores a key; config.toml is left alone. */
  systemLayer?: string;
  /** A note from choosing the key source (Codex too old for the auth command, say). */
  keySourceNote?: string;
  /** Codex's model catalog to write; absent when there is none to write. */
  catalog?: Catalog;
  catalogSupport?: CatalogSupportRecord;
}
