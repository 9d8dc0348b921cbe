// Real-editor test of conversion with the INSTALLED .vsix (run-e2e.sh installs it into code-server's
// profile): in VS Code 1.96 (code-server) in headless Chromium, open the fixture project, right-click a
// the blank area right of one BatchNorm line and click "Convert to RunningBatchNorm" (exactly that
// layer converts; a line without one offers "Convert All BatchNorm in File"), apply the quick fix with Ctrl+., insert a
// snippet, undo; every step checks the files on disk. Screenshots go to <out-dir> (the README's two).
// Usage: node conversion.ui.mjs <base-url> <workspace-dir> <out-dir>
import { openUiSession } from './ui-session.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [base, wsDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 90_000);
const url = `${base}/?folder=${encodeURIComponent(wsDir)}`;
const onDisk = (rel) => (fs.existsSync(path.join(wsDir, rel)) ? fs.readFileSync(path.join(wsDir, rel), 'utf8') : undefined);
const count = (text, re) => (text?.match(re) ?? []).length;

const { page, step, finish } = await openUiSession({ name: 'conversion', outDir, viewport: { width: 1400, height: 800 } });

/** Polls `check` (a function of the file system) until it returns true. */
async function until(what, check, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error(`timed out: ${what}`);
    }
    await page.waitForTimeout(200);
  }
}

const editorOf = (file) => page.locator(`.monaco-editor[data-uri$="/${file}"]`).first();
const lineOf = (file, text) => editorOf(file).locator('.view-line', { hasText: text }).first();

async function quickOpen(file, text) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: T });
  await input.fill(file);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await lineOf(path.basename(file), text).waitFor({ timeout: T });
}

/** Puts the cursor inside the first `needle` of the saved file, by keyboard (Ctrl+G), and scrolls it into view. */
async function goToText(rel, needle) {
  const lines = onDisk(rel).split('\n');
  const lineNo = lines.findIndex((l) => l.includes(needle)) + 1;
  const column = lines[lineNo - 1].indexOf(needle) + 12;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+1'); // focus the editor
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input.input').fill(`:${lineNo}:${column}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

async function save() {
  await page.keyboard.press('Control+S');
  await page.waitForTimeout(300);
}

/** Closes notifications so they do not cover screenshots. */
async function dismissNotifications() {
  for (const toast of await page.locator('.notification-toast').all()) {
    await toast.hover().catch(() => {});
    await toast.locator('.codicon-notifications-clear').click({ timeout: 1000 }).catch(() => {});
  }
}

await step('workbench loads, model.ts opens with an information squiggle on each BatchNorm layer', async () => {
  await page.goto(url, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  await quickOpen('src/model.ts', 'batchNormalization()');
  await editorOf('model.ts').locator('.squiggly-info').nth(1).waitFor({ timeout: T });
  // The sanity-train CodeLens moves the lines down when it arrives: let it, before measuring lines.
  await editorOf('model.ts').locator('.codelens-decoration').first().waitFor({ timeout: 15_000 }).catch(() => {});
});

/** The point in the blank area right of the code on the line holding `text`. */
async function blankRightOf(file, text) {
  const lines = await editorOf(file).locator('.view-lines').boundingBox();
  const line = await lineOf(file, text).boundingBox();
  return { x: lines.x + lines.width - 60, y: line.y + line.height / 2 };
}

/**
 * Right-clicks at `where()` (measured again each time: CodeLenses shift the lines as they arrive) until
 * the menu has `expected`. Menus opened before activation lack the extension's items, and a right-click
 * that moves the cursor to another line shows the menu before the line's context key has followed it
 * (one extension-host round trip), so the first menu there may still be the previous line's.
 */
async function contextMenuAt(where, expected) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const point = await where();
    await page.mouse.click(point.x, point.y, { button: 'right' });
    const item = page.getByRole('menuitem', { name: expected });
    if (await item.first().isVisible({ timeout: 2000 }).catch(() => false)) {
      return { item: item.first(), names: await page.getByRole('menuitem').allInnerTexts() };
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
  }
  throw new Error(`context menu never showed "${expected}"`);
}

await step('right-click on a line without BatchNorm: the menu reads "Convert All BatchNorm in File", not "Convert to RunningBatchNorm"', async () => {
  const { names } = await contextMenuAt(() => blankRightOf('model.ts', 'const model = tf.sequential()'), 'Convert All BatchNorm in File');
  const texts = names.map((n) => n.replace(/\s+/g, ' ').trim());
  if (texts.some((n) => n.startsWith('Convert to RunningBatchNorm'))) {
    throw new Error(`both entries shown: ${texts.join(' | ')}`);
  }
  await page.keyboard.press('Escape');
});

await step('right-click in the blank area right of one BatchNorm line → "Convert to RunningBatchNorm" converts exactly that layer', async () => {
  await page.keyboard.press('Escape');
  const { item, names } = await contextMenuAt(() => blankRightOf('model.ts', 'batchNormalization({ momentum'), 'Convert to RunningBatchNorm');
  if (names.some((n) => n.includes('Convert All BatchNorm in File'))) {
    throw new Error(`both entries shown: ${names.join(' | ')}`);
  }
  await dismissNotifications();
  await page.waitForTimeout(300); // menu items accept clicks only ~100 ms after rendering
  await page.screenshot({ path: path.join(outDir, 'context-menu.png') });
  await item.click();
  await save();
  await until('model.ts converted on disk', () => count(onDisk('src/model.ts'), /runningBatchNorm\(/g) === 1);
  const model = onDisk('src/model.ts');
  if (!/import \{ runningBatchNorm \} from '\.\/running-batch-norm';/.test(model) || !/runningBatchNorm\(\{ momentum: 0\.99 \}\)/.test(model) || count(model, /tf\.layers\.batchNormalization\(\)/g) !== 1) {
    throw new Error(`not exactly the layer pointed at:\n${model}`);
  }
  await until('layer file on disk', () => /class RunningBatchNorm/.test(onDisk('src/running-batch-norm.ts') ?? ''));
  await page.locator('.notification-toast', { hasText: 'Converted 1 BatchNorm layer in model.ts (line 11)' }).first().waitFor({ timeout: T });
});

await step('Ctrl+. on the other layer shows the quick fix; choosing it converts the layer', async () => {
  await dismissNotifications();
  const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Convert to RunningBatchNorm' }).first();
  for (let attempt = 0; attempt < 10 && !(await row.isVisible().catch(() => false)); attempt++) {
    await goToText('src/model.ts', 'batchNormalization()');
    await page.keyboard.press('Control+.');
    await row.waitFor({ timeout: 3000 }).catch(() => {});
  }
  // The action widget's transparent pointer block goes away only on a real mouse move onto the row.
  const box = await row.boundingBox();
  await page.mouse.move(box.x + 40, box.y + box.height / 2);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'quick-fix.png') });
  await page.mouse.click(box.x + 40, box.y + box.height / 2);
  await save();
  await until('both layers converted on disk', () => count(onDisk('src/model.ts'), /runningBatchNorm\(/g) === 2);
});

