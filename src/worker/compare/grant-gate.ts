/**
 * The arm worker's side of the Compare's step grants: a run trains up to the step the scheduler has
 * granted, says it got there, and waits for the next grant; the scheduler may cut the run's steps
 * (never below a step it granted) or abandon the seed. And the queue of the scheduler's other commands.
 */
import type { ArmCommand } from '../../core/training/compare-protocol';

/** Thrown out of the training loop when the scheduler drops the seed in progress. */
export class SeedAbandoned extends Error {
  constructor() {
    super('the scheduler abandoned this seed');
  }
}

export class GrantGate {
  private upTo = 0;
  /** The steps the current seed trains in all, as granted so far. */
  steps = 0;
  private abandoned = false;
  private wake: (() => void) | undefined;

  startSeed(upTo: number, steps: number): void {
    this.upTo = upTo;
    this.steps = steps;
    this.abandoned = false;
  }

  grant(upTo: number, steps: number): void {
    this.upTo = Math.max(this.upTo, upTo);
    this.steps = steps;
    this.release();
  }

  abandon(): void {
    this.abandoned = true;
    this.release();
  }

  /**
   * After `done` steps: the steps the run has in all. At the granted step (short of the end) it tells
   * the scheduler with `reached` and waits for the next grant.
   */
  async planned(done: number, reached: (step: number) => void): Promise<number> {
    while (!this.abandoned && done >= this.upTo && done < this.steps) {
      const granted = new Promise<void>((resolve) => (this.wake = resolve));
      reached(done);
      await granted;
    }
    if (this.abandoned) {
      throw new SeedAbandoned();
    }
    return this.steps;
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The scheduler's `seed` and `finish` commands, in order, for the arm's main loop. */
export class CommandQueue {
  private readonly queued: Extract<ArmCommand, { type: 'seed' | 'finish' }>[] = [];
  private waiting: ((command: Extract<ArmCommand, { type: 'seed' | 'finish' }>) => void) | undefined;

  /** Routes one command: grants and abandons to the gate, the rest to the queue. */
  accept(command: ArmCommand, gate: GrantGate): void {
    if (command.type === 'grant') {
      gate.grant(command.upTo, command.steps);
    } else if (command.type === 'abandon') {
      gate.abandon();
    } else if (command.type === 'seed' || command.type === 'finish') {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) {
        waiting(command);
      } else {
        this.queued.push(command);
      }
    }
  }

  next(): Promise<Extract<ArmCommand, { type: 'seed' | 'finish' }>> {
    const queued = this.queued.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiting = resolve));
  }
}
