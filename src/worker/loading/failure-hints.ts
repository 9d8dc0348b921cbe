/**
 * What to do about the errors model code most often throws outside the browser, in a few words for
 * the end of a one-line message: a package that is not installed (the install command, from the
 * importer's package.json: install-advice.ts), a browser-only API (which one). Otherwise reads only the error.
 */
import { installAdvice } from './install-advice';

/** Globals that exist in browsers and not in Node. */
export const BROWSER_GLOBALS = [
  'document', 'window', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB', 'Image', 'ImageData',
  'HTMLCanvasElement', 'HTMLImageElement', 'HTMLVideoElement', 'OffscreenCanvas', 'createImageBitmap', 'FileReader',
  'XMLHttpRequest', 'alert', 'requestAnimationFrame', 'cancelAnimationFrame', 'self', 'AudioContext', 'OfflineAudioContext',
  'webkitAudioContext', 'webkitOfflineAudioContext', 'AudioBuffer', 'MediaRecorder', 'MediaStream', 'WebGLRenderingContext',
  'WebGL2RenderingContext', 'Worker', 'getComputedStyle', 'matchMedia',
  // Connections a page opens as it loads (Node 20 has neither).
  'WebSocket', 'EventSource',
  // The window's own event methods (`window.addEventListener('load', …)`, or called bare in a page script).
  'addEventListener', 'removeEventListener', 'dispatchEvent',
];

/**
 * `X is not defined`, and `a.b.X is not a constructor / a function` for code that reads the global
 * through an alias (`globalObject.OfflineAudioContext`, `window.requestAnimationFrame`): the X.
 */
export function missingBrowserGlobal(err: Error, message: string): string | undefined {
  const undefinedName = err.name === 'ReferenceError' ? /^(\S+) is not defined$/.exec(message)?.[1] : undefined;
  const calledName = err.name === 'TypeError' ? /^(?:[\w$]+\.)*([\w$]+) is not a (?:constructor|function)$/.exec(message)?.[1] : undefined;
  const name = undefinedName ?? calledName;
  return name !== undefined && BROWSER_GLOBALS.includes(name) ? name : undefined;
}

/** The package a bare module request names: 'jimp' for 'jimp/fonts', '@scope/name' for '@scope/name/x'. */
export function packageOfRequest(request: string): string | undefined {
  if (request.startsWith('.') || request.startsWith('/') || request.startsWith('node:') || /^[A-Za-z]:[\\/]/.test(request)) {
    return undefined;
  }
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface FailureHint {
  kind: 'missingPackage' | 'browserApi' | 'notInTfjs' | 'inputRank';
  /** The package to install, the browser API the code used, or the layer tfjs lacks. */
  subject: string;
  /** The advice, e.g. "install it: npm install jimp" (install-advice.ts). */
  text: string;
}

/** The hint for `err`, or undefined when it is none of the known cases. */
export function hintFor(err: unknown): FailureHint | undefined {
  if (!(err instanceof Error)) {
    return undefined;
  }
  const message = err.message.split('\n')[0];
  const missing = /^Cannot find module '([^']+)'/.exec(message);
  const pkg = missing && (err as { code?: string }).code === 'MODULE_NOT_FOUND' ? packageOfRequest(missing[1]) : undefined;
  if (pkg) {
    // Node names the files that required it, the user's own first.
    const importer = (err as { requireStack?: string[] }).requireStack?.[0];
    return { kind: 'missingPackage', subject: pkg, text: `the package '${pkg}' is not installed; ${installAdvice([pkg], importer)}` };
  }
  if (err.name === 'BrowserOnlyError') {
    // A stand-in (browser-stand-ins.ts) was really used: its message already names the API.
    return { kind: 'browserApi', subject: message.split(' ')[0], text: STAND_IN_ADVICE };
  }
  const global = missingBrowserGlobal(err, message);
  if (global) {
    return browserApi(global);
  }
  if (message.startsWith('pixels passed to tf.browser.fromPixels()')) {
    return browserApi('tf.browser.fromPixels');
  }
  const layer = err.name === 'TypeError' ? /^(?:[\w$]+\.)*layers\.([a-z][\w$]*) is not a (?:function|constructor)$/.exec(message)?.[1] : undefined;
  if (layer) {
    return notInTfjs(layer);
  }
  const api = err.name === 'TypeError' ? /^tf\.((?:[\w$]+\.)*[\w$]+) is not a (?:function|constructor)$/.exec(message)?.[1] : undefined;
  if (api) {
    return { kind: 'notInTfjs', subject: `tf.${api}`, text: `tfjs has no tf.${api}, so this line fails in your program too: use an op tfjs has (its API reference lists them)` };
  }
  const activation = /^Unknown activation: ([^.\s]+)\./.exec(message)?.[1];
  if (activation) {
    return unknownActivation(activation);
  }
  const rank = /^Input \d+ is incompatible with layer ([\w$]+): expected ndim=(\d+), found ndim=(\d+)$/.exec(message);
  if (rank) {
    return inputRank(rank[1], Number(rank[2]), Number(rank[3]));
  }
  const url = /^Failed to parse URL from (.+)$/.exec(message)?.[1];
  if (err.name === 'TypeError' && url) {
    return browserApi(`fetch of the relative URL '${url}'`, 'use an absolute http(s) URL, or tf.io.fileSystem via @tensorflow/tfjs-node for files');
  }
  return undefined;
}

