/**
 * Shared by the benches: command-line flags (`--name value`, comma-separated lists such as
 * `--seeds 1,2,3`) and the digits' normalisation.
 */

export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function list<T>(name: string, fallback: T[], parse: (s: string) => T): T[] {
  const value = flag(name);
  return value === undefined ? fallback : value.split(',').map((s) => parse(s.trim()));
}

/** Mean and standard deviation of the pixels, to normalise digits with the training set's, as fastai does. */
export function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean) };
}
