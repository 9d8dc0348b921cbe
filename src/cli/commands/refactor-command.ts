/** Shared by `rbn convert` and `rbn revert`: arguments, output (table, JSON or diff) and exit code. */
import { EXIT_CANNOT_RUN, EXIT_OK, CliUsageError, parseCommandArgs, type CliIo } from '../command';
import { refactorPaths, type Direction, type RefactorFilesJson } from '../refactor-files';
import { fileErrorJson } from '../json-error';
import { verboseLines } from '../tfjs-console';
import { convertSavedModelFile, type SavedModelResult } from '../saved-model-files';

export async function runRefactorCommand(direction: Direction, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    out: { type: 'string' },
    'in-place': { type: 'boolean' },
    verbose: { type: 'boolean' },
    ...(direction === 'convert' ? { 'layer-path': { type: 'string' }, 'default-args': { type: 'string' } } : {}),
  });
  if (positionals.length === 0) {
    throw new CliUsageError(`${direction} needs at least one file or folder`);
  }
  const dryRun = values['dry-run'] === true;
  if (positionals.some(isModelJson)) {
    return runSavedModels(direction, positionals, values, io);
  }
  if (values.out !== undefined || values['in-place'] !== undefined) {
    throw new CliUsageError('--out and --in-place are for saved models (a model.json path)');
  }
  const layerPath = typeof values['layer-path'] === 'string' ? values['layer-path'] : undefined;
  const defaultArgs = parseDefaultArgs(values['default-args']);
  const { json, diff } = refactorPaths(positionals, io.cwd, direction, { dryRun, layerPath, defaultArgs });
  if (values.json) {
    io.out(`${JSON.stringify({ ...json, ...fileErrorJson(json.files.filter((f) => f.error)) })}\n`);
  } else {
    io.out(dryRun ? diff : '');
    (dryRun ? io.err : io.out)(formatRefactor(direction, json));
  }
  const errors = json.files.filter((f) => f.error);
  if (errors.length > 0) {
    io.err(`rbn: ${errors.length} file${errors.length === 1 ? '' : 's'} could not be ${direction === 'convert' ? 'converted' : 'reverted'}; first: ${errors[0]!.file}: ${errors[0]!.error}\n`);
    return EXIT_CANNOT_RUN;
  }
  return EXIT_OK;
}

/** A saved tfjs model is named by its .json file; sources and folders are everything else. */
function isModelJson(p: string): boolean {
  return p.toLowerCase().endsWith('.json');
}

/** `rbn convert|revert <model.json>...`: one line per model, exit 2 when any could not be converted. */
async function runSavedModels(direction: Direction, positionals: string[], values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  if (!positionals.every(isModelJson)) {
    throw new CliUsageError('give either saved models (model.json) or source files and folders, not both');
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  const inPlace = values['in-place'] === true;
  if (out !== undefined && (inPlace || positionals.length > 1)) {
    throw new CliUsageError(inPlace ? '--out and --in-place exclude each other' : '--out takes one model.json');
  }
  const dryRun = values['dry-run'] === true;
  // tfjs's console warnings (orthogonal initializer, banner) only with --verbose, on stderr.
  const onTfjsConsole = values.verbose === true ? (text: string) => io.err(verboseLines(text)) : undefined;
  const files: Array<SavedModelResult & { skipped: [] }> = [];
  for (const p of positionals) {
    files.push({ ...(await convertSavedModelFile(p, io.cwd, direction, { out, inPlace, dryRun, onTfjsConsole })), skipped: [] });
  }
  const verb = direction === 'convert' ? 'converted' : 'reverted';
  if (values.json) {
    io.out(`${JSON.stringify({ files, dryRun, ...fileErrorJson(files.filter((f) => f.error)) })}\n`);
  } else {
    const lines = files.flatMap((f) => [
      f.error ? `${'error'.padEnd(18)} ${f.file}  ${f.error}` : f.converted === 0 ? `${'nothing to do'.padEnd(18)} ${f.file}` : `${(dryRun ? `would be ${verb}` : verb).padEnd(18)} ${f.file} → ${f.output} (${f.converted} layer${f.converted === 1 ? '' : 's'})`,
      ...(f.notes ?? []).map((n) => `${'note'.padEnd(18)} ${n}`),
    ]);
    io.out(`${lines.join('\n')}\n`);
  }
  const errors = files.filter((f) => f.error);
  if (errors.length > 0) {
    io.err(`rbn: ${errors[0]!.file}: ${errors[0]!.error}\n`);
    return EXIT_CANNOT_RUN;
  }
  return EXIT_OK;
}

/** `--default-args '{"statsInterval":2}'`: a JSON object, or a usage error that says what is wrong. */
function parseDefaultArgs(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`--default-args must be a JSON object (${error instanceof Error ? error.message : error})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError('--default-args must be a JSON object, e.g. \'{"statsInterval":2}\'');
  }
  return value as Record<string, unknown>;
}

function formatRefactor(direction: Direction, json: RefactorFilesJson): string {
  const verb = direction === 'convert' ? 'converted' : 'reverted';
  const lines: string[] = [];
  let total = 0;
  let files = 0;
  for (const f of json.files) {
    total += f.converted;
    files += f.converted > 0 ? 1 : 0;
    if (f.converted > 0) {
      const from = f.layerPackage ? `, imports ${f.layerPackage}` : '';
      lines.push(`${(json.dryRun ? `would be ${verb}` : verb).padEnd(18)} ${f.file} (${f.converted} layer${f.converted === 1 ? '' : 's'}${from})`);
    }
    f.skipped.forEach((s) => lines.push(`${'skipped'.padEnd(18)} ${f.file}:${s.line}  ${s.reason}`));
    if (f.error) {
      lines.push(`${'error'.padEnd(18)} ${f.file}  ${f.error}`);
    }
    if (f.note) {
      lines.push(`${'to do'.padEnd(18)} ${f.note}`);
    }
  }
  json.layerFilesCreated.forEach((p) => lines.push(`${(json.dryRun ? 'would be created' : 'created').padEnd(18)} ${p}`));
  json.htmlPages.forEach((p) => lines.push(`${(json.dryRun ? 'would be updated' : 'updated').padEnd(18)} ${p} (<script> tag of the layer)`));
  const layers = `${total} layer${total === 1 ? '' : 's'}`;
  lines.push(total === 0 ? `nothing to ${direction}` : `${layers} ${json.dryRun ? `would be ${verb}` : verb} in ${files} file${files === 1 ? '' : 's'}${json.dryRun ? ' (dry run: nothing written)' : ''}`);
  return `${lines.join('\n')}\n`;
}
