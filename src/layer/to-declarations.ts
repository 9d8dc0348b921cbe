/**
 * The layer's TypeScript declarations (run at build time by scripts/embed-layer.mjs): the `.d.ts` that
 * the compiler emits for src/layer/running-batch-norm.ts, which types the npm package's module builds
 * and, made global by browser-declarations.ts, the browser script.
 */
import { loadTsMorph } from '../core/analysis/builders/tfjs-bindings';
import { asciiText } from './ascii-text';

/**
 * The declaration file of a TypeScript module (ASCII, like the JavaScript made from it).
 * @param source the TypeScript text
 * @param fileName where it lives, so that the compiler resolves '@tensorflow/tfjs' from node_modules
 */
export function toDeclarations(source: string, fileName: string): string {
  const { Project, ts } = loadTsMorph();
  const project = new Project({
    compilerOptions: { strict: true, declaration: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] },
    skipAddingFilesFromTsConfig: true,
  });
  const file = project.createSourceFile(fileName.replace(/\.ts$/, '.__to-dts__.ts'), source, { overwrite: true });
  const problems = file.getPreEmitDiagnostics().map((d) => d.getMessageText()).map((m) => (typeof m === 'string' ? m : m.getMessageText()));
  if (problems.length > 0) {
    throw new Error(`toDeclarations: the layer source does not type-check: ${problems[0]}`);
  }
  const output = file.getEmitOutput({ emitOnlyDtsFiles: true }).getOutputFiles()[0];
  if (!output) {
    throw new Error('toDeclarations: the compiler emitted no declarations');
  }
  return asciiText(output.getText());
}
