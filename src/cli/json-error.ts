/**
 * `--json` always prints one JSON object, also when a command could not run (exit 2): tools that parse
 * stdout get `{ "error": { "kind", "message" }, "command", … }` with whatever else was known (the
 * backend, the call, the phase), while the one-line reason still goes to stderr.
 */

/** What `error.kind` says: the CLI's own kinds, or a worker's failure reason (threw, timeout, memory, …). */
export type CliErrorKind = 'usage' | 'unreadable' | 'badInput' | 'unsafePath' | 'failed' | (string & {});

export interface CliErrorJson {
  error: { kind: CliErrorKind; message: string; [key: string]: unknown };
  command: string;
  [key: string]: unknown;
}

/** Whether the arguments ask for JSON (`--json` before a `--`). */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** The error object as one line of stdout; `known` adds fields (never overriding error or command). */
export function errorJsonLine(command: string, kind: CliErrorKind, message: string, known: Record<string, unknown> = {}): string {
  const json: CliErrorJson = { ...known, error: { kind, message }, command };
  return `${JSON.stringify(json)}\n`;
}

/** The reason of a stderr line such as `rbn scan: cannot read x` or `rbn: x: y`, without the prefix. */
export function reasonOf(stderr: string): string {
  const last = stderr.trim().split('\n').pop() ?? '';
  return last.replace(/^rbn(?: [a-z-]+)?: /, '');
}

/** `{ error }` for a JSON report whose files could not all be read (exit 2), else nothing: the first file's error. */
export function fileErrorJson(failed: ReadonlyArray<{ file: string; error?: string; errorKind?: string }>): { error?: CliErrorJson['error'] } {
  const first = failed[0];
  if (!first?.error) {
    return {};
  }
  const kind = first.errorKind ?? (/^cannot read|ENOENT|EACCES|EISDIR|no such file/i.test(first.error) ? 'unreadable' : 'badInput');
  return { error: { kind, message: `${first.file}: ${first.error}`, files: failed.length } };
}
