/**
 * Messages the report page posts to the extension, validated (pure). The page is ours, but its input
 * came from the user's code, so the controller trusts nothing it has not checked here.
 */
import type { SourceLocation } from '../../../core/training/protocol';

export type PanelAction = 'rerun' | 'rerunLonger' | 'rerunMoreSteps' | 'compare' | 'showLog' | 'cancel';

export type PanelMessage =
  | { type: 'openSource'; file: string; line: number }
  | { type: 'action'; action: PanelAction }
  /** One of the failure page's buttons, by its place in the list the editor gave the page. */
  | { type: 'action'; action: 'recover'; index: number }
  /** The page's script has loaded (again, after the panel was hidden) and wants the live curves. */
  | { type: 'ready' };

const ACTIONS = new Set<string>(['rerun', 'rerunLonger', 'rerunMoreSteps', 'compare', 'showLog', 'cancel']);

/** The typed message, or undefined for anything malformed. */
export function parsePanelMessage(raw: unknown): PanelMessage | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  if (m.type === 'openSource' && typeof m.file === 'string' && m.file !== '') {
    const line = typeof m.line === 'string' ? Number(m.line) : m.line;
    return typeof line === 'number' && Number.isInteger(line) && line >= 1 ? { type: 'openSource', file: m.file, line } : undefined;
  }
  if (m.type === 'action' && m.action === 'recover') {
    return typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0 ? { type: 'action', action: 'recover', index: m.index } : undefined;
  }
  if (m.type === 'action' && typeof m.action === 'string' && ACTIONS.has(m.action)) {
    return { type: 'action', action: m.action as PanelAction };
  }
  if (m.type === 'ready') {
    return { type: 'ready' };
  }
  return undefined;
}

/** Whether the page asked for a location the report itself named (the only ones it may open). */
export function isKnownSource(request: { file: string; line: number }, sources: readonly SourceLocation[]): boolean {
  return sources.some((s) => s.file === request.file && s.line === request.line);
}
