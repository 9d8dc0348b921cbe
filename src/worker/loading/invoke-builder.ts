/**
 * The one way the worker builds the user's model (the CLI, the lens and compare all come through
 * here): find the builder by id ('name', 'Class' or 'Class.method'), load the module (a browser
 * script gets `tf` as a global), construct the class when there is one, insert the worker's tfjs at
 * the parameters that receive it, call, and take the model from the return value or from the
 * `this.<property>` the builder assigned.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { readDataHint } from '../../core/analysis/arguments/data-hint';
import { builderRange } from '../../core/analysis/arguments/instance-fields';
import { declaredModuleVariables, proposeModuleVariables } from '../../core/analysis/arguments/module-variables';
import { builderNamed, findModelBuildersIn, outerVariablesAssignedBy, pickDefaultBuilder } from '../../core/analysis/builders/model-builders';
import type { ModelBuilder } from '../../core/analysis/types';
import type { BuilderCallValues, SanityCall, SmallerInput } from '../../core/training/protocol';
import { BadInputError, describeError, SanityFailure } from '../errors';
import { findDeferredTfjsBindings, parseSourceFile } from '../../core/analysis/builders/tfjs-bindings';
import { fillEmptyBindings, loadFactory, readModelVariable, requireUserModule, setDeferredTfjs } from './module-loader';
import { setLoadingUserModule } from './missing-modules';
import { setModuleLoading, withBrowserStandIns, type AttemptProgress, type StandInUse } from './page/browser-stand-ins';
import { seedMathRandom } from '../random';
import { checkInputs, isLayersModel } from './model-checks';
import { buildUnanalysedClass, type Callable } from './unanalysed-class';
import { takeExitCalls } from '../exit-guard';
import { isLoadStop } from './load-stop';
import { emptyObjectsForDefaultedPatterns, missingArgumentsHint } from './arguments/missing-arguments';
import { pageElementIds } from './page/page-element-ids';
import { setPageElementIds } from './page/page-element-writes';
import { isHtmlPage } from '../../core/analysis/page/page-scripts';
import { pageElementsOf, pageScriptFilesHint } from './page/page-loading';
import { ambientGlobalsAround } from './page/ambient-globals';
import { findPackageRoot } from '../package-root';
import { resolveModelArguments, type ModelArgumentContext } from './arguments/model-arguments';
import { completedFieldsNote, fillInstanceFields, instanceVariablesFor, keptFieldsNote, type InstanceVars } from './arguments/instance-vars';
import { findSmallerInput } from '../budget/smaller-input';
import { fillTfjsFields, tfjsFieldsNote } from './arguments/tfjs-fields';
import { isClassValue, loadingNotes, moduleLevelModelNote, resetMissingPackages, typedMethodNote, withLoadingNotes } from './arguments/invocation-notes';
import { guessedParameterNames, materializedValues, StandIns } from './arguments/stand-ins';
import { ctorParameters, fillArguments, runtimeParameters } from './arguments/fill-arguments';
import { compileAsTheScript, stopTrainingAtLoad, type TrainedAtLoad } from './training-at-load';
import { isTrainedInBuilder, stopTrainingInBuilder } from './training-in-builder';
import { watchModelsUsed } from './models-used';
import { describeValue, modelLeftByCall, trainedInBuilder } from './model-after-call';
import { guardCompile } from './compile-guard';
import { guardLayerConfigs } from './layer-config-guard';
import { pastAConstructorError } from './past-constructor-error';
import { pastABuilderError } from './past-builder-error';
import { modelMadeAtLoad, pastALoadCallError, watchModelAtLoad } from './model-at-load';
import { modelBuiltAtLoad } from './load-calls';
import { holdBackend } from './backend-hold';
import { pageLoadingScript, runPageContext } from './page/page-context';
import { pastALoadError, type LastResort } from './past-load-error';
import { serveLocalFiles } from './page/local-fetch';
import { answerWorkerMessages, defineBrowserGlobals, isBrowserScript } from './page/page-globals';

export interface BuilderInvocation extends BuilderCallValues {
  /** Absolute path of the user's module, and its text. */
  file: string;
  code: string;
  /** The builder's id; the first builder that can run when absent. */
  builderId?: string;
  /** The tfjs every tfjs import of the user's code resolves to. */
  tf: typeof tfjs;
  /** Math.random's seed, set before every attempt to build. */
  seed?: number;
}

