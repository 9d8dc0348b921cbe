import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

interface Snippet {
  prefix: string | string[];
  description: string;
  body: string[];
}

/** The contributed snippets and those the extension offers with the import (`<dialect>.layer.json`). */
function readSnippets(file: string): Record<string, Snippet> {
  const read = (name: string): Record<string, Snippet> => JSON.parse(readFileSync(path.join(ROOT, 'snippets', name), 'utf8')) as Record<string, Snippet>;
  return { ...read(file), ...read(file.replace('.json', '.layer.json')) };
}

/** What the user gets when they tab through without typing: every placeholder at its default. */
function expandDefaults(body: string[]): string {
  return body
    .join('\n')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1')
    .replace(/\$\d+/g, '');
}

function syntaxErrors(code: string, fileName: string): string[] {
  const out = ts.transpileModule(code, { fileName, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const PREFIXES = ['rbn', 'rbn-import', 'rbn-conv-block', 'rbn-dense-block', 'rbn-model'];

for (const [file, sourceName] of [
  ['javascript.json', 'snippet.js'],
  ['typescript.json', 'snippet.ts'],
] as const) {
  describe(`snippets/${file}`, () => {
    const snippets = readSnippets(file);

    it('offers every documented prefix', () => {
      const prefixes = new Set(Object.values(snippets).flatMap((s) => [s.prefix].flat()));
      for (const prefix of PREFIXES) {
        assert.ok(prefixes.has(prefix), `missing prefix ${prefix}`);
      }
    });

    it('offers rbn-import in both ESM and CommonJS form', () => {
      const bodies = Object.values(snippets)
        .filter((s) => [s.prefix].flat().includes('rbn-import'))
        .map((s) => s.body.join('\n'));
      assert.ok(bodies.some((b) => /^import \{ runningBatchNorm/.test(b)));
      assert.ok(bodies.some((b) => /= require\(/.test(b)));
    });

    for (const [name, snippet] of Object.entries(snippets)) {
      it(`"${name}" parses with its defaults filled in`, () => {
        const code = expandDefaults(snippet.body);
        assert.ok(!code.includes('${'), `unexpanded placeholder in ${code}`);
        assert.deepEqual(syntaxErrors(code, sourceName), [], code);
        assert.ok(snippet.description.length > 10, 'has a description');
      });
    }
  });
}

describe('snippet files', () => {
  it('match their generator (scripts/snippets-source.mjs)', () => {
    for (const [file, isTs, layer] of [['javascript.json', false, false], ['typescript.json', true, false], ['javascript.layer.json', false, true], ['typescript.layer.json', true, true]] as const) {
      const generated = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `import { snippetFileText } from './scripts/snippets-source.mjs'; process.stdout.write(snippetFileText(${isTs}, ${layer}));`],
        { cwd: ROOT, encoding: 'utf8' },
      );
      assert.equal(readFileSync(path.join(ROOT, 'snippets', file), 'utf8'), generated, `${file} is stale: run node scripts/snippets-source.mjs`);
    }
  });

  it('the TypeScript model factory is typed and the JavaScript one is exported with module.exports', () => {
    const tsModel = Object.values(readSnippets('typescript.json')).find((s) => s.prefix === 'rbn-model');
    const jsModel = Object.values(readSnippets('javascript.json')).find((s) => s.prefix === 'rbn-model');
    assert.match(expandDefaults(tsModel?.body ?? []), /export function createModel\(\): tf\.Sequential/);
    assert.match(expandDefaults(jsModel?.body ?? []), /module\.exports = \{ createModel \}/);
  });
});
