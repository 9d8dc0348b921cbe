/**
 * The arguments a builder last ran with, per file and builder, kept in workspace state so the next run
 * proposes them first (pure: works on any Memento-shaped store, so unit tests use a Map).
 */

/** The part of `vscode.Memento` this needs. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** What one run was called with. */
export interface RememberedCall {
  args: unknown[];
  ctorArgs?: unknown[];
  /** The module variables' values (see ModuleVariablesProposal), when the builder reads any. */
  moduleVars?: Record<string, unknown>;
  /** The instance fields' values (`this.numClasses`), when the method builder reads empty ones. */
  instanceVars?: Record<string, unknown>;
  /** The names among them the user changed in the box (SanityRequest.instanceVarsTyped). */
  instanceVarsTyped?: string[];
}

/** One workspace-state key holds every entry, so the state stays one small JSON object. */
export const LAST_RUN_STATE_KEY = 'runningBatchNorm.sanity.lastArgs';

/** Oldest entries go first beyond this, so renamed files and builders do not pile up forever. */
export const LAST_RUN_LIMIT = 200;

/**
 * The entry's key: the file's path relative to its workspace folder when it has one (moving the
 * workspace keeps the memory), then the builder id. Windows paths use '/' so one file has one key.
 */
export function lastRunKey(relativeFile: string, builderId: string): string {
  return `${relativeFile.replace(/\\/g, '/')}#${builderId}`;
}

type Entries = Record<string, RememberedCall>;

export class LastRunMemory {
  constructor(private readonly store: StateStore) {}

  get(relativeFile: string, builderId: string): RememberedCall | undefined {
    const entry = this.entries()[lastRunKey(relativeFile, builderId)];
    return isRememberedCall(entry) ? copyCall(entry) : undefined;
  }

  /** Records a call, as the newest entry. */
  async remember(relativeFile: string, builderId: string, call: RememberedCall): Promise<void> {
    const key = lastRunKey(relativeFile, builderId);
    const entries = { ...this.entries() };
    delete entries[key];
    entries[key] = copyCall(call);
    const keys = Object.keys(entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - LAST_RUN_LIMIT))) {
      delete entries[old];
    }
    await this.store.update(LAST_RUN_STATE_KEY, entries);
  }

  private entries(): Entries {
    const stored = this.store.get<unknown>(LAST_RUN_STATE_KEY);
    return stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Entries) : {};
  }
}

function copyCall(call: RememberedCall): RememberedCall {
  return { args: call.args, ...(call.ctorArgs ? { ctorArgs: call.ctorArgs } : {}), ...(call.moduleVars ? { moduleVars: call.moduleVars } : {}), ...(call.instanceVars ? { instanceVars: call.instanceVars } : {}), ...(call.instanceVarsTyped ? { instanceVarsTyped: call.instanceVarsTyped } : {}) };
}

/** State written by another version, or edited by hand, is ignored rather than trusted. */
function isRememberedCall(value: unknown): value is RememberedCall {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const v = value as Partial<RememberedCall>;
  const isObject = (o: unknown) => o !== null && typeof o === 'object' && !Array.isArray(o);
  return Array.isArray(v.args) && (v.ctorArgs === undefined || Array.isArray(v.ctorArgs)) && (v.moduleVars === undefined || isObject(v.moduleVars)) && (v.instanceVars === undefined || isObject(v.instanceVars)) && (v.instanceVarsTyped === undefined || (Array.isArray(v.instanceVarsTyped) && v.instanceVarsTyped.every((n) => typeof n === 'string')));
}
