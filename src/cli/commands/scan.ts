import { analyzeSource } from '../../core/analysis';
import type { Usage } from '../../core/analysis/types';
import { collectSourceFiles, readSourceFile } from '../../core/workspace';
import { EXIT_CANNOT_RUN, EXIT_FOUND, EXIT_OK, parseCommandArgs, CliUsageError, type CliCommand, type CliIo } from '../command';
import { displayPath } from '../paths';
import { fileErrorJson } from '../json-error';

/** `rbn scan --json` shape (issue 3): fields may be added, never renamed. */
export interface ScanJson {
  files: { file: string; usages: { kind: Usage['kind']; line: number; column: number; convertible: boolean; reason?: string; module?: string | null }[]; error?: string }[];
  /** How many source files were looked at. */
  scanned: number;
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'list batch-norm layers, RunningBatchNorm layers and manual normalisation',
  help: `Usage: rbn scan <paths...> [--json]

Lists every tfjs batch-norm layer, RunningBatchNorm layer and low-level normalisation op
(tf.batchNorm*, tf.moments) in the given files and folders. Folders are walked, skipping
node_modules, .git and what .gitignore ignores.

Exit codes: 0 nothing left to convert, 1 convertible batch-norm layers found,
            2 could not run (bad arguments, unreadable or unparsable files).`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    if (positionals.length === 0) {
      throw new CliUsageError('scan needs at least one file or folder');
    }
    const report = scanPaths(positionals, io.cwd);
    const errors = report.files.filter((f) => f.error);
    io.out(values.json ? `${JSON.stringify({ ...report, ...fileErrorJson(errors) })}\n` : formatScan(report));
    if (errors.length > 0) {
      io.err(`rbn: ${errors.length} file${errors.length === 1 ? '' : 's'} could not be scanned; first: ${errors[0]!.file}: ${errors[0]!.error}\n`);
      return EXIT_CANNOT_RUN;
    }
    return report.files.some((f) => f.usages.some((u) => u.kind === 'batchNormalization' && u.convertible)) ? EXIT_FOUND : EXIT_OK;
  },
};

/** Scans files and folders (only files with usages or errors are listed). */
export function scanPaths(paths: string[], cwd: string): ScanJson {
  const collected = collectSourceFiles(paths, cwd);
  const files: ScanJson['files'] = collected.errors.map((e) => ({ file: displayPath(e.file, cwd), usages: [], error: e.error }));
  for (const file of collected.files) {
    const read = readSourceFile(file);
    const analysis = read.ok ? analyzeSource(read.text, file) : { usages: [], error: read.error };
    if (analysis.usages.length > 0 || analysis.error) {
      const usages = analysis.usages.map((u) => ({ kind: u.kind, line: u.line, column: u.column, convertible: u.convertible, ...(u.reason ? { reason: u.reason } : {}), module: u.module }));
      files.push({ file: displayPath(file, cwd), usages, ...(analysis.error ? { error: analysis.error } : {}) });
    }
  }
  return { files, scanned: collected.files.length };
}

const KIND_LABEL: Record<Usage['kind'], string> = { batchNormalization: 'batchNormalization', runningBatchNorm: 'runningBatchNorm', manual: 'manual' };

function formatScan(report: ScanJson): string {
  const lines: string[] = [];
  let convertible = 0;
  let usages = 0;
  for (const f of report.files) {
    lines.push(f.file);
    if (f.error) {
      lines.push(`  error  ${f.error}`);
    }
    for (const u of f.usages) {
      usages++;
      convertible += u.kind === 'batchNormalization' && u.convertible ? 1 : 0;
      const status = u.kind === 'runningBatchNorm' ? 'converted' : u.convertible ? 'convertible' : `not convertible: ${u.reason ?? ''}`;
      lines.push(`  ${`${u.line}:${u.column}`.padEnd(8)} ${KIND_LABEL[u.kind].padEnd(19)} ${status}`);
    }
  }
  const s = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const hint = convertible > 0 ? ' (run `rbn convert` to convert them)' : '';
  lines.push(`${s(report.scanned, 'file')} scanned, ${s(usages, 'usage')}, ${convertible} convertible${hint}`);
  return `${lines.join('\n')}\n`;
}
