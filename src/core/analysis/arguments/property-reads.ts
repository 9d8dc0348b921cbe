/**
 * What a builder's code reads from an object parameter, so a guess can hand it an object with those
 * properties: `opts.imgSize` (needed), `opts.batchSize || 64` (has a fallback: left out),
 * `this.game = game; … this.game.gameHeight` (through the property it was stored in),
 * `const { width, depth = 2 } = config`. Text-based on purpose: a guess needs the names, not types.
 */

export interface PropertyReads {
  /** Read without a fallback, in first-read order. */
  needed: string[];
  /** Read with `|| x`, `?? x` or a destructuring default: the code copes when they are missing. */
  withFallback: string[];
  /** Read into a shape (`this.inputShape = config.observationSize`, `shape: opts.frame`): a shape, whatever the name. */
  shapes: string[];
}

/** What comes right before a read whose value is a shape: `inputShape = `, `shape: `. */
const SHAPE_TARGET = /(?:^|[^\w$])\w*(?:shape|Shape)\s*(?::\s*(?:number\[\]\s*=\s*)?|=\s*)$/;

/** Properties that say the value is an array or a string, not an object of settings. */
const NOT_AN_OBJECT = new Set(['length', 'map', 'slice', 'forEach', 'filter', 'reduce', 'concat', 'join', 'push', 'indexOf', 'includes', 'split', 'toString', 'shape', 'dtype', 'rank', 'dataSync', 'data', 'arraySync']);

/** What `code` reads from the parameter `name`; undefined when it reads nothing or uses it as an array, string, tensor or callee. */
export function readPropertiesOf(code: string, name: string): PropertyReads | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    return undefined;
  }
  const needed = new Set<string>();
  const withFallback = new Set<string>();
  const shapes = new Set<string>();
  for (const alias of aliasesOf(code, name)) {
    const reads = new RegExp(`(?<![\\w$.])${escape(alias)}\\s*\\.\\s*([A-Za-z_$][\\w$]*)(\\s*(?:\\(|\\|\\||\\?\\?|=(?!=))?)`, 'g');
    for (const match of code.matchAll(reads)) {
      const [, property, after] = match;
      if (NOT_AN_OBJECT.has(property) || after.trim() === '(') {
        return undefined;
      }
      if (after.trim() === '=') {
        continue;
      }
      (after.trim() === '' ? needed : withFallback).add(property);
      if (SHAPE_TARGET.test(code.slice(Math.max(0, (match.index ?? 0) - 60), match.index))) {
        shapes.add(property);
      }
    }
    readDestructuring(code, alias, needed, withFallback);
  }
  for (const property of needed) {
    withFallback.delete(property);
  }
  return needed.size + withFallback.size === 0 ? undefined : { needed: [...needed], withFallback: [...withFallback], shapes: [...shapes] };
}

/**
 * `name` itself and each `this.<p>` it is stored in (`this.game = game`), and `this.<name>` for a
 * TypeScript parameter property (`constructor(private readonly config: Config)`).
 */
function aliasesOf(code: string, name: string): string[] {
  const stored = new RegExp(`\\bthis\\s*\\.\\s*([A-Za-z_$][\\w$]*)\\s*=\\s*${escape(name)}\\s*(?:[;,)\\n}]|\\|\\|)`, 'g');
  const parameterProperty = new RegExp(`\\b(?:private|public|protected|readonly)\\s+(?:readonly\\s+)?${escape(name)}\\s*[?:,)]`);
  const own = parameterProperty.test(code) ? [`this.${name}`] : [];
  return [name, ...own, ...[...code.matchAll(stored)].map((m) => `this.${m[1]}`)];
}

/** `const { width, depth = 2 } = alias`. */
function readDestructuring(code: string, alias: string, needed: Set<string>, withFallback: Set<string>): void {
  const pattern = new RegExp(`\\{([^{}]*)\\}\\s*=\\s*${escape(alias)}(?![\\w$.])`, 'g');
  for (const match of code.matchAll(pattern)) {
    for (const element of match[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0 && !s.startsWith('...'))) {
      const property = /^[A-Za-z_$][\w$]*/.exec(element)?.[0];
      if (property !== undefined) {
        (element.includes('=') ? withFallback : needed).add(property);
      }
    }
  }
}

/** `this.game` → `this\s*\.\s*game`, safe inside a RegExp. */
function escape(alias: string): string {
  return alias.split('.').map((part) => part.replace(/\$/g, '\\$')).join('\\s*\\.\\s*');
}
