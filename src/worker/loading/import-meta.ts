/**
 * `import.meta` in an ES module the worker transpiles to CommonJS (module-loader.ts): CommonJS has
 * none, and Node, finding it, loads the file as an ES module after all, where the transpiled
 * `exports` is not defined ("exports is not defined in ES module scope"). Modules use it to find
 * their own folder (`path.dirname(url.fileURLToPath(import.meta.url))`), so it becomes the CommonJS
 * equivalent: `{ url, filename, dirname }` of the file.
 */
import type { ts as Typescript } from 'ts-morph';

/** The transformer for ts.transpileModule's `before` list. */
export function importMetaTransformer(t: typeof Typescript): Typescript.TransformerFactory<Typescript.SourceFile> {
  return (context) => (sourceFile) => {
    const f = context.factory;
    const visit = (node: Typescript.Node): Typescript.Node => {
      if (t.isMetaProperty(node) && node.keywordToken === t.SyntaxKind.ImportKeyword && node.name.text === 'meta') {
        return f.createParenthesizedExpression(importMetaObject(f));
      }
      return t.visitEachChild(node, visit, context);
    };
    return t.visitNode(sourceFile, visit) as Typescript.SourceFile;
  };
}

/** `{ url: require('url').pathToFileURL(__filename).href, filename: __filename, dirname: __dirname }`. */
function importMetaObject(f: Typescript.NodeFactory): Typescript.Expression {
  const requireUrl = f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral('url')]);
  const href = f.createPropertyAccessExpression(f.createCallExpression(f.createPropertyAccessExpression(requireUrl, 'pathToFileURL'), undefined, [f.createIdentifier('__filename')]), 'href');
  return f.createObjectLiteralExpression([
    f.createPropertyAssignment('url', href),
    f.createPropertyAssignment('filename', f.createIdentifier('__filename')),
    f.createPropertyAssignment('dirname', f.createIdentifier('__dirname')),
  ]);
}
