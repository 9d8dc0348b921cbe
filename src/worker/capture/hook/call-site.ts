/**
 * Where the user's code called into tfjs: the first stack frame that is neither Node's own, nor a
 * package under node_modules, nor this project's hook.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../../../core/training/protocol';

const FRAME = /(?:^at (?:async )?|\()((?:file:\/\/)?(?:[A-Za-z]:)?[^():]+):(\d+):\d+\)?$/;

export interface Caller {
  /** The user's frame. */
  site: SourceLocation | null;
  /** The call came from this project's code (the session training the captured model), not the program's. */
  own: boolean;
}

/** Who called the tfjs function that called this: deep enough a stack to see through tfjs's own frames. */
export function currentCaller(isOwn: (file: string) => boolean): Caller {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  return { site: userCallSite(stack, isOwn), own: firstOutsideFrame(stack, isOwn) };
}

/** Whether the first frame outside tfjs and the hook itself is this project's code. */
export function firstOutsideFrame(stack: string | undefined, isOwn: (file: string) => boolean): boolean {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const file = FRAME.exec(line.trim())?.[1];
    if (!file || file.startsWith('node:') || /[\\/]node_modules[\\/]@tensorflow[\\/]/.test(file) || isMappedTfjsFrame(file) || isHookFrame(file)) {
      continue;
    }
    return isOwn(file);
  }
  return false;
}

/**
 * The hook's own frames: its bundle, or its sources where a runner's source-map support (Jest's)
 * names the bundle's frames by the files they were built from.
 */
function isHookFrame(file: string): boolean {
  return /capture-hook\.(js|ts)$/.test(file) || /[\\/]worker[\\/]capture[\\/]hook[\\/][\w-]+\.ts$/.test(file);
}

/**
 * A tfjs frame that a runner's source-map support (Jest's) names by the source it was built from
 * (`tfjs-layers/src/models.ts`, resolved beside the package): tfjs does not ship those sources, so
 * the file is not there, where a user's own file always is.
 */
function isMappedTfjsFrame(file: string): boolean {
  return /[\\/]tfjs(-[a-z-]+)?[\\/]src[\\/]/.test(file) && !fs.existsSync(file);
}

/** The user's frame in `stack` (an Error's stack text), skipping frames from files `isOwn` accepts. */
export function userCallSite(stack: string | undefined, isOwn: (file: string) => boolean): SourceLocation | null {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) {
      continue;
    }
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (file.startsWith('node:') || !/[\\/]/.test(file) || /[\\/]node_modules[\\/]/.test(file) || isMappedTfjsFrame(file) || isOwn(file)) {
      continue;
    }
    return { file, line: Number(match[2]) };
  }
  return null;
}
