/**
 * Preloaded (`NODE_OPTIONS=--require dist/capture-hook.js`) into every node process of the user's
 * command while `rbn sanity --from` runs it. Outside a capture (no RBN_CAPTURE in the environment) it
 * does nothing. Inside, it watches for tfjs, hooks model creation and training, and when the program
 * trains the chosen model it stops the program there and runs the sanity session in this process on
 * the live model (custom layers, closures and the program's own tfjs keep working), reporting to the
 * launcher over a socket. Kept small: npm and npx load it too; the session loads only on capture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { readCaptureConfig, type CaptureConfig } from '../capture-config';
import { currentCaller, userCallSite } from './call-site';
import { registerEsmFallback } from './esm-fallback';
import { patchLayers } from './layers-patch';
import { CaptureState } from './capture-state';
import { nativePackagesWithoutBinding } from './native-binding';
import { isTfjsLayers, noteServed, onModuleLoad, redirectOwnTfjs, redirectOwnTfjsToModules, servedNotes, watchTfjs } from './tfjs-watch';
import { jestRuntimeClass, patchJestRuntime, type RegistryLoad } from './jest-runtime';
import { watchViteNodeModules } from './vite-node-modules';
import { isVitestForkWorker, runnerArgs, runnerOfMainScript } from './runner-args';
import type { CapturedTarget } from '../session/captured-target';
import { THREW_MARKER } from '../program-end';
import { epochMs } from '../../clock';

const SHARED = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-data', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-cpu'];

const config = readCaptureConfig();
if (config) {
  install(config);
}

function install(config: CaptureConfig): void {
  const ownDir = __dirname;
  const ownRoot = path.resolve(ownDir, '..');
  const realExit = process.exit.bind(process);
  const state = new CaptureState(config.request.from?.capture ?? 1, config.request.seed, (target) => {
    void runSession(target, config, ownRoot).finally(() => realExit(0));
  });
  // Stack frames of this bundle, as built or as its source map names them (src/…).
  const ownSources = path.join(ownRoot, 'src') + path.sep;
  const isOwn = (file: string) => file.startsWith(ownDir) || file.startsWith(ownSources);
  const locate = () => currentCaller(isOwn);
  watchTfjs((load) => {
    try {
      patchLayers(load.exports, state.listenerFor({ tf: () => tfjsFor(load.file, load.exports), layersFile: load.file }), locate);
    } catch (err) {
      // The program must run as it would without the hook; the launcher then says nothing was trained.
      fs.writeSync(2, `rbn-capture: could not hook tfjs in ${load.file}: ${(err as Error)?.message ?? String(err)}\n`);
    }
  }, ownRoot, ownDir);
  // A tfjs that a test runner loads itself (Jest's registry, vite-node's evaluation): its own modules serve the session.
  const onRunnerLayers = (load: RegistryLoad) => patchLayers(load.exports, state.listenerFor({ tf: load.tf, layersFile: load.file, modules: () => load.modules(SHARED) }), locate);
  enterTestRunner(config, onRunnerLayers);
  watchViteNodeModules(isTfjsLayers, (load) => {
    try {
      onRunnerLayers(load);
    } catch (err) {
      fs.writeSync(2, `rbn-capture: could not hook tfjs in ${load.file}: ${(err as Error)?.message ?? String(err)}\n`);
    }
  });
  try {
    const broken = nativePackagesWithoutBinding(process.cwd());
    for (const name of broken) {
      noteServed(bindingMissingNote(name));
    }
    registerEsmFallback(require.resolve('@tensorflow/tfjs', { paths: [ownDir] }), broken);
  } catch {
    // no bundled tfjs to serve: the program's own resolution stands
  }
  state.takeBuiltModelAt(config.deadline);
  process.on('beforeExit', () => {
    state.onProgramEnd(Number(process.exitCode ?? 0));
  });
  if (isVitestForkWorker(process.argv[1])) {
    // Vitest ends its worker with SIGTERM when the test files are done: for a test that built a model
    // and never trained it, that is the program's end, and the model is taken as built.
    process.on('SIGTERM', () => {
      if (!state.onProgramEnd(0)) {
        realExit(143);
      }
    });
  }
  // A program (or mocha --exit) that exits while the session runs waits for it; one that ends without training hands over its model.
  process.exit = ((code?: number) => {
    if (!state.onProgramEnd(Number(code ?? process.exitCode ?? 0))) {
      realExit(code);
    }
  }) as typeof process.exit;
  const thrown = (err: unknown, relative = false) => {
    const first = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
    const site = err instanceof Error ? userCallSite(err.stack, isOwn) : null;
    // In the report, where the capture site is relative to the command's folder, so is this one.
    const file = site && relative && site.file.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), site.file) : site?.file;
    return `${first}${site ? ` (at ${file}:${site.line})` : ''}`;
  };
  process.on('uncaughtExceptionMonitor', (err) => {
    if (!state.running) {
      fs.writeSync(2, `\n${THREW_MARKER}${thrown(err)}\n`);
    }
  });
  // A program that throws after building its model (reading data it lacks, a bug past the builder)
  // hands that model over. Where the program (or its test runner) handles its own errors, it decides.
  process.on('uncaughtException', (err) => {
    if (process.listenerCount('uncaughtException') > 1 || (!state.running && state.onProgramEnd(1, `threw ${thrown(err, true)}`))) {
      return;
    }
    // As Node does without a listener: the error on stderr, exit code 1.
    fs.writeSync(2, `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    realExit(1);
  });
}

/**
 * Vitest kills a `forks` worker 500 ms after asking it to stop (SIGTERM), and waits for its exit. A
 * worker whose test built a model it never trained starts the session on SIGTERM (isVitestForkWorker
 * below), which takes longer: its SIGKILL is dropped, so Vitest waits for the session to end. The
 * capture's own deadline still ends every process of the command.
 */
