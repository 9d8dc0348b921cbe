/**
 * What a failed run says (pure): one short line for the notification, because VS Code folds a long
 * one out of sight; the whole story (message, request, backend details) for the log behind Show Log.
 */
import type { SanityRequest } from '../../core/training/protocol';

/** Longest notification line; longer messages end with a pointer to the log. */
export const MAX_NOTICE_CHARS = 160;

/** The message's first line, shortened at a word boundary when it is long. */
export function noticeLine(prefix: string, message: string): string {
  const first = message.split('\n', 1)[0].trim() || 'no message';
  const line = `${prefix}: ${first}`;
  if (line.length <= MAX_NOTICE_CHARS) {
    return line;
  }
  const more = '… (Show Log for the rest)';
  const cut = line.slice(0, MAX_NOTICE_CHARS - more.length);
  const space = cut.lastIndexOf(' ');
  return `${space > prefix.length + 10 ? cut.slice(0, space) : cut}${more}`;
}

export interface FailureDetails {
  model: string;
  file: string;
  reason: string;
  message: string;
  request?: SanityRequest;
  /** Whatever else the launcher said about the run (the backend that was tried, why others were skipped). */
  extra?: Record<string, unknown>;
}

/** The log entry: the reason, the whole message, the request as sent, and the extra details. */
export function failureLogEntry(f: FailureDetails): string {
  const lines = [`Sanity-train of ${f.model} in ${f.file} failed (${f.reason}):`, f.message];
  if (f.request) {
    lines.push(`Request: ${JSON.stringify(f.request)}`);
  }
  for (const [key, value] of Object.entries(f.extra ?? {})) {
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines.join('\n');
}
