/**
 * The scheduler's handle on one arm worker (a child process): sends it commands, waits for its
 * messages (ready, a step reached, a seed done), and turns an error message or an early exit into the
 * failure the whole Compare ends with.
 */
import type { ChildProcess } from 'node:child_process';
import type { ArmCommand, ArmMessage, CompareArm } from '../../core/training/compare-protocol';
import type { SanityOutcome, SanityRequest, WorkerMessage } from '../../core/training/protocol';
import { describeExit, describePhase, nextPhase, spawnWorker } from '../launcher';

export type ArmReady = Extract<ArmMessage, { type: 'armReady' }>;
export type SeedDone = Extract<ArmMessage, { type: 'seedDone' }>;
export type CompareFailure = Extract<SanityOutcome, { kind: 'error' }>;

/** Ends the Compare: cancelled, out of time, or an arm failed. */
export class CompareStopped extends Error {
  constructor(readonly outcome: CompareFailure) {
    super(outcome.message);
  }
}

const STDERR_TAIL = 4000;

interface Waiter {
  check: () => boolean;
  reject: (error: CompareStopped) => void;
}

export class ArmProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private failure: CompareFailure | undefined;
  private readonly waiters = new Set<Waiter>();
  private readyMessage: ArmReady | undefined;
  private readonly reached = new Map<number, number>();
  private readonly done = new Map<number, SeedDone>();
  private phase: Extract<WorkerMessage, { type: 'phase' }> | undefined;
  private progress: Extract<WorkerMessage, { type: 'progress' }> | undefined;
  private params: number | undefined;
  /** Set before the scheduler kills it: an exit is then no failure. */
  private closing = false;

  constructor(
    readonly arm: CompareArm,
    request: SanityRequest,
    options: { script: string; maxMemoryMb: number; threads: number; deadlineEpochMs: number; concurrent: boolean },
    private readonly forward: (message: WorkerMessage) => void,
    private readonly onFailure: (failure: CompareFailure) => void,
  ) {
    this.child = spawnWorker(request, options.script, options.maxMemoryMb);
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    // The user's console output must not fill the pipe and stall the child.
    this.child.stdout?.resume();
    this.child.on('message', (message: WorkerMessage | ArmMessage) => this.onMessage(message));
    this.child.on('error', (err) => this.fail({ kind: 'error', reason: 'crashed', message: `the sanity-train worker failed: ${err.message}` }));
    this.child.on('exit', (code, signal) => {
      if (!this.closing) {
        this.fail(describeExit(code, signal, this.stderr, options.maxMemoryMb, this.where(), this.params) as CompareFailure);
      }
    });
    this.send({ type: 'startArm', request, arm: this.arm, threads: options.threads, deadlineEpochMs: options.deadlineEpochMs, concurrent: options.concurrent });
  }

  send(command: ArmCommand): void {
    if (this.child.connected) {
      this.child.send(command);
    }
  }

  /** Where the worker was, for a failure's message: its last step, else its set-up phase. */
  where(): string {
    const run = this.arm === 'asWritten' ? 'the model as written' : 'the swapped model';
    if (!this.progress) {
      return ` (${run}, before its first training step: ${describePhase(this.phase)})`;
    }
    const seed = this.progress.seed !== undefined ? `seed ${this.progress.seed}, ` : '';
    return ` (${run}, ${seed}step ${this.progress.step} of ${this.progress.totalSteps})`;
  }

  ready(): Promise<ArmReady> {
    return this.until(() => this.readyMessage);
  }

  /** Resolves when the seed's run reached `step` or ended (a NaN ends it early). */
  reachedStep(seed: number, step: number): Promise<void> {
    return this.until(() => ((this.reached.get(seed) ?? -1) >= step || this.done.has(seed) ? true : undefined)).then(() => undefined);
  }

  seedDone(seed: number): Promise<SeedDone> {
    return this.until(() => this.done.get(seed));
  }

  kill(): void {
    this.closing = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }

  private until<T>(pick: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = pick();
          if (value !== undefined) {
            this.waiters.delete(waiter);
            resolve(value);
          }
          return value !== undefined;
        },
        reject: (error) => {
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      if (this.failure) {
        reject(new CompareStopped(this.failure));
      } else if (!waiter.check()) {
        this.waiters.add(waiter);
      }
    });
  }

  private onMessage(message: WorkerMessage | ArmMessage): void {
    switch (message.type) {
      case 'armReady':
        this.readyMessage = message;
        break;
      case 'reached':
        this.reached.set(message.seed, Math.max(message.step, this.reached.get(message.seed) ?? -1));
        break;
      case 'seedDone':
        this.done.set(message.seed, message);
        break;
      case 'error':
        this.fail({ kind: 'error', reason: message.reason, message: message.message, ...(message.runtime ? { runtime: message.runtime } : {}), ...(message.batchSize !== undefined ? { batchSize: message.batchSize } : {}) });
        return;
      case 'phase':
        this.phase = nextPhase(this.phase, message);
        this.params = message.params ?? this.params;
        this.forward(message);
        break;
      case 'progress':
        this.progress = message;
        this.params = message.params ?? this.params;
        this.forward(message);
        break;
      default:
        this.forward(message);
    }
    for (const waiter of [...this.waiters]) {
      waiter.check();
    }
  }

  private fail(failure: CompareFailure): void {
    if (this.failure || this.closing) {
      return;
    }
    this.failure = failure;
    for (const waiter of [...this.waiters]) {
      waiter.reject(new CompareStopped(failure));
    }
    this.onFailure(failure);
  }
}
