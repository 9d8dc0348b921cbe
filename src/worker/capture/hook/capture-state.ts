/**
 * Decides which model the program trains is the one to take (`--capture N`), keeps what it feeds to
 * training, and stops the program there: the taken call never settles while the session runs on the
 * live model. A program that ends without training hands over the model it built instead: the Nth
 * of those it went on to use (compiled or ran) when it used any, since one it built and dropped (a
 * Sequential whose builder threw halfway, caught before a fallback model) is not the one it works with.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { SourceLocation } from '../../../core/training/protocol';
import { BatchCollector } from './batch-collector';
import { keepAlive } from './keep-alive';
import type { CapturedTarget } from '../session/captured-target';
import type { LayersListener, TrainingCall } from './layers-patch';
import { patchOptimizerClasses, patchOptimizerFactories, type GradientListener } from './optimizer-patch';
import { epochMs } from '../../clock';

/** trainOnBatch batches are gathered until the program pauses this long. */
const IDLE_MS = 1500;

interface Built {
  model: tfjs.LayersModel;
  site: SourceLocation | null;
  instance: TfjsInstance;
}

export interface TfjsInstance {
  tf: () => typeof tfjs;
  layersFile: string;
  /** The program's tfjs packages by name, where a test runner's module registry loaded them (not Node's loader). */
  modules?: () => Map<string, unknown>;
}

type BuiltExtra = Pick<CapturedTarget, 'takenAfterS' | 'programFailed'>;

const NEVER = () => new Promise<never>(() => undefined);

export class CaptureState {
  private readonly built: Built[] = [];
  private readonly builtAt = new Map<tfjs.LayersModel, Built>();
  private readonly trained = new Map<tfjs.LayersModel, number>();
  private readonly compileArgs = new WeakMap<tfjs.LayersModel, unknown>();
  /** Built models the program compiled or ran (predict, evaluate, execute). */
  private readonly used = new WeakSet<tfjs.LayersModel>();
  /** Optimizers the program stepped a model with in its own loop: paused once the session owns the model. */
  private readonly programOptimizers = new WeakSet<object>();
  private phase: 'watching' | 'collecting' | 'running' = 'watching';
  private collecting?: { target: CapturedTarget; idle?: NodeJS.Timeout };
  /** When a built model is taken if none was trained (half the budget), and that half in seconds. */
  private takeBuilt?: { at: number; afterS: number };
  /** The program was stopped at a predict(): its later predicts stop it again. */
  private stoppedAtInference = false;

  constructor(
    /** 1-based: the Nth model the program trains. */
    private readonly index: number,
    private readonly seed: number,
    private readonly start: (target: CapturedTarget) => void,
  ) {}

  get running(): boolean {
    return this.phase === 'running';
  }

  listenerFor(instance: TfjsInstance): LayersListener {
    const onGradients: GradientListener = (names, optimizer) => this.onGradients(names, optimizer, instance);
    return {
      built: (model, site) => {
        if (model && !this.builtAt.has(model)) {
          const entry = { model, site, instance };
          this.builtAt.set(model, entry);
          this.built.push(entry);
          if (this.built.length === this.index) {
            // The model a program that never trains hands over: it may dispose it before it ends.
            keepAliveIn(instance, model);
          }
          hookOptimizers(instance, onGradients);
          // A test runner's registry is torn down when its test file ends: take its tfjs modules while it is up.
          instance.modules?.();
        }
      },
      compiled: (model, args) => {
        this.compileArgs.set(model, args);
        this.markUsed(model, instance);
        // An optimizer object given to compile is wrapped now: a program whose loop never yields (a
        // synchronous `while (true)` of gradient steps) would never run a microtask.
        patchOptimizerClasses((args as { optimizer?: unknown } | undefined)?.optimizer, onGradients);
        // One named by a string ('adam') is made by compile() after this call: wrap its class once compile has returned.
        queueMicrotask(() => patchOptimizerClasses((model as { optimizer?: unknown }).optimizer, onGradients));
      },
      training: (call) => this.onTraining(call, instance),
      inference: (model, fromProgram) => {
        this.markUsed(model, instance);
        return this.onInference(fromProgram);
      },
    };
  }

  private markUsed(model: tfjs.LayersModel, instance: TfjsInstance): void {
    if (!this.builtAt.has(model) || this.used.has(model)) {
      return;
    }
    this.used.add(model);
    if (this.usedBuilt().length === this.index) {
      // As for the Nth model built: the program may dispose it before it ends.
      keepAliveIn(instance, model);
    }
  }

  private usedBuilt(): Built[] {
    return this.built.filter((b) => this.used.has(b.model));
  }

