import type { Usage } from '../analysis/types';
import type { OffsetRange, SkippedUsage } from './types';

/** Whether a usage intersects the range (a cursor, an empty range, touches it); always when absent. */
export function inRange(usage: Usage, range: OffsetRange | undefined): boolean {
  return !range || (usage.start <= range.end && range.start <= usage.end);
}

export function skippedOf(targets: Usage[]): SkippedUsage[] {
  return targets.filter((u) => !u.convertible).map((u) => ({ line: u.line, reason: u.reason ?? 'cannot be converted automatically' }));
}
