/**
 * Reads arguments as people type them (the editor's argument box, `rbn sanity --args`): a JS array
 * literal of plain values, or the object literal of module variables (pure, no eval). Two stand-ins
 * for live objects read as markers (model-arguments.ts): `() => value`, `tf.input({ shape: [...] })`
 * and `tf.layers.dense({ … })`.
 * JSON.parse alone would refuse what people type in JS (single quotes, trailing commas, unquoted keys,
 * comments), and eval would run whatever they paste; this small parser accepts literal syntax only
 * and says where anything else starts, so the box can show it before the run.
 */

/** A JSON value, as the worker receives it. */
export type LiteralValue = null | boolean | number | string | LiteralValue[] | { [key: string]: LiteralValue };

export type ArgsLiteralResult = { ok: true; values: LiteralValue[] } | { ok: false; message: string };

const KEYWORDS: Record<string, LiteralValue> = { true: true, false: false, null: null };

const NOT_JSON: Record<string, string> = {
  undefined: 'undefined is not a JSON value: use null, or leave trailing arguments out',
  NaN: 'NaN is not a JSON value',
  Infinity: 'Infinity is not a JSON value',
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

class LiteralError extends Error {}

/**
 * Parses `text` as a JS array literal of numbers, strings, booleans, null, arrays and objects.
 * Never throws: anything else (identifiers, calls, spreads, holes) gives a one-line message with its column.
 */
export function parseArgsLiteral(text: string): ArgsLiteralResult {
  const parsed = parseTopLevel(text, '[', 'Type the arguments as a JS array, e.g. [9, 9, 4] ([] for none).', 'a JS array such as [9, 9, 4]');
  return parsed.ok ? { ok: true, values: parsed.value as LiteralValue[] } : parsed;
}

export type ObjectLiteralResult = { ok: true; value: { [key: string]: LiteralValue } } | { ok: false; message: string };

/** Parses `text` as a JS object literal of plain values (`{ numberOfClasses: 10 }`, for module variables); never throws. */
export function parseObjectLiteral(text: string): ObjectLiteralResult {
  const parsed = parseTopLevel(text, '{', 'Type the values as a JS object, e.g. { numberOfClasses: 10 } ({} for none).', 'a JS object such as { numberOfClasses: 10 }');
  return parsed.ok ? { ok: true, value: parsed.value as { [key: string]: LiteralValue } } : parsed;
}

/** One value that must open with `open`, and nothing after it. */
function parseTopLevel(text: string, open: '[' | '{', empty: string, expected: string): { ok: true; value: LiteralValue } | { ok: false; message: string } {
  const parser = new LiteralParser(text);
  try {
    parser.skipSpace();
    if (parser.atEnd()) {
      return { ok: false, message: empty };
    }
    if (parser.peek() !== open) {
      return { ok: false, message: `Expected ${expected}, found ${parser.describeHere()}.` };
    }
    const value = parser.parseValue();
    parser.skipSpace();
    if (!parser.atEnd()) {
      parser.fail(`unexpected ${parser.describeHere()} after the ${open === '[' ? 'array' : 'object'}`);
    }
    return { ok: true, value };
  } catch (error) {
    if (error instanceof LiteralError) {
      return { ok: false, message: error.message };
    }
    throw error;
  }
}

class LiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  fail(what: string, at = this.pos): never {
    throw new LiteralError(`Column ${at + 1}: ${what}.`);
  }

  /** The token at the cursor, for messages ("the name h", "the end of the text"). */
  describeHere(): string {
    if (this.atEnd()) {
      return 'the end of the text';
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos))?.[0];
    return word ? `the name ${word}` : `'${this.peek()}'`;
  }

  /** Whitespace and comments. */
  skipSpace(): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      const skipped = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest)?.[0];
      if (!skipped) {
        if (rest.startsWith('/*')) {
          this.fail('unterminated comment');
        }
        return;
      }
      this.pos += skipped.length;
    }
  }

  parseValue(): LiteralValue {
    this.skipSpace();
    const c = this.peek();
    if (c === '[') {
      return this.parseArray();
    }
    if (c === '{') {
      return this.parseObject();
    }
    if (c === '"' || c === "'" || c === '`') {
      return this.parseString();
    }
    if (this.text.startsWith('...', this.pos)) {
      this.fail('spread (...) is not a literal value');
    }
    if (/[-+.\d]/.test(c)) {
      return this.parseNumber();
    }
    if (this.atEnd()) {
      this.fail('the text ends before the value');
    }
    if (c === '(') {
      return this.parseMethodStandIn();
    }
    if (/^tf\s*\.\s*input\b/.test(this.text.slice(this.pos))) {
      return this.parseInputStandIn();
    }
    if (/^tf\s*\.\s*layers\s*\./.test(this.text.slice(this.pos))) {
      return this.parseLayerStandIn();
    }
    return this.parseWord();
  }

  /** `() => [8, 8]`, `() => ({ units: 8 })`: a method that returns the value, `{ $returns: value }`. */
  private parseMethodStandIn(): LiteralValue {
    const start = this.pos;
    this.pos++; // (
    this.skipSpace();
    if (this.peek() !== ')' || !/^\)\s*=>/.test(this.text.slice(this.pos))) {
      this.fail("only a function without parameters that returns a literal, () => value, may stand in for a method", start);
    }
    this.pos = this.pos + /^\)\s*=>/.exec(this.text.slice(this.pos))![0].length;
    this.skipSpace();
    if (this.peek() === '{') {
      this.fail('a function body is not a literal: write () => ({ … }) to return an object');
    }
    const wrapped = this.peek() === '(';
    if (wrapped) {
      this.pos++;
    }
    const value = this.parseValue();
    if (wrapped) {
      this.skipSpace();
      if (this.peek() !== ')') {
        this.fail(`expected ')', found ${this.describeHere()}`);
      }
      this.pos++;
    }
    return { $returns: value };
  }

  /** `tf.input({ shape: [16] })`: a symbolic input the worker makes, `{ $input: [16] }`. */
  private parseInputStandIn(): LiteralValue {
    const start = this.pos;
    this.pos += /^tf\s*\.\s*input/.exec(this.text.slice(this.pos))![0].length;
    const config = this.parseCallConfig('tf.input');
    const shape = config?.shape;
    const dims = Array.isArray(shape) && shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0));
    if (!config || !dims || Object.keys(config).length !== 1) {
      this.fail('tf.input takes only { shape: [sizes] } here, e.g. tf.input({ shape: [16] })', start);
    }
    return { $input: shape };
  }

  /** `({ … })` or `()` after a tfjs factory's name: its config object, if any. */
  private parseCallConfig(call: string): { [key: string]: LiteralValue } | undefined {
    this.skipSpace();
    if (this.peek() !== '(') {
      this.fail(`expected '(' after ${call}`);
    }
    this.pos++;
    this.skipSpace();
    const config = this.peek() === '{' ? this.parseObject() : undefined;
    this.skipSpace();
    if (this.peek() !== ')') {
      this.fail(`expected ')' after ${call}'s config, found ${this.describeHere()}`);
    }
    this.pos++;
    return config;
  }

  /** `tf.layers.dense({ units: 8 })`: a layer the worker makes, `{ $layer: 'dense', config: { units: 8 } }`. */
  private parseLayerStandIn(): LiteralValue {
    const head = /^tf\s*\.\s*layers\s*\.\s*([A-Za-z_$][\w$]*)?/.exec(this.text.slice(this.pos))!;
    const name = head[1];
    if (name === undefined || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
      this.fail('expected a layer after tf.layers., e.g. tf.layers.dense({ units: 8 })');
    }
    this.pos += head[0].length;
    const config = this.parseCallConfig(`tf.layers.${name}`);
    return config === undefined ? { $layer: name } : { $layer: name, config };
  }

  private parseWord(): LiteralValue {
    const start = this.pos;
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos))?.[0];
    if (!word) {
      this.fail(`unexpected '${this.peek()}'`);
    }
    this.pos += word.length;
    if (word in KEYWORDS) {
      return KEYWORDS[word];
    }
    this.fail(NOT_JSON[word] ?? `${word} is not a literal value (only numbers, strings, true/false/null, arrays and objects)`, start);
  }

  private parseArray(): LiteralValue[] {
    const items: LiteralValue[] = [];
    this.pos++; // [
    for (;;) {
      this.skipSpace();
      if (this.peek() === ']') {
        this.pos++;
        return items;
      }
      if (this.peek() === ',') {
        this.fail('empty slot in the array (use null)');
      }
      items.push(this.parseValue());
      this.endOfItem(']');
    }
  }

  private parseObject(): Record<string, LiteralValue> {
    const object: Record<string, LiteralValue> = {};
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') {
        this.pos++;
        return object;
      }
      const key = this.parseKey();
      this.skipSpace();
      if (this.peek() !== ':') {
        this.fail(`expected ':' after the key ${key}`);
      }
      this.pos++;
      // defineProperty: a key named __proto__ stays a plain key instead of changing the prototype.
      Object.defineProperty(object, key, { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
      this.endOfItem('}');
    }
  }

  private parseKey(): string {
    const c = this.peek();
    if (c === '"' || c === "'") {
      return this.parseString();
    }
    const word = /^(?:[A-Za-z_$][\w$]*|\d+)/.exec(this.text.slice(this.pos))?.[0];
    if (!word) {
      this.fail(this.atEnd() ? 'the text ends inside an object' : `unexpected '${c}' where a key should be`);
    }
    this.pos += word.length;
    return word;
  }

  /** After an item: a comma (a trailing one is fine) or the closing bracket. */
  private endOfItem(close: string): void {
    this.skipSpace();
    const c = this.peek();
    if (c === ',') {
      this.pos++;
    } else if (c !== close) {
      this.fail(this.atEnd() ? `missing '${close}'` : `expected ',' or '${close}', found ${this.describeHere()}`);
    }
  }

  private parseString(): string {
    const quote = this.peek();
    const start = this.pos++;
    let out = '';
    while (!this.atEnd()) {
      const c = this.text[this.pos++];
      if (c === quote) {
        return out;
      }
      if (quote === '`' && c === '$' && this.peek() === '{') {
        this.fail('template substitutions (${…}) are not literal values', this.pos - 1);
      }
      if (c === '\n' && quote !== '`') {
        break;
      }
      out += c === '\\' ? this.parseEscape() : c;
    }
    this.fail('unterminated string', start);
  }

  private parseEscape(): string {
    const c = this.text[this.pos++] ?? '';
    if (c === 'u' || c === 'x') {
      const hex = (c === 'u' ? /^(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]{1,6}\})/ : /^[0-9a-fA-F]{2}/).exec(this.text.slice(this.pos))?.[0];
      if (!hex) {
        this.fail(`bad \\${c} escape`, this.pos - 2);
      }
      this.pos += hex.length;
      const code = Number.parseInt(hex.replace(/[{}]/g, ''), 16);
      if (code > 0x10ffff) {
        this.fail('bad \\u escape', this.pos - hex.length - 2);
      }
      return String.fromCodePoint(code);
    }
    if (c === '\n') {
      return ''; // a line continuation
    }
    return ESCAPES[c] ?? c;
  }

  private parseNumber(): number {
    const start = this.pos;
    const match = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.pos))?.[0];
    if (!match) {
      const after = this.text.slice(this.pos).replace(/^[-+]/, '');
      const word = /^[A-Za-z_$][\w$]*/.exec(after)?.[0];
      this.fail(word && word in NOT_JSON ? NOT_JSON[word] : `a sign or '.' must start a number, found ${this.describeHere()}`);
    }
    this.pos += match.length;
    if (/^[\w$]/.test(this.peek())) {
      this.fail(`${match}${this.peek()}… is not a number`, start);
    }
    const sign = match.startsWith('-') ? -1 : 1;
    const digits = match.replace(/^[-+]/, '');
    const value = /^0[xXbBoO]/.test(digits) ? Number(digits) : Number.parseFloat(digits);
    if (!Number.isFinite(value)) {
      this.fail(`${match} is too large for a number`, start);
    }
    return sign * value;
  }
}