export interface BuiltModel {
  model: tfjs.LayersModel;
  builder: ModelBuilder;
  call: SanityCall;
  /** The browser-only globals that got an inert stand-in before the build succeeded. */
  browserStandIns: StandInUse[];
  /** How the model was reached when it was not a plain call (a module-level model, a class built with new, arguments left undefined). */
  notes: string[];
  /** Where the model's input shape comes from in the call, and the call with it halved (a memory or time failure's advice). */
  smallerInput?: SmallerInput;
}

/** The builder `id` among the file's builders, the first that can run when no id is given; throws SanityFailure('noFactory'). */
export function resolveBuilder(builders: ModelBuilder[], file: string, id: string | undefined, code = ''): ModelBuilder {
  if (id === undefined) {
    // A script with no builder function: the model its own code builds as it loads (model-at-load.ts).
    const atLoad = builders.length === 0 ? modelBuiltAtLoad(code, file) : undefined;
    const first = pickDefaultBuilder(builders) ?? (atLoad !== undefined ? unanalysedBuilder(atLoad) : undefined);
    if (!first) {
      throw new SanityFailure('noFactory', `no model builder in ${file}: a function, method or constructor that returns tf.sequential()/tf.model()/tf.loadLayersModel() or assigns one to this.<name> or to a module variable${pageScriptFilesHint(file)}`);
    }
    return first;
  }
  // An id the analysis missed may still build a model (built in another file): let the call decide.
  return builderNamed(builders, id) ?? unanalysedBuilder(id);
}

/** The builder `inv` names (or the default one) as the analysis lists it; undefined when it does not. */
export function analysedBuilderOf(inv: Pick<BuilderInvocation, 'file' | 'code' | 'builderId'>): ModelBuilder | undefined {
  const builders = findModelBuildersIn(parseSourceFile(inv.code, inv.file)).map((b) => b.builder);
  return inv.builderId === undefined ? pickDefaultBuilder(builders) : builderNamed(builders, inv.builderId);
}

/** A builder known only by its id: no parameter list, so the arguments go in as given. */
function unanalysedBuilder(id: string): ModelBuilder {
  const [className, member] = id.split('.', 2);
  const base = { id, exported: false, async: false, start: 0, end: 0, line: 0, column: 0, parameters: [] };
  const builder: ModelBuilder =
    member === undefined
      ? { ...base, kind: 'function', localName: id, exportName: id }
      : { ...base, kind: 'method', className, memberName: member, localName: className, exportName: className, constructorParameters: [] };
  UNANALYSED.add(builder);
  return builder;
}

/** Builders known only by id: their parameter lists are unknown, so arity is not checked. */
const UNANALYSED = new WeakSet<ModelBuilder>();

