/**
 * The toasts conversion commands show: short enough for a collapsed VS Code notification, the key fact
 * first, the full text in the log behind a Details button; nothing after a discarded refactor preview.
 */
import * as assert from 'node:assert/strict';
import { describeConversion } from '../../../src/vscode/conversion/editor/conversion-target';
import { noticeFor, TOAST_MAX_CHARS, toastText } from '../../../src/vscode/conversion/notice';

const UNLOADED_PAGE_NOTE =
  'No HTML page in the workspace loads app.js: add <script src="running-batch-norm.browser.js"></script> right after the tfjs <script> tag, before the one that loads app.js, in the page that uses it (src relative to a page next to app.js).';

describe('conversion notices', () => {
  it('a discarded preview shows no toast, not a warning', () => {
    assert.deepEqual(noticeFor({ applied: false, discarded: true, message: 'Discarded: 5 BatchNorm layers in 3 files left as they were.' }), { kind: 'none', text: '' });
  });

  it('applied is information, refused is a warning, both with the message when it fits', () => {
    const converted = 'Converted 1 BatchNorm layer in model.ts (line 11) to RunningBatchNorm.';
    assert.deepEqual(noticeFor({ applied: true, message: converted }), { kind: 'information', text: converted });
    const refused = 'Not applied: 5 BatchNorm layers in 3 files left as they were (a file changed while the preview was open).';
    assert.deepEqual(noticeFor({ applied: false, message: refused }), { kind: 'warning', text: refused });
  });

  const longOnes: [string, string][] = [
    ['a workspace conversion with a browser script no page loads', `Converted 5 BatchNorm layers in 3 files to RunningBatchNorm. ${UNLOADED_PAGE_NOTE}`],
    [
      'a file conversion that left layers as they were',
      describeConversion(
        { kind: 'edits', edits: [], converted: 2, lines: [4, 9], skipped: [{ line: 12, reason: 'called through a parameter typed as the batchNormalization factory: convert the function passed in' }] },
        { scope: 'file' },
        'discriminator-model.ts',
        'convert',
      ),
    ],
  ];
  for (const [name, message] of longOnes) {
    it(`${name}: the toast fits, says what was converted first, and logs the whole message`, () => {
      assert.ok(message.length > TOAST_MAX_CHARS, `the case is long (${message.length})`);
      const notice = noticeFor({ applied: true, message });
      assert.equal(notice.kind, 'information');
      assert.ok(notice.text.length <= TOAST_MAX_CHARS, `${notice.text.length}: ${notice.text}`);
      assert.match(notice.text, /^Converted (all )?\d BatchNorm layers? in .+ to RunningBatchNorm\.$/);
      assert.equal(notice.logged, message);
    });
  }

  it('a first sentence longer than the toast is cut with an ellipsis (the log has it whole)', () => {
    const message = `Converted ${'x'.repeat(200)}. Rest.`;
    const text = toastText(message);
    assert.equal(text.length, TOAST_MAX_CHARS);
    assert.match(text, /^Converted x+…$/);
    assert.equal(noticeFor({ applied: true, message }).logged, message);
  });

  it('many converted lines read as a range', () => {
    const message = describeConversion({ kind: 'edits', edits: [], converted: 12, lines: [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25], skipped: [] }, { scope: 'file' }, 'model.ts', 'convert');
    assert.equal(message, 'Converted all 12 BatchNorm layers in model.ts (lines 3–25) to RunningBatchNorm.');
    assert.ok(message.length <= TOAST_MAX_CHARS);
  });
});
