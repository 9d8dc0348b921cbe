import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../../scripts/system-deps.sh');
const ALL_TOOLS = ['chromium', 'rg', 'krb5-config', 'g++', 'make', 'python3'];

interface Case {
  name: string;
  args: string[];
  tools: string[];
  uid: number;
  apt?: boolean;
  status: number;
  /** apt-get calls, in order. */
  aptCalls: string[];
  stderr: RegExp;
}

const missingAsUser = /^Missing system packages for npm test: chromium ripgrep\. Run: sudo apt-get update && sudo apt-get install -y chromium ripgrep\n$/;
const cases: Case[] = [
  { name: 'everything present: silent, nothing installed', args: [], tools: ALL_TOOLS, uid: 0, status: 0, aptCalls: [], stderr: /^$/ },
  {
    name: 'root, chromium and ripgrep missing: apt-get installs exactly those',
    args: ['test'],
    tools: ['krb5-config', 'g++', 'make', 'python3'],
    uid: 0,
    status: 0,
    aptCalls: ['update -qq', 'install -y chromium ripgrep -qq'],
    stderr: /installing system packages for npm test: chromium ripgrep/,
  },
  { name: 'not root: one line with the command to run, exit 1, nothing installed', args: [], tools: ['krb5-config', 'g++', 'make', 'python3'], uid: 1000, status: 1, aptCalls: [], stderr: missingAsUser },
  {
    name: 'npm start does not need chromium; a compiler without make is not build-essential',
    args: ['start'],
    tools: ['rg', 'krb5-config', 'g++', 'python3'],
    uid: 1000,
    status: 1,
    aptCalls: [],
    stderr: /^Missing system packages for npm start: build-essential\. Run: sudo apt-get update && sudo apt-get install -y build-essential\n$/,
  },
  { name: 'start with everything but chromium: nothing to do', args: ['start'], tools: ['rg', 'krb5-config', 'g++', 'make', 'python3'], uid: 1000, status: 0, aptCalls: [], stderr: /^$/ },
  {
    name: 'dry run as root: says what it would run, installs nothing',
    args: ['--dry-run'],
    tools: ['chromium', 'rg', 'g++', 'make', 'python3'],
    uid: 0,
    status: 1,
    aptCalls: [],
    stderr: /would run: apt-get update && apt-get install -y libkrb5-dev/,
  },
  { name: 'root without apt-get: the command line instead', args: [], tools: ['krb5-config', 'g++', 'make', 'python3'], uid: 0, apt: false, status: 1, aptCalls: [], stderr: missingAsUser },
  { name: 'a bad argument is refused', args: ['--fast'], tools: ALL_TOOLS, uid: 0, status: 2, aptCalls: [], stderr: /unknown argument '--fast'/ },
];

/** A PATH holding only the tools of the case (stubs), `id` answering the uid, and an apt-get that logs its calls. */
function fakeSystem(c: Case): { bin: string; aptLog: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-deps-'));
  const aptLog = path.join(bin, 'apt.log');
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  c.tools.forEach((t) => stub(t, 'exit 0'));
  stub('id', `echo ${c.uid}`);
  if (c.apt !== false) {
    stub('apt-get', `echo "$*" >> ${aptLog}`);
  }
  return { bin, aptLog };
}

describe('scripts/system-deps.sh: system packages for npm test and npm start', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { bin, aptLog } = fakeSystem(c);
      const run = spawnSync('/bin/bash', [SCRIPT, ...c.args], { encoding: 'utf8', env: { PATH: bin, CHROMIUM_PATH: path.join(bin, 'no-chromium') } });
      assert.equal(run.status, c.status, run.stderr);
      assert.match(run.stderr, c.stderr);
      assert.deepEqual(fs.existsSync(aptLog) ? fs.readFileSync(aptLog, 'utf8').trim().split('\n') : [], c.aptCalls);
      fs.rmSync(bin, { recursive: true, force: true });
    });
  }
});