  /** The model a program that does not train hands over: the Nth it used, else the Nth it built. */
  private handedOver(): Built | undefined {
    const used = this.usedBuilt();
    return used.length >= this.index ? used[this.index - 1] : this.built[this.index - 1];
  }

  /**
   * Half the budget gone, a model built and none trained: a program that first prepares data or plays
   * games for its examples (self-play) may train too late for the session. Its model is taken as
   * built, as when a program ends without training; a later training call of the program waits. A
   * timer takes it from a program that yields to the event loop; one whose loop never yields is
   * stopped at its next predict() instead (onInference).
   */
  takeBuiltModelAt(deadline: number): void {
    const half = Math.max(0, (deadline - epochMs()) / 2);
    this.takeBuilt = { at: epochMs() + half, afterS: Math.round(half / 1000) };
    // unref: a program that ends sooner ends as it would.
    setTimeout(() => this.phase === 'watching' && this.beginBuilt({ takenAfterS: this.takeBuilt!.afterS }), half).unref();
  }

  /**
   * A program that runs its model (self-play, evaluation) in a loop that never yields past half the
   * budget: the timer cannot fire, so the predict() call itself takes the built model and throws the
   * program out of its loop; the session starts once that has unwound.
   */
  private onInference(fromProgram: () => boolean): 'pass' | 'stop' {
    if (this.phase === 'running') {
      return this.stoppedAtInference && fromProgram() ? 'stop' : 'pass';
    }
    if (this.phase !== 'watching' || !this.takeBuilt || epochMs() < this.takeBuilt.at) {
      return 'pass';
    }
    const target = this.builtTarget({ takenAfterS: this.takeBuilt.afterS });
    if (!target || !fromProgram()) {
      return 'pass';
    }
    this.phase = 'running';
    this.stoppedAtInference = true;
    setImmediate(() => this.start(target));
    return 'stop';
  }

  /**
   * A gradient step of the program's own loop (optimizer.applyGradients): the first one on a built
   * model's weights is where the program trains it. No batches can be taken from such a loop, so the
   * model is captured with the built-in data; the step throws to end the program's loop, and the
   * session starts once that has unwound. Later steps of the program's optimizers stop it again.
   */
  private onGradients(names: string[], optimizer: object, instance: TfjsInstance): 'pass' | 'stop' {
    if (this.phase === 'running') {
      return this.programOptimizers.has(optimizer) ? 'stop' : 'pass';
    }
    const built = this.phase === 'watching' ? this.built.find((b) => weightNames(b.model).some((n) => names.includes(n))) : undefined;
    if (!built) {
      return 'pass';
    }
    this.programOptimizers.add(optimizer);
    if (!this.trained.has(built.model)) {
      this.trained.set(built.model, this.trained.size + 1);
    }
    if (this.trained.get(built.model) !== this.index) {
      return 'pass';
    }
    const target: CapturedTarget = { ...this.targetOf(built.model, instance, built.site), kind: 'applyGradients' };
    target.notes.push("the program trains this model in its own loop (optimizer.applyGradients), whose batches cannot be taken: the run used built-in data, and the program was stopped at its first update");
    this.phase = 'running';
    setImmediate(() => this.start(target));
    return 'stop';
  }

  /**
   * The program is about to end: hand over what there is. True when a session now runs and the exit
   * must wait. A program that fails (`code` ≠ 0, or `failure` said how) hands over the model it built
   * only when that model is complete: a functional model is when it is made, a Sequential once compiled
   * (a failure inside the builder leaves a Sequential half-built).
   */
  onProgramEnd(code: number, failure?: string): boolean {
    if (this.phase === 'running') {
      return true;
    }
    if (this.phase === 'collecting' && this.collecting) {
      this.begin(this.collecting.target);
      return true;
    }
    if (code === 0 && failure === undefined) {
      return this.beginBuilt();
    }
    const built = this.handedOver();
    return built !== undefined && this.isComplete(built.model) && this.beginBuilt({ programFailed: failure ?? `exited with code ${code}` });
  }

  private isComplete(model: tfjs.LayersModel): boolean {
    const className = (model as unknown as { getClassName?: () => string }).getClassName?.();
    return className !== 'Sequential' || this.compileArgs.has(model);
  }

  /** The session on the Nth model built, when it was built and no Nth model was trained. */
  private beginBuilt(extra: BuiltExtra = {}): boolean {
    const target = this.builtTarget(extra);
    if (target) {
      this.begin(target);
    }
    return target !== undefined;
  }

