/**
 * Speed-up of the wasm backend with N threads (XNNPACK's pool, see src/worker/backends/wasm-threads.ts)
 * on the small MNIST CNN (batch 32) and a U-Net-sized model (bench/small-unet.ts, batch 4). Each thread
 * count runs in its own process (the pool is sized once per process); rounds alternate the order of
 * the thread counts so that a change in the machine's load hits all of them. Wall time per step is
 * what threads buy; CPU time per step shows their overhead. Prints JSON.
 *
 *   npm run bench:threads [-- --threads 1,2,4] [-- --rounds 3] [-- --steps 10]
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { flag, list } from './bench-common';

interface ChildTiming {
  threads: number;
  batch: number;
  wallMs: number;
  cpuMs: number;
  parameters: number;
}

const threadCounts = list('threads', [1, 2], Number);
const rounds = Number(flag('rounds') ?? 3);
const steps = Number(flag('steps') ?? 10);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round2 = (value: number) => Number(value.toFixed(2));

function timeInChild(model: string, threads: number): ChildTiming {
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const out = execFileSync(tsx, [path.join(__dirname, 'wasm-threads-child.ts')], {
    env: { ...process.env, MODEL: model, THREADS: String(threads), STEPS: String(steps) }, encoding: 'utf8', timeout: 600_000,
  });
  return JSON.parse(out) as ChildTiming;
}

function benchModel(model: string) {
  const byThreads = new Map<number, ChildTiming[]>(threadCounts.map((t) => [t, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? threadCounts : [...threadCounts].reverse();
    for (const threads of order) {
      byThreads.get(threads)?.push(timeInChild(model, threads));
    }
  }
  const baseline = median((byThreads.get(threadCounts[0]) ?? []).map((t) => t.wallMs));
  const perThreads = threadCounts.map((threads) => {
    const timings = byThreads.get(threads) ?? [];
    const wallMs = median(timings.map((t) => t.wallMs));
    return {
      threadsAsked: threads, threadsRan: timings[0]?.threads, wallMsPerStep: round2(wallMs), cpuMsPerStep: round2(median(timings.map((t) => t.cpuMs))),
      speedUpByWallTime: round2(baseline / wallMs), roundsWallMs: timings.map((t) => round2(t.wallMs)),
    };
  });
  const first = byThreads.get(threadCounts[0])?.[0];
  return { model, batch: first?.batch, parameters: first?.parameters, perThreads };
}

function main(): void {
  const loadBefore = os.loadavg()[0];
  const models = [benchModel('small-cnn'), benchModel('unet')];
  console.log(JSON.stringify({
    bench: 'wasm-threads',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length, availableParallelism: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.version,
      loadAverage1mBefore: round2(loadBefore), loadAverage1mAfter: round2(os.loadavg()[0]),
      note: 'speed-ups are by wall time, medians over rounds that alternate the thread counts; other jobs on the machine take cores from the threads',
    },
    rounds, steps, models,
  }, null, 2));
}

main();
