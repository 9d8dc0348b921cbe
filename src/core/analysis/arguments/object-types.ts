/**
 * The members of an object type a builder's parameter is annotated with, read from the text of the
 * builder's file: an inline `{ inputShape: [number, number, number]; depth: number }`, an interface
 * or type alias of the file (also `Ns.Dimension`, a type in a namespace), an intersection of those
 * (`UNetArgs & Omit<tf.SequentialArgs, 'layers'>`: the parts that resolve), and whether the code
 * uses a name as a shape (`tf.input({ shape: stateSize })`). Text-based like the other guesses: a
 * guess needs member names and their types as written, not the checker.
 */

/** The language's own named types (and its utility types): no package declares them or a constant of them. */
export const GLOBAL_TYPES: ReadonlySet<string> = new Set(['Array', 'ReadonlyArray', 'Record', 'Partial', 'Required', 'Readonly', 'Pick', 'Omit', 'Promise', 'Map', 'Set', 'Object', 'Function', 'String', 'Number', 'Boolean', 'Date', 'RegExp', 'Error']);

export interface TypeMember {
  name: string;
  typeText: string;
  optional: boolean;
}

/** The members of `type` (as written), or undefined when no part of it resolves to an object type. */
export function membersOfType(type: string, code: string, depth = 0): TypeMember[] | undefined {
  const parts = splitTopLevel(type.trim(), '&');
  const found: TypeMember[] = [];
  let resolved = false;
  for (const part of parts) {
    const body = part.startsWith('{') ? part : declaredObjectType(code, typeName(part));
    const alias = body === undefined && depth < 3 ? aliasedType(code, typeName(part)) : undefined;
    const members = body !== undefined ? membersOf(body) : alias !== undefined ? membersOfType(alias, code, depth + 1) : undefined;
    if (members !== undefined) {
      resolved = true;
      found.push(...members.filter((m) => !found.some((f) => f.name === m.name)));
    }
  }
  return resolved ? found : undefined;
}

/** `type ModelArgs = Sizes & Heads;` → 'Sizes & Heads' (an alias of something other than an object literal). */
function aliasedType(code: string, name: string | undefined): string | undefined {
  return name === undefined ? undefined : new RegExp(`\\btype\\s+${name}\\s*=\\s*([^;{\\n]+)`).exec(code)?.[1]?.trim();
}

/** `EvaluationModel.Dimension` → Dimension, `Args<T>` → Args; undefined for anything else. */
function typeName(part: string): string | undefined {
  const match = /^(?:[A-Za-z_$][\w$]*\.)*([A-Za-z_$][\w$]*)\s*(?:<.*>)?$/s.exec(part.trim());
  return match?.[1];
}

/** The `{ … }` of `interface Name { … }` or `type Name = { … }` anywhere in `code` (a namespace's too). */
export function declaredObjectType(code: string, name: string | undefined): string | undefined {
  if (name === undefined) {
    return undefined;
  }
  const start = new RegExp(`\\b(?:interface\\s+${name}\\s*(?:<[^>{]*>)?\\s*(?:extends[^{]*)?|type\\s+${name}\\s*(?:<[^>=]*>)?\\s*=\\s*)\\{`).exec(code);
  if (!start) {
    return undefined;
  }
  const open = start.index + start[0].length - 1;
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    depth += code[i] === '{' ? 1 : code[i] === '}' ? -1 : 0;
    if (depth === 0) {
      return code.slice(open, i + 1);
    }
  }
  return undefined;
}

/** The members of a flat object type body: `{ width: number; name?: string }`; undefined when it nests objects. */
export function membersOf(body: string): TypeMember[] | undefined {
  const inner = stripComments(body.trim()).slice(1, -1);
  if (/[{}]/.test(inner)) {
    return undefined;
  }
  const out: TypeMember[] = [];
  for (const member of splitTopLevel(inner, ';,\n')) {
    const match = /^(?:readonly\s+)?([A-Za-z_$][\w$]*)(\?)?\s*:\s*(.+)$/s.exec(member);
    if (match) {
      out.push({ name: match[1], typeText: match[3].trim(), optional: match[2] !== undefined });
    }
  }
  return out;
}

/**
 * `code` hands `name` to tfjs as a shape: `shape: name`, `inputShape: name`, `[...name]`,
 * `name.concat([3])`, `[batch, ...name]`. Then a guess is a shape, whatever the name says.
 */
export function usedAsShape(name: string, code: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || code.length === 0) {
    return false;
  }
  const n = name.replace(/\$/g, '\\$');
  const asShape = new RegExp(`\\b(?:shape|inputShape|batchInputShape|targetShape)\\s*:\\s*(?:\\[[^\\]]*?\\.\\.\\.\\s*)?${n}(?![\\w$.\\[(])`);
  const spread = new RegExp(`\\[[^\\]]*\\.\\.\\.\\s*${n}\\s*[\\],]`);
  const concat = new RegExp(`(?<![\\w$.])${n}\\s*\\.\\s*concat\\s*\\(`);
  return asShape.test(code) || spread.test(code) || concat.test(code);
}

/**
 * Where `name` stands in a shape the code writes out (`inputShape: [x, y, z]`, `shape: [rows, cols]`):
 * its index and the shape's rank, so a parameter named for nothing still gets that dimension's size.
 */
export function shapeDimensionOf(name: string, code: string): { index: number; rank: number; text: string } | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || code.length === 0) {
    return undefined;
  }
  for (const match of code.matchAll(/\b(?:shape|inputShape|targetShape)\s*:\s*\[([^\][]*)\]/g)) {
    const elements = splitTopLevel(match[1], ',');
    const index = elements.indexOf(name);
    if (index >= 0) {
      return { index, rank: elements.length, text: match[0].replace(/\s+/g, ' ') };
    }
  }
  return undefined;
}

/** Splits on any of `separators` outside brackets, braces, parentheses and angle brackets. */
function splitTopLevel(text: string, separators: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if ('[({<'.includes(ch)) {
      depth++;
    } else if ('])}>'.includes(ch)) {
      depth--;
    }
    if (depth === 0 && separators.includes(ch)) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}
