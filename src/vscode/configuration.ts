/**
 * The one place that reads this extension's settings (design.md). Every setting has a typed getter with
 * the same default as package.json, so a missing or malformed value never reaches the core.
 */
import * as vscode from 'vscode';
import { DEFAULT_SANITY_SETTINGS, sanitizeSettings, type SanitySettings } from './sanity/sanity-request';

/** The configuration section; every key below is `runningBatchNorm.<key>`. */
export const CONFIGURATION_SECTION = 'runningBatchNorm';

function section(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(CONFIGURATION_SECTION, scope);
}

// --- Sanity-train (runningBatchNorm.sanity.*) ------------------------------------------------------

/**
 * The sanity-train settings for a file (so folder settings apply), each out-of-range value replaced by
 * its default (`sanitizeSettings`). Defaults: 300 steps, batch size 8, 60 s, 4096 MB, backend auto,
 * the model's own learning rate, data auto, telemetry on.
 */
export function getSanitySettings(scope?: vscode.ConfigurationScope): SanitySettings {
  const config = section(scope);
  const d = DEFAULT_SANITY_SETTINGS;
  const get = <T>(key: keyof SanitySettings, fallback: T): T => config.get<T>(`sanity.${key}`, fallback);
  return sanitizeSettings({
    steps: get('steps', d.steps),
    batchSize: get('batchSize', d.batchSize),
    timeBudgetSeconds: get('timeBudgetSeconds', d.timeBudgetSeconds),
    maxMemoryMb: get('maxMemoryMb', d.maxMemoryMb),
    backend: get('backend', d.backend),
    learningRate: get<number | null>('learningRate', d.learningRate),
    data: get('data', d.data),
    telemetry: get('telemetry', d.telemetry),
    threads: get('threads', d.threads),
  });
}

/** Whether the "Sanity-train" lenses show above model builders. Defaults to true. */
export function getSanityCodeLensEnabled(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<unknown>('sanity.codeLens', true) !== false;
}

// --- Conversion and diagnostics (runningBatchNorm.layerFile.*, diagnostics.*, workspace.*) ----------

/** How convertible batch-norm layers are reported; 'off' shows none (code actions still work). */
export type DiagnosticsSeveritySetting = 'information' | 'hint' | 'off';

const SEVERITIES: readonly DiagnosticsSeveritySetting[] = ['information', 'hint', 'off'];

function readNumber(key: string, fallback: number, min: number, max: number, scope?: vscode.ConfigurationScope): number {
  const value = section(scope).get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/**
 * Where conversion puts the vendored layer file, as the user wrote it (relative to the workspace folder,
 * or absolute; a folder or a file). `undefined` (the default, empty) lets the core choose: next to the
 * converted code, reusing an existing `running-batch-norm.<ext>` in a parent folder.
 * In Restricted Mode VS Code reads this from user settings only (package.json restrictedConfigurations).
 */
export function getLayerFilePathSetting(scope?: vscode.ConfigurationScope): string | undefined {
  const value = section(scope).get<unknown>('layerFile.path');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * RunningBatchNorm args written into converted calls that have no arguments, e.g. `{ "statsInterval": 2 }`.
 * Calls with arguments keep what the user wrote. Defaults to none; a value that is not a JSON object is ignored.
 */
export function getConversionDefaultArgs(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const value = section(scope).get<unknown>('conversion.defaultArgs');
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Severity of "could use RunningBatchNorm" diagnostics. Defaults to 'information'. */
export function getDiagnosticsSeverity(scope?: vscode.ConfigurationScope): DiagnosticsSeveritySetting {
  const value = section(scope).get<unknown>('diagnostics.severity');
  return SEVERITIES.includes(value as DiagnosticsSeveritySetting) ? (value as DiagnosticsSeveritySetting) : 'information';
}

/** Files with more characters than this get no diagnostics, so typing in huge generated files stays fast. Defaults to 512 K. */
export function getDiagnosticsMaxFileSize(scope?: vscode.ConfigurationScope): number {
  return readNumber('diagnostics.maxFileSizeKb', 512, 1, 100_000, scope) * 1024;
}

/** How long typing must pause before diagnostics refresh. Defaults to 400 ms. */
export function getDiagnosticsDelayMs(): number {
  return readNumber('diagnostics.delayMs', 400, 0, 10_000);
}

/** Extra globs "Convert All BatchNorm in Workspace…" skips, on top of node_modules, files.exclude and search.exclude. */
export function getWorkspaceExcludeGlobs(scope?: vscode.ConfigurationScope): string[] {
  const value = section(scope).get<unknown>('workspace.exclude');
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/** Whether a configuration change touches the settings that shape diagnostics. */
export function affectsDiagnostics(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${CONFIGURATION_SECTION}.diagnostics`);
}

/** `files.exclude` and `search.exclude` globs that are switched on (plain `true`; `when` clauses are skipped). */
export function getEditorExcludeGlobs(scope?: vscode.ConfigurationScope): string[] {
  const globs: string[] = [];
  for (const key of ['files.exclude', 'search.exclude']) {
    const value = vscode.workspace.getConfiguration(undefined, scope).get<Record<string, unknown>>(key) ?? {};
    globs.push(...Object.entries(value).filter(([, on]) => on === true).map(([glob]) => glob));
  }
  return globs;
}
