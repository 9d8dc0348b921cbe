// Runs mocha integration tests INSIDE code-server's extension host. The workbench is opened with the
// `payload` query (VS Code web's "Run Extension" mechanism: extensionDevelopmentPath + extensionTestsPath);
// when the tests finish the workbench calls window.codeAutomationExit(code), which this script exposes.
// Usage: node ext-host-tests.mjs <base-url> <workspace-dir> <extension-dir> <tests-entry.js> [timeout-s]
import { chromium } from 'playwright-core';
import util from 'node:util';

const [base, wsDir, devDir, testsPath, timeoutS = '600'] = process.argv.slice(2);
const authority = new URL(base).host; // code-server's remote authority is the host the browser used
const remote = (p) => `vscode-remote://${authority}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(devDir)],
  ['extensionTestsPath', remote(testsPath)],
];
const url = `${base}/?folder=${encodeURIComponent(wsDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
let exitCode;
let finish;
const done = new Promise((resolve) => {
  finish = resolve;
});
await page.exposeFunction('codeAutomationLog', (_type, args) => {
  const text = util.format(...(Array.isArray(args) ? args : [args]));
  // Keep mocha's output and errors; drop the workbench's connection chatter.
  if (!/^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\])/.test(text)) {
    console.log(text);
  }
});
await page.exposeFunction('codeAutomationExit', (code) => {
  exitCode = code;
  finish();
});
page.on('pageerror', (e) => console.error('[pageerror]', e.message));
await page.goto(url);
const timer = setTimeout(() => {
  console.error(`TIMEOUT after ${timeoutS}s waiting for the extension-host tests`);
  void browser.close().then(() => process.exit(2));
}, Number(timeoutS) * 1000);
await done;
clearTimeout(timer);
await browser.close();
console.log(`extension-host tests exit code: ${exitCode}`);
process.exit(exitCode === 0 ? 0 : 1);