function keepVitestWorkersToTheirEnd(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the builtin's own prototype, which Vitest's fork objects share
  const proto = (require('node:child_process') as typeof import('node:child_process')).ChildProcess.prototype;
  const original = proto.kill;
  proto.kill = function (this: import('node:child_process').ChildProcess, signal?: NodeJS.Signals | number) {
    if (signal === 'SIGKILL' && this.spawnargs.some((arg) => isVitestForkWorker(arg))) {
      return true;
    }
    return original.call(this, signal);
  };
}

/** One line for a tfjs-node(-gpu) the program cannot load, whichever loader (Node's, ES modules', Jest's) served it. */
function bindingMissingNote(name: string): string {
  return `the program's ${name} is installed without its native binding (its install script did not download libtensorflow): @tensorflow/tfjs serves it`;
}

/**
 * In a Jest or Vitest command-line process: the options capture needs, added before the runner reads
 * its arguments; and Jest's module registry, where its tests load tfjs, watched as Node's loader is.
 */
function enterTestRunner(config: CaptureConfig, onRegistryLayers: Parameters<typeof patchJestRuntime>[2]): void {
  const runner = runnerOfMainScript(process.argv[1]);
  if (runner === 'jest') {
    // Jest 30 "soft-deletes" what a test file set on the global scope once the file ends: tfjs's
    // engine among them, whose every later write then recurses in Jest's setter. The session needs
    // that engine after the test that built the model has ended; Jest takes the mode set first.
    (globalThis as Record<symbol, unknown>)[Symbol.for('$$jest-deletion-mode')] ??= 'off';
  }
  if (runner === 'vitest') {
    keepVitestWorkersToTheirEnd();
  }
  if (runner) {
    process.argv.push(...runnerArgs(runner, process.argv.slice(2), config.deadline - epochMs()));
  }
  onModuleLoad((request, exports) => {
    const runtime = request === 'jest-runtime' ? jestRuntimeClass(exports) : undefined;
    if (runtime) {
      patchJestRuntime(runtime, isTfjsLayers, (load) => {
        try {
          onRegistryLayers(load);
        } catch (err) {
          fs.writeSync(2, `rbn-capture: could not hook tfjs in ${load.file}: ${(err as Error)?.message ?? String(err)}\n`);
        }
      }, (request) => {
        noteServed(bindingMissingNote(request));
      });
    }
  });
}

/** The umbrella tfjs beside the program's tfjs-layers (the same instance), else layers and core merged. */
function tfjsFor(layersFile: string, layers: Record<string, unknown>): typeof tfjs {
  const dir = path.dirname(layersFile);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const umbrella = require(require.resolve('@tensorflow/tfjs', { paths: [dir] })) as typeof tfjs;
    if ((umbrella as unknown as Record<string, unknown>).LayersModel === layers.LayersModel) {
      return umbrella;
    }
  } catch {
    // only tfjs-layers and tfjs-core are installed
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require(require.resolve('@tensorflow/tfjs-core', { paths: [dir] })) as Record<string, unknown>;
  return { ...core, ...layers } as unknown as typeof tfjs;
}

/** Every shared tfjs request of this project's code to the program's instance. */
function programRedirects(layersFile: string): Map<string, string> {
  const redirects = new Map<string, string>();
  for (const request of SHARED) {
    try {
      redirects.set(request, require.resolve(request, { paths: [path.dirname(layersFile)] }));
    } catch {
      // not installed beside the program's tfjs
    }
  }
  return redirects;
}

async function runSession(target: CapturedTarget, config: CaptureConfig, ownRoot: string): Promise<void> {
  if (target.registryModules) {
    redirectOwnTfjsToModules(target.registryModules);
  } else {
    redirectOwnTfjs(programRedirects(target.layersFile));
  }
  target.notes.push(...servedNotes);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const session = require(config.sessionScript) as typeof import('../session/capture-session');
    await session.runCapturedSession(target, config, ownRoot);
  } catch (err) {
    fs.writeSync(2, `rbn-capture: the session failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
}
