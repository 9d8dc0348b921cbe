/**
 * Fields a class keeps tfjs in (`static tf: typeof tf`, `this.tfjs = bound` in an `init(tf)`), found by
 * what the code reads of them: tfjs's own members (`this.tf.sequential()`, `Model.tf.layers.dense`).
 * Such a field is no setting to propose a value for: the worker fills it with its tfjs.
 */
/**
 * Reads only the tfjs namespace answers: a layer factory (`layers.dense(`, not a model's `layers.forEach`),
 * `sequential(`, `model({`, `input({`, `train.adam`, initializers, regularizers, `tidy(`, tensor makers.
 */
const TFJS_READ = String.raw`(?:layers\s*\.\s*(?!(?:forEach|map|filter|find|some|every|reduce|slice|push|indexOf|includes|length|concat|at|flatMap)\b)[a-z]\w*\s*\(|sequential\s*\(|model\s*\(\s*\{|input\s*\(\s*\{|train\s*\.|initializers\s*\.|regularizers\s*\.|tidy\s*\(|tensor[1-6]?d?\s*\(|zeros\s*\(|ones\s*\(|random(?:Normal|Uniform)\s*\(|loadLayersModel\s*\(|setBackend\s*\()`;

/** The fields the class's code reads tfjs from: `this.<name>.layers.dense(…)` (as `this`), `<Class>.<name>.sequential(…)` (on the class). */
export function tfjsFieldsRead(code: string, className: string): { onThis: string[]; onClass: string[] } {
  const read = (owner: string) => [...new Set([...code.matchAll(new RegExp(String.raw`(?<![\w$.])${owner}\s*\.\s*([A-Za-z_$][\w$]*)\s*!?\s*\.\s*${TFJS_READ}`, 'g'))].map((m) => m[1]!))];
  return { onThis: read('this'), onClass: read(className.replace(/\$/g, '\\$')) };
}
