/** The connectivity check: probe `GET <base>/models`, then classify what came back. */
import { classify, type CheckVerdict } from './classify.js';
import { judgeDirect, type LiveVerdict } from './live.js';

export interface CheckRequest {
  baseUrl: string;
  key: string;
  model?: string;
  timeoutSeconds: number;
  env: NodeJS.ProcessEnv;
  /** Where the key came from, said in a rejected key's fix. */
  keyOrigin?: string;
}

export async function checkGateway(req: CheckRequest): Promise<CheckVerdict> {
  // undici loads only when a check actually runs.
  const { probeModels } = await import('./probe.js');
  const outcome = await probeModels(req.baseUrl, req.key, { timeoutMs: req.timeoutSeconds * 1000, env: req.env });
  return classify(outcome, {
    baseUrl: req.baseUrl,
    timeoutSeconds: req.timeoutSeconds,
    ...(req.model ? { model: req.model } : {}),
    ...(outcome.proxy ? { proxy: outcome.proxy } : {}),
    ...(req.keyOrigin ? { keyOrigin: req.keyOrigin } : {}),
  });
}

/** One real streaming request (doctor --live without Codex, models --test), judged. */
export async function liveDirect(req: { baseUrl: string; key: string; model: string; timeoutSeconds: number; env: NodeJS.ProcessEnv }): Promise<LiveVerdict> {
  const { streamResponse } = await import('./probe.js');
  const outcome = await streamResponse(req.baseUrl, req.key, req.model, { timeoutMs: req.timeoutSeconds * 1000, env: req.env });
  return judgeDirect(outcome, { baseUrl: req.baseUrl, model: req.model, timeoutSeconds: req.timeoutSeconds });
}
