/**
 * Contract between the analysis and its consumers (refactor, CLI, VS Code adapter, sanity-train).
 * Consumers may rely on every field here; the analysis may add fields, never rename these.
 */

/** `batchNormalization`: a tfjs batch-norm layer factory call; `runningBatchNorm`: our layer;
 *  `manual`: low-level `tf.batchNorm*` / `tf.moments` normalisation (reported, never converted). */
export type UsageKind = 'batchNormalization' | 'runningBatchNorm' | 'manual';

export interface Usage {
  kind: UsageKind;
  /** Offsets of the whole call expression in the file text (0-based UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  /** The tfjs package the factory comes from (e.g. '@tensorflow/tfjs-node'); null for a browser global or the vendored layer. */
  module: string | null;
  /** Whether the refactoring can convert (or revert) this usage automatically. */
  convertible: boolean;
  /** Why it cannot, when `convertible` is false. */
  reason?: string;
}

export interface FileAnalysis {
  file: string;
  usages: Usage[];
  /** Set when the file could not be analysed (syntax errors, unreadable, binary); `usages` is then empty. */
  error?: string;
}

/**
 * Where a builder parameter's proposed value came from, best first: the values the user ran it with
 * last time, a call of the builder with literal arguments in the package, the signature's default, a
 * guess from types, JSDoc and the parameter's name.
 */
export type ArgumentSource = 'lastRun' | 'callSite' | 'default' | 'constant' | 'guess';

export interface BuilderParameter {
  /** The identifier, or the source text of a destructuring pattern. */
  name: string;
  /** Has `?`, a default, or is a rest parameter. */
  optional: boolean;
  /** The default's source text (`numberOfClasses = 1` gives '1'). */
  defaultText?: string;
  /** The TypeScript annotation or JSDoc `@param {…}` type, as written. */
  typeText?: string;
  /**
   * The parameter receives the tfjs namespace (named `tf`, typed as tfjs, or used as tfjs in the
   * body): the worker passes the tfjs in use and it is not part of `args`.
   */
  receivesTfjs: boolean;
  /** A rest parameter (`...layers`): takes any number of trailing arguments. */
  rest?: boolean;
}

/**
 * Anything sanity-train can build a model with (issue 9): a function, arrow function, class method,
 * arrow-function class property or constructor (class or `function`) that returns a tfjs model or
 * assigns one to `this.<name>`, exported or not, in any module style.
 */
export interface ModelBuilder {
  /** What `--model` takes: 'name', 'Class.method', or 'Class' (the model its constructor builds). */
  id: string;
  kind: 'function' | 'method' | 'property' | 'constructor';
  /** The class, for kind method/property/constructor. */
  className?: string;
  /** The `this.<name>` the model is assigned to, when the builder stores it instead of returning it. */
  modelProperty?: string;
  /**
   * The module variable or page global the model is assigned to, when the builder keeps it there and
   * returns nothing (`let model;` … `function defineModel() { model = tf.sequential(); … }`).
   */
  modelVariable?: string;
  /** A method that adds the layers to the model its class's constructor made empty (`this.model.add(…)`). */
  fillsModel?: boolean;
  exported: boolean;
  async: boolean;
  /** Offsets and 1-based line/column of the node the lens sits above. */
  start: number;
  end: number;
  line: number;
  column: number;
  /** The builder's own parameters (for kind 'constructor': the constructor's). */
  parameters: BuilderParameter[];
  /** For a method or property: the class constructor's parameters (empty when it has none). */
  constructorParameters?: BuilderParameter[];
  /** For kind method/property: the member's name (`build` in 'Gan.build'). */
  memberName?: string;
  /** The top-level binding that holds it (function or class name), when there is one. */
  localName?: string;
  /** The name the module exports it (or its class) under; 'default' for a default export. */
  exportName?: string;
  /** A static method or property (called on the class, no constructor arguments). */
  static?: boolean;
  /**
   * `className` is a factory function that returns the builder in an object (`const model = (tf) => {
   * const actor = () => …; return { actor, critic }; }`): called, not constructed, with the
   * constructor parameters as its own.
   */
  factory?: boolean;
}

/** Proposed values for one parameter, with where they came from. */
export interface ArgumentProposalSource {
  parameter: string;
  source: ArgumentSource;
  /** Human-readable origin, e.g. 'dqn_test.js:25', 'default in the signature', 'from the name inputShape'. */
  detail: string;
  /** The parameter is the class constructor's (its value is in `ctorArgs`). */
  ofConstructor?: boolean;
}

/** Arguments proposed for a builder (parameters that receive tfjs are left out). */
export interface ArgumentProposal {
  /** JSON values, in parameter order; trailing parameters with defaults may be left out. */
  args: unknown[];
  /** The constructor's arguments, for 'Class' and 'Class.method' builders. */
  ctorArgs?: unknown[];
  sources: ArgumentProposalSource[];
  /** The best source overall, for the report's `call.argsSource` (e.g. 'call in dqn_test.js:25'). */
  summary: string;
  /** Parameters nothing could fill (their value is null): the user must edit them. */
  unknown?: string[];
  /** Present when the builder reads module variables that only some other function fills. */
  moduleVars?: ModuleVariablesProposal;
  /**
   * Present when a method builder reads instance fields (`this.numClasses`) that its constructor
   * leaves null or undefined and another method (`train()`) fills: names without `this.`.
   */
  instanceVars?: ModuleVariablesProposal;
}

/**
 * Where a module variable's proposed value came from, best first: the last run, a literal
 * assignment in its file (`numberOfClasses = 10`), an object literal's property of the name the
 * assignment reads (`numberOfClasses = args.classes` with `classes: 10`), a guess from its name and type.
 */
export type ModuleVariableSourceKind = 'lastRun' | 'assignment' | 'property' | 'guess';

export interface ModuleVariableSource {
  name: string;
  source: ModuleVariableSourceKind;
  /** E.g. 'classes: 10 in core.ts:21 (numberOfClasses = args.classes in core.ts:422)', 'from the name imageSize'. */
  detail: string;
}

/**
 * Values for a builder's module variables: top-level `let`/`var` of its file declared without a
 * value, that the builder reads and only some function fills (`run()` sets `numberOfClasses`), so a
 * builder called on its own would find them undefined. The worker fills each still-undefined one.
 */
export interface ModuleVariablesProposal {
  /** Variable name -> JSON value; variables nothing suggests a value for are left out. */
  values: Record<string, unknown>;
  sources: ModuleVariableSource[];
  /** One line for the report's `call.moduleVarsSource`, e.g. 'numberOfClasses: classes: 10 in core.ts:21'. */
  summary: string;
  /** Variables nothing suggests a value for: the builder finds them undefined unless the user gives one. */
  unknown?: string[];
}
