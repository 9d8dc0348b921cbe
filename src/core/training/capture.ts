/**
 * Capture: sanity-train on the model the user's own program builds and trains (`rbn sanity --from
 * "<command>"`). Shared by the worker (which runs the program with tfjs hooked), the CLI and the
 * editor. The report's `capture` field is part of the `rbn sanity --json` contract.
 */
import type { SourceLocation } from './protocol';

/** What to run and which model to take. */
export interface SanityCaptureRequest {
  /** A shell command line, e.g. `node train.js`, `npx mocha test/model.test.js`, `npm run train`. */
  command: string;
  /** Absolute folder the command runs in (the workspace). */
  cwd: string;
  /** Take the Nth model the program trains (1-based); defaults to 1. */
  capture?: number;
}

/**
 * How the program trained the captured model ('built': it built the model and never trained it;
 * 'applyGradients': in its own loop, whose batches cannot be taken).
 */
export type CaptureKind = 'fit' | 'fitDataset' | 'trainOnBatch' | 'applyGradients' | 'built';

/** The compile() settings the program gave the captured model. */
export interface CapturedCompile {
  /** The optimizer's class name, e.g. 'Adam', and its config (learning rate, betas…). */
  optimizer: string;
  optimizerConfig: Record<string, unknown>;
  /** The loss by name (several for a multi-output model), or 'custom' for a function. */
  loss: string | string[];
  metrics: string[];
}

/** Where the report's model and data came from, when it was captured from a program. */
export interface SanityCapture {
  command: string;
  /** Where the program called fit/fitDataset/trainOnBatch (or built the model, for 'built'); null when the stack did not show it. */
  site: SourceLocation | null;
  kind: CaptureKind;
  /** Examples captured from the program's training calls (0 when it never trained). */
  examples: number;
  /** Of which held out for scoring (the last 20% in the order the program fed them). */
  heldOut: number;
  /** 'captured': the program's own batches; else the built-in data it ran on instead. */
  data: 'captured' | 'mnist' | 'synthetic';
  /** Which trained model this is (1-based, `--capture N`). */
  index: number;
  compile?: CapturedCompile;
  /** For 'built': the seconds the program had run without training it when the model was taken (absent when the program ended first). */
  takenAfterS?: number;
  /** For 'built': how the program failed after building the model, before training it (`exited with code 1`, `threw TypeError: …`). */
  programFailed?: string;
}

/** Defaults: at most this many examples are kept from the program's training calls. */
export const CAPTURE_MAX_EXAMPLES = 4096;
/** …and at most this many bytes of them. */
export const CAPTURE_MAX_BYTES = 256 * 2 ** 20;
/** A program that trains with trainOnBatch: at most this many calls are collected. */
export const CAPTURE_MAX_BATCHES = 64;

/** "train.js:12" for a site, "an unknown place" without one. */
export function describeSite(site: SourceLocation | null): string {
  return site ? `${site.file}:${site.line}` : 'an unknown place';
}

/** One line for the CLI and the panel: what was captured and what it trained on. */
export function describeCapture(capture: SanityCapture): string {
  const where = describeSite(capture.site);
  const nth = capture.index > 1 ? `the ${ordinal(capture.index)} model` : 'the model';
  if (capture.kind === 'built') {
    return `captured ${nth} built at ${where} by \`${capture.command}\`; ${notTrained(capture)}, so it ran on ${capture.data === 'mnist' ? 'MNIST digits' : 'synthetic data'}`;
  }
  if (capture.kind === 'applyGradients') {
    return `captured ${nth} built at ${where} by \`${capture.command}\`, which trains it in its own loop (optimizer.applyGradients); its batches cannot be taken from there, so it ran on ${capture.data === 'mnist' ? 'MNIST digits' : 'synthetic data'}`;
  }
  const data = capture.data === 'captured' ? `${capture.examples} examples from its ${capture.kind}() calls (the last ${capture.heldOut} held out)` : `${capture.data === 'mnist' ? 'MNIST digits' : 'synthetic data'} (its ${capture.examples} captured examples were too few to hold any out)`;
  return `captured ${nth} trained at ${where} (${capture.kind}) by \`${capture.command}\`, with ${data}`;
}

/** What the data was, in words, for a captured model (the report's "Data"). */
export function describeCapturedData(capture: SanityCapture): string {
  const builtIn = capture.data === 'mnist' ? 'MNIST digits (mnist package)' : 'a synthetic task shaped to the model';
  if (capture.kind === 'built') {
    const built = `${builtIn}: \`${capture.command}\` built the model at ${describeSite(capture.site)}`;
    return capture.takenAfterS === undefined && capture.programFailed === undefined ? `${built} and never trained it` : `${built}; ${notTrained(capture)}`;
  }
  if (capture.kind === 'applyGradients') {
    return `${builtIn}: \`${capture.command}\` trains the model built at ${describeSite(capture.site)} in its own loop, whose batches cannot be taken`;
  }
  if (capture.data !== 'captured') {
    return `${builtIn}: \`${capture.command}\` fed too few examples to hold any out`;
  }
  return `the program's own examples: ${capture.examples} from its ${capture.kind}() at ${describeSite(capture.site)} (\`${capture.command}\`), the last ${capture.heldOut} held out`;
}

/** Why a built model ran on built-in data: the program ended (or failed) without training it, or had not trained it when half the budget was gone. */
function notTrained(capture: SanityCapture): string {
  if (capture.programFailed !== undefined) {
    return `the program failed before training it (it ${capture.programFailed})`;
  }
  return capture.takenAfterS === undefined ? 'the program never trained it' : `the program had not trained it after ${capture.takenAfterS} s, half the budget (it may train later)`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
