import type { SanityRequest } from './protocol';

/**
 * Sanity-train's defaults, shared by the CLI and the VS Code adapter: 300 steps at batch size 8
 * (small batches are the point), auto backend, a 60 s budget, seed 1.
 */
export const SANITY_DEFAULTS = {
  steps: 300,
  batchSize: 8,
  compare: false,
  backend: 'auto',
  timeoutMs: 60_000,
  seed: 1,
} as const satisfies Omit<SanityRequest, 'file'>;

/** A complete request for `file` with the defaults, overridden by `overrides`. */
export function createSanityRequest(file: string, overrides: Partial<Omit<SanityRequest, 'file'>> = {}): SanityRequest {
  return { file, ...SANITY_DEFAULTS, ...overrides };
}
