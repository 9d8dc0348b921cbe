/**
 * What the capture launcher tells the hook it preloads into every node process of the user's
 * command: one JSON environment variable, so that npm, npx and the processes they spawn pass it on.
 */
import type { SanityRequest } from '../../core/training/protocol';

export const CAPTURE_ENV = 'RBN_CAPTURE';

export interface CaptureConfig {
  /** Unix socket (or Windows pipe) the capturing process reports on. */
  socket: string;
  /** The sanity-train to run on the captured model (its `from` says which model). */
  request: SanityRequest;
  /** Epoch milliseconds at which the launcher gives up: the session plans its steps to end before. */
  deadline: number;
  /** dist/capture-session.js (or its TypeScript source), loaded only by the process that captures. */
  sessionScript: string;
}

/** The config in this process's environment; undefined outside a capture (or when it is unreadable). */
export function readCaptureConfig(env: NodeJS.ProcessEnv = process.env): CaptureConfig | undefined {
  const text = env[CAPTURE_ENV];
  if (!text) {
    return undefined;
  }
  try {
    const config = JSON.parse(text) as CaptureConfig;
    return typeof config.socket === 'string' && typeof config.sessionScript === 'string' && config.request ? config : undefined;
  } catch {
    return undefined;
  }
}
