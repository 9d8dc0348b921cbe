/**
 * The builder (function, method, class) whose body holds the line where the program built its model,
 * so the captured model's layers map to their source lines as a found builder's do.
 */
import { findModelBuildersIn } from '../../../core/analysis/builders/model-builders';
import { parseSourceFile } from '../../../core/analysis/builders/tfjs-bindings';

/** The innermost builder around `line` (1-based); undefined when none holds it (a model built at the top level). */
export function builderAtLine(code: string, fileName: string, line: number): string | undefined {
  let best: { id: string; size: number } | undefined;
  for (const { builder, node } of findModelBuildersIn(parseSourceFile(code, fileName))) {
    if (!node) {
      continue;
    }
    const [start, end] = [node.getStartLineNumber(), node.getEndLineNumber()];
    if (start <= line && line <= end && (!best || end - start < best.size)) {
      best = { id: builder.id, size: end - start };
    }
  }
  return best?.id;
}