  private builtTarget(extra: BuiltExtra): CapturedTarget | undefined {
    const built = this.handedOver();
    if (!built || this.trained.size >= this.index) {
      return undefined;
    }
    const target: CapturedTarget = { ...this.targetOf(built.model, built.instance, built.site), kind: 'built', ...extra };
    const skipped = this.used.has(built.model) ? this.built.slice(0, this.built.indexOf(built)).filter((b) => !this.used.has(b.model)) : [];
    if (skipped.length > 0) {
      const where = skipped.map((b) => (b.site ? `${path.basename(b.site.file)}:${b.site.line}` : 'a place not found')).join(', ');
      target.notes.push(`the program built ${skipped.length === 1 ? 'a model' : `${skipped.length} models`} before this one that it never compiled or ran (at ${where}): it went on with this one, so this one was taken`);
    }
    return target;
  }

  private onTraining(call: TrainingCall, instance: TfjsInstance): unknown {
    if (this.phase === 'running') {
      return NEVER();
    }
    if (!this.trained.has(call.model)) {
      this.trained.set(call.model, this.trained.size + 1);
      if (!this.builtAt.has(call.model)) {
        this.listenerFor(instance).built(call.model, call.site);
      }
    }
    if (this.trained.get(call.model) !== this.index) {
      return undefined;
    }
    if (this.phase === 'collecting' && this.collecting) {
      return this.collectMore(call);
    }
    const target = { ...this.targetOf(call.model, instance, call.site), kind: call.kind };
    keepAlive(target.tf, call.model);
    const collector = new BatchCollector(target.tf, call.model);
    target.collector = collector;
    if (call.kind === 'trainOnBatch') {
      this.phase = 'collecting';
      this.collecting = { target };
      return this.collectMore(call);
    }
    this.phase = 'running';
    void this.collect(call, collector, target).then(() => this.begin(target));
    return NEVER();
  }

  private async collect(call: TrainingCall, collector: BatchCollector, target: CapturedTarget): Promise<void> {
    try {
      if (call.kind === 'fit') {
        const args = (call.args[2] ?? {}) as { shuffle?: boolean };
        collector.add(call.args[0], call.args[1], args.shuffle !== false, this.seed);
      } else {
        await collector.addDataset(call.args[0] as Parameters<BatchCollector['addDataset']>[0]);
      }
    } catch (err) {
      target.notes.push(`the ${call.kind}() call's data could not be captured (${(err as Error).message}): built-in data instead`);
    }
  }

  /** trainOnBatch: keep the batch, answer with a zero loss without training, and go on until full or idle. */
  private collectMore(call: TrainingCall): unknown {
    const state = this.collecting!;
    try {
      state.target.collector!.add(call.args[0], call.args[1]);
    } catch (err) {
      state.target.notes.push(`a trainOnBatch() call's data could not be captured (${(err as Error).message})`);
    }
    if (state.target.collector!.full) {
      this.begin(state.target);
      return NEVER();
    }
    clearTimeout(state.idle);
    state.idle = setTimeout(() => this.begin(state.target), IDLE_MS);
    const names = (call.model as unknown as { metricsNames?: string[] }).metricsNames ?? [];
    return Promise.resolve(names.length > 1 ? names.map(() => 0) : 0);
  }

  private begin(target: CapturedTarget): void {
    if (this.collecting?.idle) {
      clearTimeout(this.collecting.idle);
    }
    if (this.phase === 'running' && target.kind === 'trainOnBatch') {
      return;
    }
    this.phase = 'running';
    this.collecting = undefined;
    this.start(target);
  }

  private targetOf(model: tfjs.LayersModel, instance: TfjsInstance, site: SourceLocation | null): CapturedTarget {
    return { tf: instance.tf(), layersFile: instance.layersFile, model, kind: 'built', site, builtAt: this.builtAt.get(model)?.site ?? site, compileArgs: this.compileArgs.get(model), index: this.index, notes: [], ...(instance.modules ? { registryModules: instance.modules() } : {}) };
  }
}

function keepAliveIn(instance: TfjsInstance, model: tfjs.LayersModel): void {
  try {
    keepAlive(instance.tf(), model);
  } catch {
    // the program's tfjs could not be reached yet: its training call keeps the model alive instead
  }
}

/** Once per tfjs instance: optimizers made through tf.train.* get their classes wrapped. */
function hookOptimizers(instance: TfjsInstance, onGradients: GradientListener): void {
  try {
    patchOptimizerFactories((instance.tf() as unknown as { train?: unknown }).train, onGradients);
  } catch {
    // the program's tfjs could not be reached yet: compiled models' optimizers are still wrapped
  }
}

/** The names a gradient map uses for the model's trainable weights (their tfjs-core variables'). */
function weightNames(model: tfjs.LayersModel): string[] {
  return model.trainableWeights.flatMap((w) => [w.name, (w as unknown as { val?: { name?: string } }).val?.name ?? '']).filter(Boolean);
}
