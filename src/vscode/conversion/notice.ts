/**
 * What a conversion command's outcome shows the user: a toast short enough that VS Code's collapsed
 * notification shows it whole (it cuts longer text), the key fact first; when the message is longer,
 * the full text goes to the log and the toast gets a button that opens it. A preview the user
 * discarded shows nothing: closing it was the answer. Pure: no `vscode` import.
 */

/** Longest toast text a collapsed VS Code notification shows whole, about two lines of its 450 px. */
export const TOAST_MAX_CHARS = 110;
/** The toast's button when part of the message is in the log. */
export const DETAILS_BUTTON = 'Details';

export interface Notice {
  kind: 'information' | 'warning' | 'none';
  /** The toast text (empty for `none`). */
  text: string;
  /** The full message for the log (opened by {@link DETAILS_BUTTON}), when the toast left part of it out. */
  logged?: string;
}

/** The toast for an outcome: information when applied, warning when not, none when the user discarded it. */
export function noticeFor(outcome: { applied: boolean; discarded?: boolean; message: string }): Notice {
  if (outcome.discarded) {
    return { kind: 'none', text: '' };
  }
  const kind = outcome.applied ? 'information' : 'warning';
  const text = toastText(outcome.message);
  return text === outcome.message ? { kind, text } : { kind, text, logged: outcome.message };
}

/** The message itself when it fits; else its first sentence (the key fact: what was converted), cut to fit if it must. */
export function toastText(message: string, max = TOAST_MAX_CHARS): string {
  if (message.length <= max) {
    return message;
  }
  const end = message.indexOf('. ');
  const first = end < 0 ? message : message.slice(0, end + 1);
  return first.length <= max ? first : `${first.slice(0, max - 1).trimEnd()}…`;
}
