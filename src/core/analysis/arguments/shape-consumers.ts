/**
 * The rank a shape parameter needs, read from the first layer that consumes it: a layer built with
 * `inputShape: s`, or the first layer applied to `tf.input({ shape: s })`. A name says "image"
 * (`mlpInputShape`, `imageShape`) far less reliably than the layer does: the dense branch of a
 * two-input model takes a vector, a conv1d a sequence, a conv2d an image. Text-based, like the
 * other guesses.
 */

/** Input rank (without the batch) of the layers whose rank says what the input is; others say nothing. */
const LAYER_INPUT_RANKS: Record<string, number> = {
  dense: 1, embedding: 1,
  conv1d: 2, separableConv1d: 2, lstm: 2, gru: 2, simpleRNN: 2, rnn: 2, bidirectional: 2, maxPooling1d: 2, maxPool1d: 2,
  averagePooling1d: 2, avgPool1d: 2, globalAveragePooling1d: 2, globalMaxPooling1d: 2, upSampling1d: 2, zeroPadding1d: 2, cropping1D: 2,
  conv2d: 3, conv2dTranspose: 3, depthwiseConv2d: 3, separableConv2d: 3, maxPooling2d: 3, maxPool2d: 3, averagePooling2d: 3,
  avgPool2d: 3, globalAveragePooling2d: 3, globalMaxPooling2d: 3, upSampling2d: 3, zeroPadding2d: 3, cropping2D: 3,
  convLstm2d: 4, conv3d: 4, maxPooling3d: 4, averagePooling3d: 4,
};

export interface ConsumerRank {
  rank: number;
  /** The layer factory that decided it, e.g. 'dense'. */
  layer: string;
}

/**
 * The rank `name` must have as a shape, from the first layer that consumes it; undefined when no layer
 * says. `name` is a variable or a member path the code reads (`config.inputShape`); `file`, the whole
 * file, where the helpers the code hands its tensors to are declared (by default, `code`).
 */
export function shapeRankFromConsumer(name: string, code: string, file = code): ConsumerRank | undefined {
  if (!/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(name) || code.length === 0) {
    return undefined;
  }
  return rankFromLayerConfig(name, code) ?? rankFromInputTensor(name, code, file);
}

const NOT_A_MEMBER = '(?![\\w$.\\[(])';

/** `name` for a regular expression, `this.` optional before a member path (`this.config.inputShape`). */
function escaped(name: string): string {
  return name.replace(/[$.]/g, '\\$&');
}

/**
 * Layers whose output has their input's rank and says nothing of it: the input tensor passes through
 * them (`tf.input({ shape }) → batchNormalization → conv1d`) to the layer that does.
 */
const RANK_PRESERVING = new Set(['batchNormalization', 'layerNormalization', 'dropout', 'spatialDropout1d', 'gaussianNoise', 'gaussianDropout', 'alphaDropout', 'activation', 'reLU', 'leakyReLU', 'prelu', 'elu', 'thresholdedReLU', 'softmax', 'masking']);
/** Pass-through layers followed at most. */
const MAX_PASS_THROUGH = 4;

/** `tf.layers.conv1d({ filters: 8, inputShape: s })`, or `{ inputShape }` shorthand for a parameter called inputShape. */
function rankFromLayerConfig(name: string, code: string): ConsumerRank | undefined {
  const n = escaped(name);
  const shorthand = name === 'inputShape' ? `|[{,]\\s*inputShape\\s*(?=[,}])` : '';
  for (const match of code.matchAll(new RegExp(`\\b(?:inputShape|batchInputShape)\\s*:\\s*(?:this\\.)?${n}${NOT_A_MEMBER}${shorthand}`, 'g'))) {
    const found = known(enclosingCallee(code, match.index));
    if (found) {
      return found;
    }
  }
  return undefined;
}

/**
 * `const x = tf.input({ shape: s })`, then the first informative `tf.layers.dense(…).apply(x)`, through
 * layers that keep the rank (`const y = tf.layers.batchNormalization().apply(x)`, then y's consumer).
 */
