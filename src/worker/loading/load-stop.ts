/**
 * What the user's module did while it loaded that the worker turned into a throw, so the module's body
 * ends there: its own training call (training-at-load.ts) or `process.exit` (exit-guard.ts). The
 * loader then reads the hoisted builder (module-loader.ts), and the worker's handlers let the stray
 * rejections of such stops pass.
 */
import * as path from 'node:path';

export abstract class LoadStop extends Error {
  constructor(
    message: string,
    readonly site: { file: string; line: number } | undefined,
  ) {
    super(message);
  }

  /** ` at train.js:17`, or nothing when no user frame was found. */
  get where(): string {
    return this.site ? ` at ${path.basename(this.site.file)}:${this.site.line}` : '';
  }

  /** The one line when the stop came before `builderId` could be read (declared after the stopping call, and not hoisted). */
  abstract unreachable(file: string, builderId: string): string;
}

export function isLoadStop(err: unknown): err is LoadStop {
  return err instanceof LoadStop;
}
