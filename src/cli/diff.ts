/**
 * A unified diff (the `diff -u` / `git diff` format) of two texts, for `--dry-run`. Myers' O(ND)
 * algorithm on lines, three lines of context, as patch(1) and git apply expect.
 */

const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

/** `--- a/file` / `+++ b/file` headers and hunks; empty when the texts are equal. `before` null = new file. */
export function unifiedDiff(file: string, before: string | null, after: string): string {
  if (before === after) {
    return '';
  }
  const a = before === null ? [] : splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  // git's a/ b/ prefixes for relative paths (so `git apply` and `patch -p1` take it); absolute paths as is.
  const [a0, b0] = file.startsWith('/') || /^[A-Za-z]:/.test(file) ? ['', ''] : ['a/', 'b/'];
  const header = `--- ${before === null ? '/dev/null' : `${a0}${file}`}\n+++ ${b0}${file}\n`;
  return header + hunks(ops).join('');
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

/** Shortest edit script between two line arrays (Myers). */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        return backtrack(trace, a, b, max);
      }
    }
  }
  return [];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], max: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push({ kind: '+', line: b[--y]! });
      } else {
        ops.push({ kind: '-', line: a[--x]! });
      }
    }
  }
  return ops.reverse();
}

function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  let i = 0;
  let aLine = 1;
  let bLine = 1;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      aLine++;
      bLine++;
      continue;
    }
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    // Extend while changes are closer than 2 × CONTEXT lines of equal text.
    for (let lastChange = i; end < ops.length && end - lastChange <= 2 * CONTEXT; end++) {
      if (ops[end]!.kind !== ' ') {
        lastChange = end;
      }
    }
    end = Math.min(ops.length, lastChangeBefore(ops, end) + 1 + CONTEXT);
    const slice = ops.slice(start, end);
    const lead = i - start;
    const aStart = aLine - lead;
    const bStart = bLine - lead;
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@\n${slice.map((o) => `${o.kind}${o.line}\n`).join('')}`);
    aLine = aStart + aCount;
    bLine = bStart + bCount;
    i = end;
  }
  return out;
}

function lastChangeBefore(ops: Op[], end: number): number {
  for (let j = end - 1; j >= 0; j--) {
    if (ops[j]!.kind !== ' ') {
      return j;
    }
  }
  return end - 1;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}
