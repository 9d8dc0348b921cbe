/**
 * The caller's side of the analysis thread: each call posts a request and resolves with the reply.
 * The thread starts on the first call (or `start`), and starts again on the next call after it
 * exits or crashes; calls in flight at that moment reject with the reason, nothing else is lost.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisMethodName, AnalysisThreadMethods } from './methods';
import { fromThreadError, type ThreadOptions, type ThreadReply, type ThreadRequest } from './protocol';

type Method<M extends AnalysisMethodName> = AnalysisThreadMethods[M];
interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Posts a request. Arguments are JSON-like by contract, but VS Code hands settings out as proxies, which
 * structured clone refuses: those are sent as their JSON copy instead.
 */
function post(worker: Worker, request: ThreadRequest): void {
  try {
    worker.postMessage(request);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'DataCloneError')) {
      throw error;
    }
    worker.postMessage({ ...request, args: JSON.parse(JSON.stringify(request.args)) as unknown[] });
  }
}

export class AnalysisThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param script the built thread entry (dist/analysis-thread.js); a `.ts` source runs through tsx (tests).
   * @param options.compileCacheDir where the thread keeps V8's code for the compiler (compile-cache.ts); none without it.
   */
  constructor(
    private readonly script: string,
    private readonly options: ThreadOptions = {},
  ) {}

  /** Runs `method` in the thread with structured-clone copies of `args`. */
  call<M extends AnalysisMethodName>(method: M, ...args: Parameters<Method<M>>): Promise<Awaited<ReturnType<Method<M>>>> {
    const worker = this.running();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      try {
        post(worker, { id, method, args });
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Stops the thread; calls in flight reject. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the analysis thread was stopped'));
    await worker?.terminate();
  }

  /** Starts the thread now (it then loads the compiler) rather than on the first call; idempotent. */
  start(): void {
    this.running();
  }

  private running(): Worker {
    return this.worker ?? this.spawn();
  }

  private spawn(): Worker {
    const execArgv = this.script.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [];
    const worker = new Worker(this.script, { execArgv, workerData: this.options satisfies ThreadOptions });
    worker.unref(); // an idle thread never keeps the process alive
    worker.on('message', (reply: ThreadReply) => this.settle(reply));
    worker.on('error', (error) => this.stopped(worker, new Error(`the analysis thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.stopped(worker, new Error(`the analysis thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: ThreadReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) {
      return;
    }
    this.pending.delete(reply.id);
    if (reply.ok) {
      pending.resolve(reply.value);
    } else {
      pending.reject(fromThreadError(reply.error, pending.method));
    }
  }

  private stopped(worker: Worker, reason: Error): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.failAll(reason);
    }
  }

  private failAll(reason: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    pending.forEach((p) => p.reject(reason));
  }
}
