/** Command-line flags of the benches: `--name value` and comma-separated lists (`--seeds 1,2,3`). */

export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function list<T>(name: string, fallback: T[], parse: (s: string) => T): T[] {
  const value = flag(name);
  return value === undefined ? fallback : value.split(',').map((s) => parse(s.trim()));
}
