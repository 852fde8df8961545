/** The connectivity check as setup and the switches show it: a spinner while it runs, then the verdict. */
import { checkGateway, type CheckRequest } from '../gateway/check.js';
import type { CheckVerdict } from '../gateway/classify.js';
import { closestNames } from '../gateway/models.js';
import { cancellable } from './interrupt.js';
import type { Output } from '../ui/output.js';

/**
 * Runs the check with a spinner. Ctrl-C while it runs ends the command with 130 and says where
 * things stand (`interrupted`: nothing was written yet, or what was written and how to check or
 * undo it), instead of leaving a half-drawn spinner and a hidden cursor.
 */
export async function checkWithSpinner(req: CheckRequest, out: Output, interrupted = 'Cancelled during the gateway check.'): Promise<CheckVerdict> {
  const spin = out.spinner(`Checking ${req.baseUrl}/models`);
  try {
    return await cancellable(out, interrupted, () => checkGateway(req), () => spin.stop());
  } finally {
    spin.stop();
  }
}

/** Prints the verdict; true when the gateway answered with a model list. */
export function reportVerdict(verdict: CheckVerdict, req: Pick<CheckRequest, 'model'>, out: Output): boolean {
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

export async function runConnectivityCheck(req: CheckRequest, out: Output, interrupted?: string): Promise<boolean> {
  return reportVerdict(await checkWithSpinner(req, out, interrupted), req, out);
}