/** Builds the model; failures throw SanityFailure with a one-line message. */
export async function invokeBuilder(inv: BuilderInvocation): Promise<BuiltModel> {
  // One parse serves the builder list, the deferred tfjs bindings and the error message.
  const sourceFile = parseSourceFile(inv.code, inv.file);
  const builders = findModelBuildersIn(sourceFile).map((b) => b.builder);
  const builder = resolveBuilder(builders, inv.file, inv.builderId, inv.code);
  if (UNANALYSED.has(builder) && builder.kind === 'function') {
    // Where a model it returns nothing for may be kept: read after the call, named in the failure.
    const [variable] = outerVariablesAssignedBy(sourceFile, builder.id);
    if (variable !== undefined) {
      builder.modelVariable = variable;
    }
  }
  const pageNotes: string[] = [];
  serveLocalFiles(inv.file);
  if (isBrowserScript(inv.code)) {
    defineBrowserGlobals(inv.tf);
    pageNotes.push(...runPageContext(inv.file, inv.code));
  }
  pageNotes.push(...answerWorkerMessages(inv.code));
  // A page's elements, or those of the page that loads the script, take the builder's writes (page-element-writes.ts).
  const page = isHtmlPage(inv.file) ? inv.file : pageLoadingScript(inv.file);
  const elements = page ? pageElementsOf(page) : { ids: [], values: {}, shown: {} };
  setPageElementIds(elements.ids, elements.values, elements.shown);
  const tfjsNames = findDeferredTfjsBindings(sourceFile);
  const moduleVars = moduleVariablesFor(sourceFile, builder, inv, tfjsNames);
  const instanceVars = instanceVariablesFor(sourceFile, builder, inv);
  // The builder's own text (found by name for a method the analysis did not take): where it reads tfjs from a field.
  const range = builderRange(sourceFile, builder);
  const builderCode = range ? inv.code.slice(range.start, range.end) : inv.code;
  const exported = new Set(declaredModuleVariables(sourceFile).filter((d) => d.exported).map((d) => d.name));
  setDeferredTfjs(inv.tf);
  fillEmptyBindings(inv.file, new Map<string, unknown>([...tfjsNames.map((n) => [n, inv.tf] as const), ...materializedValues(moduleVars?.values ?? {}, inv.tf)]), exported);
  let outcome: Awaited<ReturnType<typeof withBrowserStandIns<Omit<BuiltModel, 'browserStandIns'>>>>;
  const attempt = (progress: AttemptProgress, lastResort?: LastResort) => {
    if (inv.seed !== undefined) {
      // Every attempt builds from the same random state, so a retried build has the same weights.
      seedMathRandom(inv.seed);
    }
    return loadAndBuild(inv, builder, builders, { moduleVars, instanceVars, builderCode }, progress, lastResort);
  };
  try {
    outcome = await withBrowserStandIns((progress) => attempt(progress), pageElementIds(inv.code, inv.file), ambientGlobalsAround(inv.file, inv.code, findPackageRoot(inv.file)), inv.file);
  } catch (err) {
    const past =
      (await pastALoadError(err, inv.file, (lastResort) => attempt({ loaded: false }, lastResort))) ??
      (await pastAConstructorError(err, inv.file, builder, () => attempt({ loaded: false }))) ??
      (isHtmlPage(inv.file) ? undefined : await pastABuilderError(err, inv, builder, inv.tf, () => attempt({ loaded: false }))) ??
      (UNANALYSED.has(builder) ? await pastALoadCallError(err, inv, builder.id, inv.tf, () => attempt({ loaded: false })) : undefined);
    if (past) {
      outcome = { result: past, standIns: [] };
    } else {
      // A module that loaded only thanks to stand-ins for packages says so when the build then fails.
      if (err instanceof SanityFailure) {
        const message = withLoadingNotes(err.message);
        throw message === err.message ? err : new SanityFailure(err.reason, message, err.cause);
      }
      throw err;
    }
  }
  const { result, standIns } = outcome;
  return { ...result, browserStandIns: standIns, notes: [...pageNotes, ...result.notes, ...loadingNotes()] };
}

/** Loads the module and builds its model, layer calls missing their config and compile() calls that name unknown metrics noted first, the backend the code asked for last. */
async function loadAndBuild(...args: Parameters<typeof loadAndBuildGuarded>): Promise<Omit<BuiltModel, 'browserStandIns'>> {
  const guard = guardCompile(args[0].tf);
  const configs = guardLayerConfigs(args[0].tf);
  const backend = holdBackend(args[0].tf);
  try {
    const built = await loadAndBuildGuarded(...args);
    const asked = backend.note();
    return { ...built, notes: [...configs.notes, ...guard.notes, ...built.notes, ...(asked ? [asked] : [])] };
  } finally {
    configs.restore();
    guard.restore();
    backend.restore();
  }
}

