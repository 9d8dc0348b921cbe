import { strict as assert } from 'node:assert';
import { unifiedDiff } from '../../../src/cli/diff';

/** Applies a unified diff (as patch(1) would) to check that what we print is a correct patch. */
function applyPatch(before: string, patch: string): string {
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let cursor = 0;
  for (const hunk of patch.split(/^(?=@@ )/m).slice(1)) {
    const [, aStart] = /^@@ -(\d+)/.exec(hunk)!;
    const start = Math.max(0, Number(aStart) - (hunk.startsWith('@@ -0') ? 0 : 1));
    out.push(...lines.slice(cursor, start));
    cursor = start;
    for (const line of hunk.split('\n').slice(1, -1)) {
      if (line.startsWith('+')) {
        out.push(line.slice(1));
      } else {
        assert.equal(lines[cursor], line.slice(1), 'context or removed line matches');
        if (line.startsWith(' ')) {
          out.push(line.slice(1));
        }
        cursor++;
      }
    }
  }
  out.push(...lines.slice(cursor));
  return out.length ? `${out.join('\n')}\n` : '';
}

describe('cli: unified diff', () => {
  it('prints git-style headers and a minimal hunk', () => {
    assert.equal(unifiedDiff('a.ts', 'a\nb\nc\n', 'a\nB\nc\n'), '--- a/a.ts\n+++ b/a.ts\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });

  it('shows a new file against /dev/null, and nothing for equal texts', () => {
    assert.equal(unifiedDiff('n.ts', null, 'x\ny\n'), '--- /dev/null\n+++ b/n.ts\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    assert.equal(unifiedDiff('a.ts', 'same\n', 'same\n'), '');
  });

  it('splits far-apart changes into separate hunks', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l25\n', 'L25\n');
    const diff = unifiedDiff('a', before, after);
    assert.equal(diff.match(/^@@/gm)?.length, 2);
    assert.equal(applyPatch(before, diff), after);
  });

  it('is a correct patch for many random edits (seeded)', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: Math.floor(random() * 25) }, () => `l${Math.floor(random() * 4)}`);
      const b = a.map((l) => (random() < 0.2 ? `x${l}` : l)).filter(() => random() > 0.1);
      if (random() < 0.5) {
        b.splice(Math.floor(random() * b.length), 0, 'new');
      }
      const before = a.length ? `${a.join('\n')}\n` : '';
      const after = b.length ? `${b.join('\n')}\n` : '';
      assert.equal(applyPatch(before, unifiedDiff('f', before, after)), after, JSON.stringify({ a, b }));
    }
  });
});
