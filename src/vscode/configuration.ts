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
 * the model's own learning rate, data auto.
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
  });
}

/** Whether the "Sanity-train" lenses show above model factories. Defaults to true. */
export function getSanityCodeLensEnabled(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<unknown>('sanity.codeLens', true) !== false;
}
