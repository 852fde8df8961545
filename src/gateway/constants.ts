/** What the Lightweight gateway's Codex page says, in one place. */

export const GATEWAY_URLS = {
  production: 'https://api.lightweight.one/v1',
  preview: 'https://preview.api.lightweight.one/v1',
} as const;

export type GatewayEnv = keyof typeof GATEWAY_URLS;
export const GATEWAY_ENVS = Object.keys(GATEWAY_URLS) as GatewayEnv[];

export { KEY_VAR } from '../platform/common.js';
export const PROVIDER_ID = 'lightweight';
export const PROVIDER_NAME = 'Lightweight API';
export const WIRE_API = 'responses';

export type Layout = 'model-providers' | 'openai-base-url';
export const LAYOUTS: readonly Layout[] = ['model-providers', 'openai-base-url'];