function rankFromInputTensor(name: string, code: string, file: string): ConsumerRank | undefined {
  const n = escaped(name);
  const declaration = new RegExp(`\\b(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*(?:[\\w$]+\\.)*input\\s*\\(\\s*\\{[^}]*?\\bshape\\s*:\\s*(?:this\\.)?${n}${NOT_A_MEMBER}`, 'g');
  for (const match of code.matchAll(declaration)) {
    const found = rankFromTensor(match[1], code.slice(match.index), 0, file);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/**
 * The rank the first informative layer applied to `tensor` in `code` says, following pass-through
 * layers and the file's helpers (`whole`: the file, where they are declared).
 */
function rankFromTensor(tensor: string, code: string, depth: number, whole: string): ConsumerRank | undefined {
  for (const use of code.matchAll(new RegExp(`\\)\\s*\\.\\s*apply\\s*\\(\\s*${escaped(tensor)}\\s*[,)]`, 'g'))) {
    const callee = calleeOfCallEndingAt(code, use.index);
    const found = known(callee);
    if (found) {
      return found;
    }
    if (callee !== undefined && RANK_PRESERVING.has(callee) && depth < MAX_PASS_THROUGH) {
      const next = assignedAt(code, use.index);
      const through = next === undefined ? undefined : rankFromTensor(next, code.slice(use.index), depth + 1, whole);
      if (through) {
        return through;
      }
    }
  }
  return depth < MAX_PASS_THROUGH ? rankThroughHelper(tensor, code, depth, whole) : undefined;
}

/**
 * `makeDenseLayer(actionInput, 64)`, a function of the file whose first parameter is the tensor it
 * applies its layers to (`function makeDenseLayer(input, units) { … dense(…).apply(input) … }`): the
 * rank its first layer says. Helpers that wrap a layer with its activation and batch norm are common.
 */
function rankThroughHelper(tensor: string, code: string, depth: number, whole: string): ConsumerRank | undefined {
  for (const call of code.matchAll(new RegExp(`(?<![\\w$.])([A-Za-z_$][\\w$]*)\\s*\\(\\s*${escaped(tensor)}\\s*[,)]`, 'g'))) {
    const helper = helperOf(call[1], whole);
    const found = helper === undefined ? undefined : rankFromTensor(helper.parameter, helper.body, depth + 1, whole);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** The first parameter and the body of `function name(p, …) {…}` or `const name = (p, …) => {…}` in `code`. */
function helperOf(name: string, code: string): { parameter: string; body: string } | undefined {
  const n = escaped(name);
  const declaration = new RegExp(`\\bfunction\\s+${n}\\s*\\(\\s*([A-Za-z_$][\\w$]*)[^)]*\\)\\s*\\{|\\b(?:const|let|var)\\s+${n}\\s*=\\s*(?:function\\s*)?\\(\\s*([A-Za-z_$][\\w$]*)[^)]*\\)\\s*(?:=>\\s*)?\\{`).exec(code);
  if (!declaration) {
    return undefined;
  }
  const open = declaration.index + declaration[0].length - 1;
  return { parameter: declaration[1] ?? declaration[2], body: code.slice(open, closingBrace(code, open)) };
}

/** The index just past the `}` that closes the `{` at `open` (the end of `code` when it never closes). */
function closingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') {
      depth++;
    } else if (code[i] === '}' && --depth === 0) {
      return i + 1;
    }
  }
  return code.length;
}

/** The variable the statement around `index` assigns (`const y = …` or `x = …`), if any: on its line, else since the statement began (a chain over lines). */
function assignedAt(code: string, index: number): string | undefined {
  const line = code.lastIndexOf('\n', index) + 1;
  const statement = Math.max(code.lastIndexOf(';', index), code.lastIndexOf('{', index), code.lastIndexOf('}', index)) + 1;
  for (const start of [Math.max(line, statement), statement]) {
    const name = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*=(?!=)/.exec(code.slice(start, index))?.[1];
    if (name !== undefined) {
      return name;
    }
  }
  return undefined;
}

function known(callee: string | undefined): ConsumerRank | undefined {
  const rank = callee === undefined ? undefined : LAYER_INPUT_RANKS[callee];
  return rank === undefined || callee === undefined ? undefined : { rank, layer: callee };
}

/** The function called by the innermost unclosed `(` before `index`: `conv1d` in `tf.layers.conv1d({ a, |`. */
function enclosingCallee(code: string, index: number): string | undefined {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const ch = code[i];
    if (')]}'.includes(ch)) {
      depth++;
    } else if ('([{'.includes(ch)) {
      if (depth > 0) {
        depth--;
      } else if (ch === '(') {
        return /([A-Za-z_$][\w$]*)\s*$/.exec(code.slice(Math.max(0, i - 80), i))?.[1];
      }
    }
  }
  return undefined;
}

/** The function whose call's `)` is at `close`: `dense` in `tf.layers.dense({ units: 8 })`. */
function calleeOfCallEndingAt(code: string, close: number): string | undefined {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const ch = code[i];
    if (')]}'.includes(ch)) {
      depth++;
    } else if ('([{'.includes(ch)) {
      depth--;
      if (depth === 0) {
        return ch === '(' ? /([A-Za-z_$][\w$]*)\s*$/.exec(code.slice(Math.max(0, i - 80), i))?.[1] : undefined;
      }
    }
  }
  return undefined;
}
