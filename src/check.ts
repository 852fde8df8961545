/** The connectivity check as setup and the switches show it: probe, classify, render. */
import { closestNames } from './models.js';
import { classify, type CheckVerdict } from './net/classify.js';
import type { Output } from './ui/output.js';

export interface CheckRequest {
  baseUrl: string;
  key: string;
  model?: string;
  timeoutSeconds: number;
  env: NodeJS.ProcessEnv;
}

export async function checkGateway(req: CheckRequest): Promise<CheckVerdict> {
  // undici loads only when a check actually runs.
  const { probeModels } = await import('./net/probe.js');
  const outcome = await probeModels(req.baseUrl, req.key, { timeoutMs: req.timeoutSeconds * 1000, env: req.env });
  return classify(outcome, {
    baseUrl: req.baseUrl,
    timeoutSeconds: req.timeoutSeconds,
    ...(req.model ? { model: req.model } : {}),
    ...(outcome.proxy ? { proxy: outcome.proxy } : {}),
  });
}

/** Runs the check with a spinner and reports it; true when the gateway answered with a model list. */
export async function runConnectivityCheck(req: CheckRequest, out: Output): Promise<boolean> {
  const spin = out.spinner(`Checking ${req.baseUrl}/models`);
  let verdict: CheckVerdict;
  try {
    verdict = await checkGateway(req);
  } finally {
    spin.stop();
  }
  if (verdict.ok) {
    out.status('pass', verdict.summary);
    if (req.model && verdict.modelServed === false) {
      const close = closestNames(req.model, verdict.models);
      out.status('warn', `${req.model} is not in the gateway's model list${close.length ? `; closest served: ${close.join(', ')}` : ''}. Codex will get "model not found" until it is.`);
    } else if (req.model) out.status('pass', `${req.model} is served by the gateway.`);
    return true;
  }
  out.status('fail', `Connectivity check failed (${verdict.cause}): ${verdict.summary}`);
  out.line(`  Fix: ${verdict.fix}`);
  return false;
}
