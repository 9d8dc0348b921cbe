/**
 * The worker launcher as the command sees it: one function, loaded on first use so activation never
 * pays for it (and tests can hand in their own).
 */
import type { SanityOutcome, SanityRequest, WorkerMessage } from '../../core/training/protocol';

export type { SanityOutcome };

export interface SanityRunOptions {
  onMessage?: (message: WorkerMessage) => void;
  signal?: AbortSignal;
  workerScript?: string;
  maxMemoryMb?: number;
  /** When the user asked (Date.now()): a Compare's budget counts from there. */
  startedAtMs?: number;
  /** A captured program's output lines (`request.from`). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** `runSanityTrain` of src/worker/launcher.ts. */
export type SanityRunner = (request: SanityRequest, options?: SanityRunOptions) => Promise<SanityOutcome>;
