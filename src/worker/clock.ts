/**
 * Node's own clocks. During a capture, sanity-train runs inside the user's program, whose test
 * environment may have replaced the globals: jsdom's `performance` counts from another origin (its
 * `now()` can read as the epoch in milliseconds), and fake timers freeze `Date`. Budgets and
 * deadlines read these instead, which no program replaces.
 */
import { performance as nodePerformance } from 'node:perf_hooks';

/** Milliseconds since this process started (what `performance.now()` gives in plain Node). */
export function monotonicMs(): number {
  return nodePerformance.now();
}

/** Milliseconds since the epoch (what `Date.now()` gives where nothing replaced `Date`). */
export function epochMs(): number {
  return nodePerformance.timeOrigin + nodePerformance.now();
}
