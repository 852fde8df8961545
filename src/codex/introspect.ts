/**
 * Asking the installed Codex what a model catalog must hold for it: the fields its version
 * knows, the instructions it gives a model it has no metadata for, and whether it loads a
 * catalog. Every run is isolated in a throwaway CODEX_HOME and HOME (nothing of the user's is
 * read or written), and the one request Codex makes goes to a stand-in on 127.0.0.1.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDir } from '../files/at-exit.js';
import { codexCommand, run } from './binary.js';
import type { Catalog } from './catalog.js';

const RUN_MS = 30_000;

async function inScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const scratch = scratchDir('lightweight-codex-');
  try {
    await fs.mkdir(join(scratch.dir, 'codex-home'), { mode: 0o700 });
    return await fn(scratch.dir);
  } finally {
    scratch.remove();
  }
}

/** Codex with nothing of the user's: no key, no config, no proxies, its home in `dir`. */
function isolated(codex: string, env: NodeJS.ProcessEnv, dir: string) {
  const base: NodeJS.ProcessEnv = { PATH: env.PATH ?? '/usr/bin:/bin', HOME: dir, CODEX_HOME: join(dir, 'codex-home'), LANG: env.LANG ?? 'C.UTF-8', TMPDIR: env.TMPDIR ?? tmpdir() };
  return codexCommand(codex, base);
}

/** `codex debug models --bundled`: the installed Codex's own catalog entries; undefined on a Codex without the command. */
export async function bundledCatalog(codex: string, env: NodeJS.ProcessEnv): Promise<Array<Record<string, unknown>> | undefined> {
  return inScratch(async (dir) => {
    const cmd = isolated(codex, env, dir);
    const r = await run(cmd.file, ['debug', 'models', '--bundled'], { env: cmd.env, timeoutMs: RUN_MS });
    if (r.code !== 0) return undefined;
    try {
      const models = (JSON.parse(r.stdout) as { models?: unknown }).models;
      return Array.isArray(models) && models.every((m) => typeof m === 'object' && m !== null) ? (models as Array<Record<string, unknown>>) : undefined;
    } catch {
      return undefined;
    }
  });
}

/** The text of the instructions in a Responses request: the `instructions` field, else the first developer message. */
export function instructionsOf(body: string): string | undefined {
  let req: { instructions?: unknown; input?: unknown };
  try {
    req = JSON.parse(body) as typeof req;
  } catch {
    return undefined;
  }
  if (typeof req.instructions === 'string' && req.instructions !== '') return req.instructions;
  if (!Array.isArray(req.input)) return undefined;
  const dev = req.input.find((i) => typeof i === 'object' && i !== null && (i as { role?: unknown }).role === 'developer') as { content?: unknown } | undefined;
  const first = Array.isArray(dev?.content) ? (dev.content[0] as { text?: unknown } | undefined) : undefined;
  return typeof first?.text === 'string' ? first.text : undefined;
}

function completedStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const id = 'resp_lightweight_probe';
  const events = [
    { type: 'response.created', response: { id } },
    { type: 'response.output_item.done', output_index: 0, item: { type: 'message', role: 'assistant', id: `msg_${id}`, content: [{ type: 'output_text', text: 'ok' }] } },
    { type: 'response.completed', response: { id, usage: { input_tokens: 0, input_tokens_details: null, output_tokens: 0, output_tokens_details: null, total_tokens: 0 } } },
  ];
  for (const e of events) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
  res.end();
}

/** Requests the probe reads at most: Codex's first request is about 40 KB. */
const PROBE_BODY_LIMIT = 4 * 1024 * 1024;
/** The variable that carries the probe's bearer secret to the Codex it starts. */
const PROBE_TOKEN_VAR = 'LIGHTWEIGHT_PROBE_TOKEN';

/** Whether a request carries exactly `Bearer <token>`, compared in constant time. */
export function carriesToken(authorization: string | undefined, token: string): boolean {
  const want = Buffer.from(`Bearer ${token}`);
  const got = Buffer.from(authorization ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * The instructions the installed Codex gives a model it has no metadata for (every gateway
 * model): it runs once, read-only and ephemeral, against a stand-in on 127.0.0.1 that records
 * the request and answers it at once.
 *
 * Any local process can reach a port on 127.0.0.1, and another user can see a new listener in
 * /proc/net/tcp and post first: what the probe keeps becomes Codex's instructions for every
 * later session. So the stand-in keeps only a request that carries a random bearer secret, which
 * reaches the Codex it starts through that Codex's environment (readable by this user alone;
 * its arguments, and so a secret in the URL, are visible to everyone in /proc).
 */
export async function fallbackInstructions(codex: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let captured: string | undefined;
  const token = randomBytes(32).toString('base64url');
  // node:http only when Codex is asked: setup without Codex never loads it.
  const { createServer } = await import('node:http');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const trusted = carriesToken(req.headers.authorization, token);
    if (!trusted || req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/responses')) {
      res.writeHead(trusted ? 404 : 401, { 'content-type': 'application/json', connection: 'close' });
      res.end('{}');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > PROBE_BODY_LIMIT) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      captured ??= instructionsOf(Buffer.concat(chunks).toString('utf8'));
      completedStream(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await inScratch(async (dir) => {
      const cmd = isolated(codex, env, dir);
      const provider = 'lightweight_probe';
      await run(
        cmd.file,
        [
          'exec',
          '--ephemeral',
          '--ignore-user-config',
          '--skip-git-repo-check',
          '--sandbox',
          'read-only',
          '--cd',
          dir,
          '-c',
          'model="lightweight-model-without-metadata"',
          '-c',
          `model_provider="${provider}"`,
          '-c',
          `model_providers.${provider}={ name = "probe", base_url = "http://127.0.0.1:${port}/v1", wire_api = "responses", env_key = "${PROBE_TOKEN_VAR}" }`,
          'ok',
        ],
        { env: { ...cmd.env, [PROBE_TOKEN_VAR]: token }, timeoutMs: RUN_MS },
      );
      return captured;
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Whether the installed Codex loads the catalog: `codex debug models` with it must list exactly its models. */
export async function validateCatalog(codex: string, env: NodeJS.ProcessEnv, catalog: Catalog): Promise<{ ok: true } | { ok: false; error: string }> {
  return inScratch(async (dir) => {
    const file = join(dir, 'catalog.json');
    await fs.writeFile(file, catalog.text, { mode: 0o600 });
    const cmd = isolated(codex, env, dir);
    const r = await run(cmd.file, ['debug', 'models', '-c', `model_catalog_json=${JSON.stringify(file)}`], { env: cmd.env, timeoutMs: RUN_MS });
    if (r.code !== 0) return { ok: false, error: codexError(r.stderr) ?? `codex debug models exited with ${r.timedOut ? 'a timeout' : r.code}` };
    try {
      const listed = ((JSON.parse(r.stdout) as { models: Array<{ slug: string }> }).models ?? []).map((m) => m.slug);
      if (listed.join('\n') === catalog.slugs.join('\n')) return { ok: true };
      return { ok: false, error: `Codex listed ${listed.join(', ') || 'nothing'} instead of ${catalog.slugs.join(', ')}` };
    } catch {
      return { ok: false, error: 'codex debug models printed no model list' };
    }
  });
}

/** Codex's own error line, without its start-up warnings. */
export function codexError(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(Error|error)\b/.test(l));
}
