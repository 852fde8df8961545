/**
 * The wizard's questions, behind one small module so that the rest of setup never imports
 * a prompt library (it loads only when a terminal user runs the wizard) and Ctrl-C at any
 * question becomes one clean cancellation.
 */
// One package per prompt: @inquirer/prompts would also bundle the editor prompt and its
// character-set tables, several hundred KB the wizard never uses.
import confirm from '@inquirer/confirm';
import password from '@inquirer/password';
import select from '@inquirer/select';
import { CancelledError } from '../errors.js';
import type { KeySource } from '../codex/config.js';
import { GATEWAY_URLS, type Layout } from '../gateway/constants.js';
import { SHELLS, type Shell } from '../shell/detect.js';
import { maskKey } from '../gateway/key.js';
import { MODELS } from '../gateway/models.js';
import type { Io } from './output.js';

async function ask<T>(question: Promise<T>): Promise<T> {
  try {
    return await question;
  } catch (err) {
    if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) throw new CancelledError();
    throw err;
  }
}

export function makePrompts(io: Io) {
  const ctx = { input: io.stdin, output: io.stdout, clearPromptOnDone: false };
  return {
    layout: (def: Layout) =>
      ask(
        select<Layout>(
          {
            message: 'Config layout',
            default: def,
            choices: [
              { name: 'Provider table (recommended)', short: 'provider table', value: 'model-providers', description: 'model_provider = "lightweight" + [model_providers.lightweight]' },
              { name: 'Base-URL override', short: 'base-URL override', value: 'openai-base-url', description: 'openai_base_url; for Codex builds that ignore custom providers (the key goes into Codex\'s login store; each session may first wait ~6 s on a WebSocket attempt)' },
            ],
          },
          ctx,
        ),
      ),
    /** The model, the current one pre-selected (listed first when it is not in the page's table). */
    model: (def: string) =>
      ask(
        select<string>(
          {
            message: 'Default model (context, best for)',
            default: def,
            pageSize: MODELS.length + 1,
            choices: [
              ...(MODELS.some((m) => m.id === def) ? [] : [{ name: `${def.padEnd(18)}    -  the model configured now`, short: def, value: def }]),
              ...MODELS.map((m) => ({ name: `${m.id.padEnd(18)} ${m.context.padStart(4)}  ${m.bestFor}`, short: m.id, value: m.id, description: m.what })),
            ],
          },
          ctx,
        ),
      ),
    /** The gateway's base URL; a custom one configured now is offered to keep. */
    environment: (def: string) =>
      ask(
        select<string>(
          {
            message: 'Gateway',
            default: def,
            choices: [
              { name: `Production  ${GATEWAY_URLS.production}`, short: 'production', value: GATEWAY_URLS.production },
              { name: `Preview     ${GATEWAY_URLS.preview}`, short: 'preview', value: GATEWAY_URLS.preview },
              ...(Object.values(GATEWAY_URLS).includes(def as never) ? [] : [{ name: `Keep        ${def}`, short: def, value: def }]),
            ],
          },
          ctx,
        ),
      ),
    shell: () =>
      ask(
        select<Shell>(
          {
            message: 'Which shell do you use? ($SHELL does not say)',
            choices: SHELLS.map((sh) => ({ name: sh, value: sh })),
          },
          ctx,
        ),
      ),
    keepKey: (masked: string) => ask(confirm({ message: `Keep the key already stored (${masked})?`, default: true }, ctx)),
    keySource: (def: KeySource, keyFile: string) =>
      ask(
        select<KeySource>(
          {
            message: 'Where Codex gets the key',
            default: def,
            choices: [
              { name: 'Key file (recommended)', short: 'key file', value: 'file', description: `an auth command reads ${keyFile}: editors started from the desktop get it, and a new key reaches open sessions` },
              { name: 'LIGHTWEIGHT_API_KEY', short: 'LIGHTWEIGHT_API_KEY', value: 'env', description: 'env_key, as on the gateway\'s page: only where the variable is set (new terminals; not desktop apps)' },
            ],
          },
          ctx,
        ),
      ),
    /** Change the default, or add a profile beside it (the wizard's way to `--profile`). */
    target: (profile: string, envName: string) =>
      ask(
        select<string>(
          {
            message: 'What should this setup change?',
            default: '',
            choices: [
              { name: 'The default (plain `codex`)', short: 'the default', value: '', description: 'config.toml: every `codex` uses these settings' },
              { name: `A profile beside it: \`codex -p ${profile}\``, short: `profile ${profile}`, value: profile, description: `${profile}.config.toml, e.g. the ${envName} gateway, while plain \`codex\` keeps the default` },
            ],
          },
          ctx,
        ),
      ),
    useKeyFromEnv: (key: string) => ask(confirm({ message: `Use the key already in LIGHTWEIGHT_API_KEY (${maskKey(key)})?`, default: true }, ctx)),
    key: () =>
      ask(
        password(
          {
            message: 'Lightweight API key (input hidden)',
            mask: '*',
            validate: (v) => (v.trim() === '' ? 'Paste the key from the Lightweight dashboard.' : true),
          },
          ctx,
        ),
      ),
    confirm: (message: string, def = true) => ask(confirm({ message, default: def }, ctx)),
  };
}

export type Prompts = ReturnType<typeof makePrompts>;