async function loadAndBuildGuarded(
  inv: BuilderInvocation,
  builder: ModelBuilder,
  builders: ModelBuilder[],
  vars: { moduleVars: { values: Record<string, unknown>; source: string } | undefined; instanceVars: InstanceVars | undefined; builderCode: string },
  progress: AttemptProgress,
  lastResort?: LastResort,
): Promise<Omit<BuiltModel, 'browserStandIns'>> {
  resetMissingPackages();
  takeExitCalls();
  let target: unknown;
  // Every load reads the page as loading does, a retried one too (past a constructor's error): a
  // page script's top-level `document.addEventListener(…)` is wiring, not a use of the page.
  setModuleLoading(true);
  setLoadingUserModule(true);
  const stops: TrainedAtLoad[] = [];
  const resumeTraining = stopTrainingAtLoad(inv.tf, stops);
  // A name the analysis does not list may be a model the module's own code builds as it loads.
  const atLoad = UNANALYSED.has(builder) ? watchModelAtLoad(inv.file, inv.code) : undefined;
  try {
    target = await loadFactory(inv.file, builder.localName ?? builder.exportName ?? builder.id, builder.modelVariable ?? atLoad?.variable(builder.id), lastResort?.noted);
    if (atLoad && !isLayersModel(target) && typeof target !== 'function') {
      await atLoad.settle(() => stops.some((s) => s.model !== undefined));
    }
  } catch (err) {
    if (!(atLoad && stops.some((s) => s.model !== undefined))) {
      const message = isLoadStop(err) ? err.unreachable(inv.file, builder.id) : `loading ${inv.file} threw: ${describeError(err, inv.file)}`;
      throw new SanityFailure('threw', message, err);
    }
  } finally {
    atLoad?.stop();
    setLoadingUserModule(false);
    resumeTraining();
  }
  const exits = takeExitCalls();
  const loadNotes = [...(stops.length > 0 ? [stops[0].note(builder.id)] : []), ...(exits.length > 0 ? [exits[0].note()] : [])];
  progress.loaded = true;
  setModuleLoading(false);
  const madeAtLoad = isLayersModel(target) ? { model: target, note: moduleLevelModelNote(builder.id) } : atLoad && typeof target !== 'function' ? modelMadeAtLoad(readModelVariable(), stops, builder.id) : undefined;
  if (madeAtLoad) {
    // `var model = tf.sequential(); model.add(…)` at the top level, or in code the module runs as it loads: no builder function.
    const model = checkInputs(madeAtLoad.model, builder.id);
    return { model, builder, call: { model: builder.id, args: [], argsSource: 'built when the module loads', builderKind: builder.kind }, notes: [madeAtLoad.note] };
  }
  if (typeof target === 'function' && builder.kind !== 'constructor' && builder.className === undefined && isClassValue(target)) {
    // Its constructor's arguments may hold stand-ins the CLI proposed from the class's own code.
    const made = new StandIns(inv.tf, guessedParameterNames(inv.argsSource));
    const ctorArgs = inv.ctorArgs ?? inv.args;
    const built = await buildUnanalysedClass(target as Callable, { ...inv, ctorArgs: ctorArgs && made.materialize(ctorArgs, [], inv.ctorArgs ? '--ctor-args' : '--args') }, builder);
    return { ...built, notes: [...loadNotes, ...built.notes] };
  }
  const isClass = builder.className !== undefined;
  const isObjectOfFunctions = builder.kind === 'method' && typeof target === 'object' && target !== null;
  if (typeof target !== 'function' && !isObjectOfFunctions) {
    const what = isClass ? `class '${builder.className}'` : `function '${builder.id}'`;
    const known = builders.map((b) => b.id);
    throw new SanityFailure('noFactory', `${inv.file} has no ${what} (found ${describeValue(target)}${known.length > 0 ? `; its builders: ${known.join(', ')}` : ''})`);
  }
  const usesCtor = typeof target === 'function' && (builder.kind === 'constructor' || (isClass && !builder.static));
  // For `--model Class`, --args are the constructor's and --ctor-args, when given, override them.
  const ctorGiven = builder.kind === 'constructor' ? (inv.ctorArgs ?? inv.args ?? []) : (inv.ctorArgs ?? []);
  const given = builder.kind === 'constructor' ? [] : (inv.args ?? []);
  // Sibling builders of model arguments may add fields (model-arguments.ts): a copy, reported after the call.
  const fields: InstanceVars = { values: { ...(vars.instanceVars?.values ?? {}) }, source: vars.instanceVars?.source ?? '', ...(vars.instanceVars?.typed ? { typed: vars.instanceVars.typed } : {}) };
  const standIns = new StandIns(inv.tf, guessedParameterNames(inv.argsSource));
  const ctx: CallContext = { inv, builder, notes: [], instanceVars: fields, standIns, builderCode: vars.builderCode };
  const parameters = UNANALYSED.has(builder) && builder.kind === 'function' ? runtimeParameters(target) : builder.parameters;
  const args = builder.kind === 'constructor' ? [] : standIns.materialize(fillArguments(parameters, given, { ...ctx, unanalysed: UNANALYSED.has(builder) }, '--args', inv.args !== undefined), parameters, '--args');
  const ctorTyped = builder.kind === 'constructor' ? inv.ctorArgs !== undefined || inv.args !== undefined : inv.ctorArgs !== undefined;
  const ctorFlag = builder.kind === 'constructor' ? '--args' : '--ctor-args';
  const ctorArgs = usesCtor ? standIns.materialize(fillArguments(ctorParameters(builder), ctorGiven, { ...ctx, unanalysed: UNANALYSED.has(builder) }, ctorFlag, ctorTyped), ctorParameters(builder), ctorFlag) : [];
  // What the report says was passed, taken before the call: a builder may write into its arguments
  // (a layer graph's nodes get their tensors), and the report must stay the JSON the user gave.
  const passed = structuredClone({ args: builder.kind === 'constructor' ? ctorGiven : given, ctorArgs: ctorGiven });
  const model = await build(target as Callable | Record<string, unknown>, ctx, args, ctorArgs);
  const call: SanityCall = { model: builder.id, args: passed.args, argsSource: inv.argsSource ?? describeSource(builder, inv), builderKind: builder.kind };
  if (usesCtor && builder.kind !== 'constructor') {
    call.ctorArgs = passed.ctorArgs;
  }
  const { moduleVars } = vars;
  const instanceVars = fields;
  if (moduleVars && Object.keys(moduleVars.values).length > 0) {
    call.moduleVars = moduleVars.values;
    call.moduleVarsSource = moduleVars.source;
  }
  // The report names the fields the call had: one the constructor set and kept (a proposal that could not
  // see a base class's constructor) is not among them.
  const setValues = Object.fromEntries(Object.entries(instanceVars.values).filter(([name]) => !ctx.fieldsKept?.includes(name)));
  if (Object.keys(setValues).length > 0) {
    call.instanceVars = setValues;
    call.instanceVarsSource = instanceVars.source;
  }
  const compiled = compileAsTheScript(model, stops[0]);
  const smallerInput = findSmallerInput(
    model.inputs.map((t) => t.shape.slice(1)),
    { args: passed.args, argsAreConstructor: builder.kind === 'constructor', ...(call.ctorArgs ? { ctorArgs: passed.ctorArgs } : {}), argsSource: call.argsSource, instance: ctx.instance, instanceVars: setValues, moduleVars: moduleVars?.values },
  );
  return { model, builder, call, notes: [...loadNotes, ...(compiled ? [compiled] : []), ...ctx.notes], ...(smallerInput ? { smallerInput } : {}) };
}

