/**
 * tfjs handed in as a parameter without a type the analysis can follow (`function buildModel(tf,
 * classes)`, `createModel(tfjs: TF, …)` with TF imported from elsewhere): the parameter counts as tfjs
 * when the function uses it as tfjs in more than one way, `p.layers.batchNormalization` plus another
 * member only tfjs has together with it (`p.sequential`, `p.model`, `p.layers.dense`, …). One matching
 * name alone is not enough: WebNN's `builder.batchNormalization`, a helper object, or another library's
 * `tf` with a `layers.batchNormalization` of its own stay unknown, which keeps precision at 100%.
 */
import type { Scopes } from './scopes';
import type { ts, Ts } from '../typescript';

/** Root members of the tfjs namespace that say "this is tfjs" next to `layers.batchNormalization`. */
const TFJS_ROOT_MEMBERS = new Set([
  'sequential', 'model', 'input', 'loadLayersModel', 'tidy', 'train', 'losses', 'metrics', 'regularizers', 'initializers',
  'tensor', 'tensor1d', 'tensor2d', 'tensor3d', 'tensor4d', 'zeros', 'ones', 'randomNormal', 'variable', 'dispose', 'memory', 'setBackend', 'ready', 'callbacks',
]);

/** `layers.*` factories of tfjs besides batchNormalization (the common ones suffice as evidence). */
const TFJS_LAYER_FACTORIES = new Set([
  'dense', 'conv1d', 'conv2d', 'conv3d', 'conv2dTranspose', 'depthwiseConv2d', 'separableConv2d', 'maxPooling1d', 'maxPooling2d', 'averagePooling2d',
  'globalAveragePooling2d', 'globalMaxPooling2d', 'flatten', 'dropout', 'activation', 'reLU', 'leakyReLU', 'reshape', 'concatenate', 'add', 'embedding',
  'lstm', 'gru', 'simpleRNN', 'upSampling2d', 'zeroPadding2d', 'layerNormalization', 'inputLayer', 'elu', 'softmax', 'permute', 'repeatVector', 'timeDistributed', 'bidirectional',
]);

/** The member paths (`layers.batchNormalization`, `sequential`) a parameter is used with in its function. */
function memberPathsOf(t: Ts, scopes: Scopes, param: ts.ParameterDeclaration): Set<string> {
  const paths = new Set<string>();
  const fn = param.parent;
  const name = t.isIdentifier(param.name) ? param.name.text : undefined;
  const body = (fn as ts.FunctionLikeDeclarationBase).body;
  if (!name || !body) {
    return paths;
  }
  const visit = (n: ts.Node): void => {
    if (t.isIdentifier(n) && n.text === name && t.isPropertyAccessExpression(n.parent) && n.parent.expression === n && scopes.lookup(name, n) === param) {
      const first = n.parent;
      const second = t.isPropertyAccessExpression(first.parent) && first.parent.expression === first ? first.parent : undefined;
      paths.add(first.name.text);
      if (second) {
        paths.add(`${first.name.text}.${second.name.text}`);
      }
    }
    t.forEachChild(n, visit);
  };
  visit(body);
  return paths;
}

/** Whether the function uses `param` as the tfjs namespace (see the file comment). */
export function isUsedAsTfjs(t: Ts, scopes: Scopes, param: ts.ParameterDeclaration): boolean {
  const paths = memberPathsOf(t, scopes, param);
  // tf.runningBatchNorm: a browser script's parameter after conversion (the global tf handed in).
  if (!paths.has('layers.batchNormalization') && !paths.has('runningBatchNorm')) {
    return false;
  }
  return [...paths].some((p) => TFJS_ROOT_MEMBERS.has(p) || (p.startsWith('layers.') && TFJS_LAYER_FACTORIES.has(p.slice('layers.'.length))));
}
