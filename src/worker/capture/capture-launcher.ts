/**
 * Runs the user's command (`node train.js`, `npx mocha …`, `npm run train`) in its own process group
 * with the capture hook preloaded into its node processes, relays the capturing process's messages,
 * and turns what happens into a SanityOutcome: a report, or one line saying why not (the program
 * exited or threw before training, ran past the budget, was cancelled). The whole group is killed
 * when the run ends, on cancel and at the deadline. The program's output goes to `onOutput`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityRequest, SanityRuntime, WorkerMessage } from '../../core/training/protocol';
import { CAPTURE_ENV, type CaptureConfig } from './capture-config';
import { readMessages } from './socket-channel';
import { programEndMessage, sessionLostMessage } from './program-end';
import { packageScripts, testRunnerOf, unsupportedRunner } from './test-runner';

export interface CaptureLaunchOptions {
  onMessage?: (message: WorkerMessage) => void;
  /** Each line the program writes (stdout and stderr), for a log. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  maxMemoryMb?: number;
  /** The folder holding capture-hook.js and capture-session.js; defaults to the bundle's (dist/). */
  hookDir?: string;
}

const DEFAULT_MAX_MEMORY_MB = 4096;
/** Lines of the program's output kept for its failure line: a Node stack with its require stack runs to dozens. */
const OUTPUT_TAIL = 200;

/** dist/ beside the running bundle, or the repository's dist/ when running from source. */
export function defaultHookDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '../../../dist')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'capture-hook.js'))) ?? candidates[0];
}

export async function runCapture(request: SanityRequest, options: CaptureLaunchOptions = {}): Promise<SanityOutcome> {
  if (options.signal?.aborted) {
    return { kind: 'error', reason: 'cancelled', message: 'sanity-train was cancelled' };
  }
  const hookDir = options.hookDir ?? defaultHookDir();
  const hook = path.join(hookDir, 'capture-hook.js');
  if (!fs.existsSync(hook)) {
    return { kind: 'error', reason: 'crashed', message: `the capture hook is missing (${hook}); rebuild the extension (npm run build)` };
  }
  const runner = testRunnerOf(request.from!.command, packageScripts(request.from!.cwd));
  const tooOld = runner ? unsupportedRunner(runner, request.from!.cwd) : undefined;
  if (tooOld) {
    return { kind: 'error', reason: 'badInput', message: `\`${request.from!.command}\` runs ${tooOld}` };
  }
  const socket = socketPath();
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  try {
    return await superviseProgram(request, { ...options, hookDir }, server, socket);
  } finally {
    server.close();
    if (process.platform !== 'win32') {
      fs.rmSync(socket, { force: true });
    }
  }
}

/** How long a command that exited 0 without a session is given for one to connect from a worker it left. */
const LATE_SESSION_MS = 2000;

function socketPath(): string {
  const name = `rbn-capture-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
}

function spawnProgram(request: SanityRequest, hookDir: string, socket: string, maxMemoryMb: number): ChildProcess {
  const from = request.from!;
  const config: CaptureConfig = { socket, request, deadline: Date.now() + request.timeoutMs, sessionScript: path.join(hookDir, 'capture-session.js') };
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--require "${path.join(hookDir, 'capture-hook.js')}"`, `--max-old-space-size=${maxMemoryMb}`].join(' ').trim();
  return spawn(from.command, {
    cwd: from.cwd,
    shell: true,
    // Its own process group, so that cancel and the deadline end npm, npx and every node they start.
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: nodeOptions, [CAPTURE_ENV]: JSON.stringify(config), RBN_SANITY_MAX_MEMORY_MB: String(maxMemoryMb), ELECTRON_RUN_AS_NODE: '1' },
  });
}

/**
 * Ends the program's group when this launcher dies without a word (SIGKILL, a crashed extension host,
 * a CLI whose pipe closed), which would otherwise leave the program running on, re-parented to init.
 * A separate process: a thread in the program would count against its memory, and a launcher that
 * is gone cannot act. It polls both, and ends itself as soon as the group has gone.
 */
