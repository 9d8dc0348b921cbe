import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (same code path as dist/cli.js, minus process wiring). */
export async function rbn(args: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/** A temp folder holding `files` (path → text or bytes). */
export function tempProject(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return root;
}

export function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

export const MODEL_TS = `import * as tf from '@tensorflow/tfjs';

export function build(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [2] }));
  m.add(tf.layers.batchNormalization({ axis: -1 }));
  return m;
}
`;

export const TRAIN_JS = `const tf = require('@tensorflow/tfjs-node');
module.exports = () => tf.layers.batchNormalization();
`;