/**
 * The module variables to fill: the given ones (each must be a top-level let/var of the file declared
 * without a value), else the proposal from the file itself (literal assignments, object-literal
 * properties, names), as the CLI and the editor propose them.
 */
function moduleVariablesFor(sourceFile: ReturnType<typeof parseSourceFile>, builder: ModelBuilder, inv: BuilderInvocation, tfjsNames: string[]): { values: Record<string, unknown>; source: string } | undefined {
  if (inv.moduleVars !== undefined) {
    const declared = declaredModuleVariables(sourceFile).map((d) => d.name).filter((n) => !tfjsNames.includes(n));
    const stray = Object.keys(inv.moduleVars).filter((n) => !declared.includes(n));
    if (stray.length > 0) {
      const has = declared.length > 0 ? `its are ${declared.join(', ')}` : 'it has none';
      throw new BadInputError(`--module-vars: ${stray.join(', ')} ${stray.length === 1 ? 'is not a top-level let/var' : 'are not top-level lets/vars'} of ${path.basename(inv.file)} declared without a value (${has})`);
    }
    return { values: inv.moduleVars, source: inv.moduleVarsSource ?? 'given' };
  }
  const proposal = builder.end > builder.start ? proposeModuleVariables(sourceFile, builder, { fileLabel: path.basename(inv.file), hint: readDataHint(inv.code) }) : undefined;
  return proposal && { values: proposal.values, source: proposal.summary };
}