const REAPER = 'while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; kill -9 -"$2" 2>/dev/null';

function startReaper(child: ChildProcess): void {
  if (process.platform === 'win32' || child.pid === undefined) {
    return;
  }
  try {
    spawn('/bin/sh', ['-c', REAPER, 'rbn-capture-reaper', String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // without it, the launcher's own kill at the end, on cancel and at the deadline still holds
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore' });
    } else {
      process.kill(-child.pid, 'SIGKILL');
    }
  } catch {
    // already gone
  }
}

function superviseProgram(request: SanityRequest, options: CaptureLaunchOptions & { hookDir: string }, server: net.Server, socket: string): Promise<SanityOutcome> {
  const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  const command = request.from!.command;
  const budget = Math.round(request.timeoutMs / 1000);
  return new Promise<SanityOutcome>((resolve) => {
    const child = spawnProgram(request, options.hookDir, socket, maxMemoryMb);
    startReaper(child);
    const tail: string[] = [];
    let settled = false;
    let captured = false;
    let sessionEnded = false;
    let runtime: SanityRuntime | undefined;
    let last: Extract<WorkerMessage, { type: 'progress' }> | undefined;
    const finish = (outcome: SanityOutcome) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      killGroup(child);
      resolve(outcome.kind === 'error' && !outcome.runtime && runtime ? { ...outcome, runtime } : outcome);
    };
    const where = () => (last ? ` (run ${last.run + 1}, step ${last.step} of ${last.totalSteps})` : captured ? ' (after capturing the model, before the first training step)' : '');
    const timer = setTimeout(() => {
      const message = captured ? `sanity-train on the captured model ran past its ${budget} s budget${where()}; raise the timeout or lower the steps` : `\`${command}\` trained no model within the ${budget} s budget; raise the timeout, or run a command that reaches model.fit sooner`;
      finish({ kind: 'error', reason: 'timeout', message });
    }, request.timeoutMs);
    const onAbort = () => finish({ kind: 'error', reason: 'cancelled', message: `sanity-train was cancelled${where()}` });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      forwardLines(child[stream], (line) => {
        tail.push(line);
        tail.splice(0, Math.max(0, tail.length - OUTPUT_TAIL));
        options.onOutput?.(line, stream);
      });
    }
    server.on('connection', (connection) => {
      captured = true;
      connection.on('close', () => {
        sessionEnded = true;
        // Its final message, if any, has been read: a session that closed without one crashed.
        setTimeout(() => finish({ kind: 'error', reason: 'crashed', message: sessionLostMessage(command, tail) }), 500);
      });
      readMessages(connection, (message) => {
        captured = true;
        if (message.type === 'progress') {
          last = message;
          runtime = message.runtime ?? runtime;
        }
        options.onMessage?.(message);
        if (message.type === 'done') {
          finish({ kind: 'report', report: message.report });
        } else if (message.type === 'error') {
          finish({ kind: 'error', reason: message.reason, message: message.message, ...(message.runtime ? { runtime: message.runtime } : {}) });
        }
      });
    });
    child.on('error', (err) => finish({ kind: 'error', reason: 'crashed', message: `could not start \`${command}\`: ${err.message}` }));
    // 'close': the output is read to its end, so the tail holds the program's last words.
    child.on('close', (code, signal) => {
      const ended = () => {
        if (!captured || sessionEnded) {
          finish({ kind: 'error', reason: captured ? 'crashed' : 'threw', message: programEndMessage(command, request.from!.cwd, code, signal, tail, captured) });
        }
      };
      // The capturing process's last message may still be on its way through the socket. A test
      // runner that ended cleanly may have left a worker that is starting a session on the model its
      // test built (Vitest stops its workers as it exits): that session reports, or the budget ends it.
      setTimeout(ended, captured ? 500 : code === 0 ? LATE_SESSION_MS : 0);
    });
  });
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  stream?.on('end', () => {
    if (buffered) {
      onLine(buffered);
    }
  });
}
