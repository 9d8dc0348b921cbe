/**
 * The sanity-train worker never outlives the `rbn sanity` that started it: SIGKILL of the CLI (a CI
 * timeout, a crashed editor) ends the worker within seconds, also while user code blocks its event
 * loop; SIGINT and SIGTERM stop the worker first and exit 130 and 143. The CLI runs as a real process
 * here (from source, through tsx), and the worker is found as its child in /proc.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/sanity');
const CLOCK_TICKS = 100;

/** State letter and CPU seconds of a process, or undefined when it is gone. */
function processStat(pid: number): { state: string; ppid: number; cpuSeconds: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces: the fields after it start past the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
}

function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => processStat(p)?.ppid === pid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const found = probe();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > until) {
      throw new Error(`gave up waiting ${seconds} s for ${what}`);
    }
    await sleep(100);
  }
}

interface RunningCli {
  cli: ChildProcess;
  worker: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `rbn sanity` and waits until its worker has spent `cpuSeconds` of CPU (tfjs loaded: building or training). */
async function startSanity(args: string[], cpuSeconds: number, ownGroup = false): Promise<RunningCli> {
  const cli = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/main.ts'), 'sanity', ...args], { cwd: FIXTURES, stdio: ['ignore', 'pipe', 'pipe'], detached: ownGroup });
  let stdout = '';
  let stderr = '';
  cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => cli.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const worker = await waitFor('the worker to start', 60, () => childrenOf(cli.pid!)[0]);
  await waitFor(`the worker to use ${cpuSeconds} s of CPU`, 120, () => ((processStat(worker)?.cpuSeconds ?? 0) >= cpuSeconds || !isRunning(worker) ? true : undefined));
  assert.ok(isRunning(worker), `the worker ended early: ${stderr}`);
  return { cli, worker, exit };
}

/** The seconds it took the worker to go, at most `limit` (else the test fails, and the worker is killed). */
async function workerGone(worker: number, limit: number): Promise<void> {
  try {
    await waitFor(`worker ${worker} to end`, limit, () => (isRunning(worker) ? undefined : true));
  } finally {
    if (isRunning(worker)) {
      process.kill(worker, 'SIGKILL');
    }
  }
}

describe('rbn sanity: the worker ends with the CLI', function () {
  this.timeout(240_000);
  const started: RunningCli[] = [];
  afterEach(() => {
    for (const run of started.splice(0)) {
      for (const pid of [run.worker, run.cli.pid!]) {
        if (isRunning(pid)) {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
  });

  it('SIGKILL of the CLI mid-training: the orphaned worker exits within seconds', async () => {
    const run = await startSanity(['healthy.ts', '--steps', '1000000', '--backend', 'cpu', '--timeout', '600'], 4);
    started.push(run);
    run.cli.kill('SIGKILL');
    await run.exit;
    await workerGone(run.worker, 10);
  });

  it('SIGKILL of the CLI while user code blocks the worker\'s event loop: the watchdog thread ends it', async () => {
    const run = await startSanity(['failing.ts', '--model', 'spins', '--timeout', '600'], 4);
    started.push(run);
    run.cli.kill('SIGKILL');
    await run.exit;
    await workerGone(run.worker, 10);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} to the CLI: the worker is stopped, exit ${code}, one line on stderr and the error JSON on stdout`, async () => {
      const run = await startSanity(['healthy.ts', '--steps', '1000000', '--backend', 'cpu', '--timeout', '600', '--json'], 4);
      started.push(run);
      run.cli.kill(signal);
      const exit = await run.exit;
      assert.equal(exit.code, code, exit.stderr);
      await workerGone(run.worker, 5);
      assert.match(exit.stderr, new RegExp(`rbn sanity: stopped by ${signal}; the worker was ended\\n$`));
      const json = JSON.parse(exit.stdout) as { error: { kind: string; message: string }; command: string; file: string };
      assert.deepEqual([json.error.kind, json.command, json.file], ['cancelled', 'sanity', 'healthy.ts']);
    });
  }

  it('Ctrl-C in a terminal (SIGINT to the whole process group): exit 130, not a worker crash', async () => {
    const run = await startSanity(['healthy.ts', '--steps', '1000000', '--backend', 'cpu', '--timeout', '600'], 4, true);
    started.push(run);
    process.kill(-run.cli.pid!, 'SIGINT');
    const exit = await run.exit;
    assert.equal(exit.code, 130, exit.stderr);
    assert.match(exit.stderr, /rbn sanity: stopped by SIGINT; the worker was ended\n$/);
    await workerGone(run.worker, 5);
  });
});