interface CallContext {
  inv: BuilderInvocation;
  builder: ModelBuilder;
  /** Notes for the report (arguments that ran as undefined). */
  notes: string[];
  /** Fields set on the instance before a method builder runs. */
  instanceVars?: InstanceVars;
  /** The instance a method builder ran on, once constructed. */
  instance?: Record<string, unknown>;
  /** The fields fillInstanceFields left as the constructor set them (not empty, not typed). */
  fieldsKept?: string[];
  /** The stand-ins for live objects among the arguments, watched for what the builder asks of them. */
  standIns?: StandIns;
  /** The builder's own text. */
  builderCode: string;
}

async function build(target: Callable | Record<string, unknown>, ctx: CallContext, args: unknown[], ctorArgs: unknown[]): Promise<tfjs.LayersModel> {
  const { builder, inv } = ctx;
  const label = builder.kind === 'constructor' ? `new ${builder.className}()` : `${builder.id}()`;
  const instance = typeof target === 'function' && (builder.kind === 'constructor' || (builder.className && !builder.static)) ? construct(target, ctorArgs, ctx) : undefined;
  // A constructor builder has built its model by now: its fields are no way to change the input.
  ctx.instance = builder.kind === 'constructor' ? undefined : instance;
  let result: unknown;
  const training = stopTrainingInBuilder(inv.tf);
  const used = watchModelsUsed(inv.tf);
  try {
    if (builder.className && builder.kind !== 'constructor') {
      // A method on the instance, a static one on the class, or a function of an exported object.
      const owner = (instance ?? target) as Record<string, unknown>;
      const filled = fillInstanceFields(instance, ctx.instanceVars, inv.tf);
      ctx.fieldsKept = Object.keys(ctx.instanceVars?.values ?? {}).filter((name) => !filled.set.includes(name));
      const kept = ctx.instanceVars?.source !== 'given' ? keptFieldsNote(ctx.fieldsKept) : undefined;
      const completed = completedFieldsNote(filled.completed, builder.id);
      const tfjsFields = tfjsFieldsNote(fillTfjsFields(ctx.builderCode, builder.className, owner, target, inv.tf), builder.id);
      ctx.notes.push(...[kept, completed, tfjsFields].filter((n): n is string => n !== undefined));
      const method = owner[builder.memberName ?? ''];
      if (typeof method !== 'function') {
        throw new SanityFailure('noFactory', `${builder.className} has no method '${builder.memberName}' (found ${describeValue(method)})`);
      }
      const built = await resolveModelArguments(args, owner, modelArgumentContext(ctx));
      result = await (method as (...a: unknown[]) => unknown).apply(owner, built);
    } else if (builder.kind !== 'constructor') {
      // Functions inside `module.exports = { … }` may call their siblings through `this`.
      const self = builder.localName ? undefined : requireUserModule(inv.file);
      const defaulted = UNANALYSED.has(builder) && inv.args === undefined ? emptyObjectsForDefaultedPatterns(target, args.length) : undefined;
      if (defaulted) {
        ctx.notes.push(`${builder.id} takes an options object with a default for every property: it ran with {}`);
      }
      result = await (target as Callable).apply(self, await resolveModelArguments([...args, ...(defaulted ?? [])], undefined, modelArgumentContext(ctx)));
    }
  } catch (err) {
    // Stopped at its training call, the builder may throw its own error for it (`catch ({ message }) {
    // throw new Error(`Failed to train: ${message}`) }`): the stopped model is still the one it built.
    if (training.model()) {
      if (!isTrainedInBuilder(err)) {
        ctx.notes.push(`${label} caught the stop of its training call and threw its own error for it (${describeError(err, inv.file)})`);
      }
      return trainedInBuilder(training, label, ctx.notes);
    }
    // A builder known only by its id got no proposal: say which of its parameters ran as undefined.
    const unproposed = UNANALYSED.has(builder) ? missingArgumentsHint(builder.id, builder.className ? (instance ?? (target as Record<string, unknown>))[builder.memberName ?? ''] : target, args.length) : undefined;
    const standIn = ctx.standIns?.describe(err);
    const typed = typedMethodNote(err, inv.args !== undefined || inv.ctorArgs !== undefined || inv.instanceVars !== undefined);
    const extra = [...ctx.notes, ...[unproposed, standIn, typed].filter((n): n is string => n !== undefined)];
    const left = extra.length > 0 ? ` (${extra.join('; ')})` : '';
    throw err instanceof SanityFailure ? err : new SanityFailure('threw', `${label} threw: ${describeError(err, inv.file)}${left}`, err);
  } finally {
    training.restore();
    used.restore();
  }
  return modelLeftByCall({ result, instance, builder, label, notes: ctx.notes, training, used });
}

