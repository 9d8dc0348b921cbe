/** The one line for a program that ended without a report: it threw, exited, or never built a model. */
/** A line the hook writes on the program's stderr when it throws (the process dies right after). */
export const THREW_MARKER = 'rbn-capture: the program threw: ';

export function programEndMessage(command: string, code: number | null, signal: string | null, tail: string[], captured: boolean): string {
  const threw = [...tail].reverse().find((l) => l.startsWith(THREW_MARKER));
  if (threw) {
    return `\`${command}\` threw before training a model: ${threw.slice(THREW_MARKER.length)}`;
  }
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  if (captured) {
    return `\`${command}\` ${how} during the sanity-train on its model${lastWords(tail)}`;
  }
  if (code === 0 && !signal) {
    return `\`${command}\` exited without building or training a tfjs model (nothing to capture): run the script or test that trains it`;
  }
  return `\`${command}\` ${how} before training a model${lastWords(tail)}`;
}

/** The program's last error-looking line (else its last line), quoted. */
function lastWords(tail: string[]): string {
  // Stack frames and the closing braces of an error's dump say nothing on their own.
  const lines = tail.map((l) => l.trim()).filter((l) => /[A-Za-z]/.test(l) && !/^Node\.js v\d/.test(l) && !/^at /.test(l));
  // npm's first error line says what went wrong; its last only where its log is.
  const error = lines.find((l) => /^npm (error|ERR!) /.test(l)) ?? [...lines].reverse().find((l) => /(^|: )\w*Error\b|\bERR_[A-Z_]+\b/.test(l));
  const pick = error ?? lines[lines.length - 1];
  return pick ? `: ${pick.length > 200 ? `${pick.slice(0, 200)}…` : pick}` : '';
}
