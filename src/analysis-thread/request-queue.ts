/**
 * The order in which the analysis thread answers the requests waiting for it. The thread runs one request
 * at a time, so a request that arrives while it is busy waits; when it is free again it takes the most
 * urgent waiting request, in arrival order among equals. What a user is looking at comes first: the
 * analysis behind the squiggles, code actions and commands before the sanity-train lenses' builder search
 * (a 5,000-line file's builders take longer to find than its analysis), so diagnostics never wait behind lenses.
 */
import type { AnalysisMethodName } from './methods';

/** Lower runs first. */
export const METHOD_PRIORITY: Readonly<Record<AnalysisMethodName, number>> = {
  analyzeSource: 0,
  convertToRunningBatchNorm: 0,
  revertToBatchNormalization: 0,
  layerImportFor: 0,
  // Asked for when the user clicks Sanity-train: the argument box waits for it.
  proposeArguments: 0,
  // Lenses (and the palette's builder list): decoration that may come a moment later.
  findModelBuilders: 1,
};

/** The priority of a method name from the wire; unknown names run first (they only produce an error reply). */
export function priorityOf(method: string): number {
  return Object.hasOwn(METHOD_PRIORITY, method) ? METHOD_PRIORITY[method as AnalysisMethodName] : 0;
}

/** Waiting requests: `take` returns the one with the lowest priority number, the oldest among equals. */
export class RequestQueue<T extends { method: string }> {
  private readonly waiting: T[] = [];

  get size(): number {
    return this.waiting.length;
  }

  push(request: T): void {
    this.waiting.push(request);
  }

  take(): T | undefined {
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      if (best < 0 || priorityOf(this.waiting[i]!.method) < priorityOf(this.waiting[best]!.method)) {
        best = i;
      }
    }
    return best < 0 ? undefined : this.waiting.splice(best, 1)[0];
  }
}