await step('one undo brings the second layer back', async () => {
  await editorOf('model.ts').locator('.view-lines').click();
  await page.keyboard.press('Control+Z');
  await save();
  await until('one layer back on disk', () => count(onDisk('src/model.ts'), /tf\.layers\.batchNormalization\(\)/g) === 1);
  if (count(onDisk('src/model.ts'), /runningBatchNorm\(/g) !== 1) {
    throw new Error(`undo went too far:\n${onDisk('src/model.ts')}`);
  }
});

await step('typing "rbn-dense-block" offers the snippet; Enter inserts it and the layer\'s import', async () => {
  await quickOpen('src/snippet-target.ts', 'Snippets go below');
  await editorOf('snippet-target.ts').locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('rbn-dense-block', { delay: 30 });
  const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'rbn-dense-block' }).first();
  if (!(await suggestion.isVisible({ timeout: 5000 }).catch(() => false))) {
    await page.keyboard.press('Control+Space');
  }
  await suggestion.waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await save();
  await until('snippet on disk', () => /model\.add\(tf\.layers\.dense\(\{ units: 128, useBias: false \}\)\);\nmodel\.add\(runningBatchNorm\(\{ momentum: 0\.9 \}\)\);/.test(onDisk('src/snippet-target.ts') ?? ''));
  if (!/^import \* as tf from '@tensorflow\/tfjs';\nimport \{ runningBatchNorm \} from '\.\/running-batch-norm';\n/.test(onDisk('src/snippet-target.ts'))) {
    throw new Error(`the snippet did not add the layer's import:\n${onDisk('src/snippet-target.ts')}`);
  }
});

async function runCommand(title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: T });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
}

await step('"Convert All BatchNorm in Workspace…" opens the refactor preview; Apply converts the other files', async () => {
  await runCommand('Convert All BatchNorm in Workspace…');
  const apply = page.locator('.bulk-edit-panel .monaco-button', { hasText: 'Apply' }).first();
  await apply.waitFor({ timeout: T });
  await page.locator('.bulk-edit-panel .monaco-list-row', { hasText: 'classifier.js' }).first().waitFor({ timeout: T });
  if (count(onDisk('src/nested/classifier.js'), /runningBatchNorm/g) !== 0) {
    throw new Error('converted before Apply');
  }
  // The layer file's creation is an entry of its own; wait for it too before ticking.
  await page.locator('.bulk-edit-panel .monaco-list-row', { hasText: 'running-batch-norm.js' }).first().waitFor({ timeout: T });
  // The layer file is ticked from the start: a file ticked without it would import nothing.
  const layerBox = page.locator('.bulk-edit-panel .monaco-list-row[aria-level="1"]', { hasText: 'running-batch-norm.js' }).first().locator('input[type=checkbox]');
  if (!(await layerBox.isChecked())) {
    throw new Error('the layer file entry is not ticked from the start');
  }
  // VS Code lists entries that need confirmation unticked: the user ticks the files to convert. Ticking
  // one re-renders the tree, so re-query the first unticked box each time rather than index a stale list.
  const unticked = page.locator('.bulk-edit-panel .monaco-list-row[aria-level="1"] input[type=checkbox]:not(:checked)');
  for (let i = 0; i < 20 && (await unticked.count()) > 0; i++) {
    await unticked.first().check();
    await page.waitForTimeout(100);
  }
  if ((await unticked.count()) > 0) {
    throw new Error('a file entry of the preview stayed unticked');
  }
  await page.screenshot({ path: path.join(outDir, 'workspace-preview.png') });
  await apply.click();
  await runCommand('File: Save All Files');
  await until('classifier.js converted on disk', () => /require\('\.\/running-batch-norm'\)/.test(onDisk('src/nested/classifier.js') ?? ''));
  await until('model.ts fully converted', () => count(onDisk('src/model.ts'), /batchNormalization\(/g) === 0);
  await until('layer file beside classifier.js', () => /class RunningBatchNorm/.test(onDisk('src/nested/running-batch-norm.js') ?? ''));
  if (!/batchNormalization\(\)/.test(onDisk('node_modules/some-lib/index.js'))) {
    throw new Error('node_modules touched');
  }
});

await finish();