/** Keras layers that tfjs-layers does not have (tf.layers.lambda, upSampling1d): the code fails in any program. */
function notInTfjs(layer: string): FailureHint {
  const instead = layer === 'lambda' ? 'write the function as a custom layer (a class extending tf.layers.Layer with its call())' : 'use a layer tfjs has, or write it as a custom layer (a class extending tf.layers.Layer)';
  return { kind: 'notInTfjs', subject: layer, text: `tfjs has no tf.layers.${layer} (a Keras layer it lacks), so this line fails in your program too: ${instead}` };
}

/** The activation names tfjs 4 takes as a string (its registered activations). */
const TFJS_ACTIVATIONS = ['elu', 'selu', 'relu', 'relu6', 'linear', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign', 'tanh', 'softmax', 'logSoftmax', 'gelu', 'gelu_new', 'mish', 'swish'];

/** `activation: 'leakyReLU'`: a Keras name tfjs does not take, or a typo; the layer that does it instead when there is one. */
function unknownActivation(name: string): FailureHint {
  const layer = /leaky/i.test(name) ? 'leaky ReLU is a layer in tfjs: tf.layers.leakyReLU() after a layer with no activation' : /^p?relu$/i.test(name) && name !== 'relu' ? "the name is 'relu' (tfjs names are case-sensitive)" : `its activations are ${TFJS_ACTIVATIONS.join(', ')}`;
  return { kind: 'notInTfjs', subject: `activation '${name}'`, text: `tfjs has no activation '${name}', so this line fails in your program too: ${layer}` };
}

/**
 * "expected ndim=4, found ndim=3": counted with the batch axis, which an `inputShape` leaves out, so
 * the shape given had one number less than the layer needs (`[224, 224]` for a conv2d's `[height,
 * width, channels]`), or one more.
 */
function inputRank(layer: string, expected: number, found: number): FailureHint {
  const what = expected === 4 ? ' (an image: [height, width, channels])' : expected === 3 ? ' (a sequence: [steps, features])' : expected === 2 ? ' (a vector: [features])' : '';
  return {
    kind: 'inputRank',
    subject: layer,
    text: `the input that reaches ${layer} has ${found} dimensions with the batch, and it takes ${expected}: its shape, without the batch, must have ${expected - 1} numbers${what}, and the shape the model was given has ${found - 1}`,
  };
}

const STAND_IN_ADVICE = 'build the model without it, or behind a check that it exists';

function browserApi(api: string, instead = STAND_IN_ADVICE): FailureHint {
  return { kind: 'browserApi', subject: api, text: `${api} is browser-only and sanity-train runs the model in Node: ${instead}` };
}