function modelArgumentContext(ctx: CallContext): ModelArgumentContext {
  const { inv, builder } = ctx;
  return { file: inv.file, code: inv.code, ...(builder.className ? { className: builder.className } : {}), fields: ctx.instanceVars ?? { values: {}, source: '' }, fieldsGiven: inv.instanceVars !== undefined, notes: ctx.notes };
}

function construct(target: Callable, ctorArgs: unknown[], ctx: CallContext): Record<string, unknown> {
  try {
    // A factory (module pattern) returns the object that holds its functions: called, as its callers do.
    return ctx.builder.factory ? ((target as unknown as (...a: unknown[]) => Record<string, unknown>)(...ctorArgs) ?? {}) : new target(...ctorArgs);
  } catch (err) {
    const flag = ctx.builder.kind === 'constructor' ? '--args' : '--ctor-args';
    const unproposed = UNANALYSED.has(ctx.builder) ? missingArgumentsHint(`new ${ctx.builder.className}()`, target, ctorArgs.length, flag) : undefined;
    const why = [unproposed, ctx.standIns?.describe(err)].filter((w): w is string => w !== undefined);
    throw new SanityFailure('threw', `${ctx.builder.factory ? '' : 'new '}${ctx.builder.className}() threw: ${describeError(err, ctx.inv.file)}${why.length > 0 ? ` (${why.join('; ')})` : ''}`, err);
  }
}

function describeSource(builder: ModelBuilder, inv: BuilderInvocation): string {
  const params = [...builder.parameters, ...(builder.constructorParameters ?? [])].filter((p) => !p.receivesTfjs);
  if (inv.args !== undefined || inv.ctorArgs !== undefined) {
    return 'given';
  }
  return params.length === 0 ? 'no parameters' : 'defaults in the signature';
}
