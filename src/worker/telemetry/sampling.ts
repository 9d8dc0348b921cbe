/**
 * Which steps telemetry measures: at most `max` of them, spread evenly from the first step, so a long
 * run costs no more than a short one and step 1 (the initial state) is always seen.
 */
export const MAX_SAMPLED_STEPS = 150;

/** The stride between sampled steps for a run of `totalSteps`. */
export function sampleStride(totalSteps: number, max = MAX_SAMPLED_STEPS): number {
  return Math.max(1, Math.ceil(totalSteps / max));
}

/** Whether `step` (1-based) is sampled in a run of `totalSteps`. */
export function isSampledStep(step: number, totalSteps: number, max = MAX_SAMPLED_STEPS): boolean {
  return step >= 1 && step <= totalSteps && (step - 1) % sampleStride(totalSteps, max) === 0;
}
