import type { Usage } from '../analysis/types';
import type { OffsetRange, SkippedUsage } from './types';

/** Whether a usage intersects the range (a cursor, an empty range, touches it); always when absent. */
export function inRange(usage: Usage, range: OffsetRange | undefined): boolean {
  return !range || (usage.start <= range.end && range.start <= usage.end);
}

/** The usages left as they were, with their lines after the edits (`lineAfter`) when given. */
export function skippedOf(targets: Usage[], lineAfter?: (offset: number) => number): SkippedUsage[] {
  return targets.filter((u) => !u.convertible).map((u) => ({ line: lineAfter ? lineAfter(u.start) : u.line, reason: u.reason ?? 'cannot be converted automatically' }));
}
