/** The connectivity check: probe `GET <base>/models` the way Codex connects, then classify what came back. */
import { classify, type CheckVerdict } from './classify.js';
import { judgeDirect, type LiveVerdict } from './live.js';
import { redactAll } from './key.js';
import { nodeOnlyTls } from './route.js';

export interface CheckRequest {
  baseUrl: string;
  key: string;
  model?: string;
  timeoutSeconds: number;
  env: NodeJS.ProcessEnv;
  /** Where the key came from, said in a rejected key's fix. */
  keyOrigin?: string;
  platform?: NodeJS.Platform;
}

export async function checkGateway(req: CheckRequest): Promise<CheckVerdict> {
  return redactAll(await check(req), req.key);
}

async function check(req: CheckRequest): Promise<CheckVerdict> {
  // undici loads only when a check actually runs.
  const { probeModels, tlsHandshakes } = await import('./probe.js');
  const opts = { timeoutMs: req.timeoutSeconds * 1000, env: req.env };
  const outcome = await probeModels(req.baseUrl, req.key, opts);
  const ctx = {
    baseUrl: req.baseUrl,
    timeoutSeconds: req.timeoutSeconds,
    platform: req.platform ?? process.platform,
    ...(req.model ? { model: req.model } : {}),
    route: outcome.route,
    ...(req.keyOrigin ? { keyOrigin: req.keyOrigin } : {}),
    ...(req.env.SSL_CERT_FILE ? { certFileReplacesSystem: req.env.SSL_CERT_FILE } : {}),
  };
  const verdict = classify(outcome, ctx);
  // A certificate Codex does not trust, and a CA in NODE_EXTRA_CA_CERTS (which only Node reads):
  // does that CA make it trusted? Then the fix is exactly that file, for Codex.
  const extra = nodeOnlyTls(req.env).extraCaCerts;
  if (!verdict.ok && verdict.cause === 'tls' && extra && !req.env.CODEX_CA_CERTIFICATE) {
    if (await tlsHandshakes(`${req.baseUrl}/models`, { ...opts, env: { ...req.env, CODEX_CA_CERTIFICATE: extra } })) return classify(outcome, { ...ctx, nodeExtraCaFixes: extra });
  }
  return verdict;
}

/** One real streaming request (doctor --live without Codex, models --test), judged. */
export async function liveDirect(req: { baseUrl: string; key: string; model: string; timeoutSeconds: number; env: NodeJS.ProcessEnv }): Promise<LiveVerdict> {
  const { streamResponse } = await import('./probe.js');
  const outcome = await streamResponse(req.baseUrl, req.key, req.model, { timeoutMs: req.timeoutSeconds * 1000, env: req.env });
  return redactAll(judgeDirect(outcome, { baseUrl: req.baseUrl, model: req.model, timeoutSeconds: req.timeoutSeconds, route: outcome.route }), req.key);
}
