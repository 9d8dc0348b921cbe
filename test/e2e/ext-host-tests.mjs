// Runs mocha integration tests INSIDE code-server's extension host. The workbench is opened with the
// `payload` query (VS Code web's "Run Extension" mechanism: extensionDevelopmentPath + extensionTestsPath);
// when the tests finish the workbench calls window.codeAutomationExit(code), which this script exposes.
// Usage: node ext-host-tests.mjs <base-url> <workspace-dir> <extension-dir> <tests-entry.js> [timeout-s]
// A test may log `[type-in-box] {"title","text","record"}`: no extension API can type into an input box,
// so this script waits for the box whose title holds `title`, writes what it shows to `record` (JSON:
// title, prompt, value), replaces its value with `text` (if given) and presses Enter, as a user would.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
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
  const typing = /\[type-in-box\] (\{.*\})\s*$/.exec(text);
  if (typing) {
    void typeInBox(JSON.parse(typing[1])).catch((e) => console.error(`[type-in-box] failed: ${e.message}`));
    return;
  }
  // Keep mocha's output and errors; drop the workbench's connection chatter.
  if (!/^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\])/.test(text)) {
    console.log(text);
  }
});
await page.exposeFunction('codeAutomationExit', (code) => {
  exitCode = code;
  finish();
});
/** Waits up to 2 minutes for the box (the proposal is searched first), records it, types, accepts. */
async function typeInBox({ title, text, record }) {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: 120_000 });
  const input = widget.locator('.quick-input-box input');
  const seen = { title: await widget.locator('.quick-input-title').innerText(), prompt: await widget.locator('.quick-input-message').innerText(), value: await input.inputValue() };
  writeFileSync(record, JSON.stringify(seen));
  if (text !== undefined) {
    await input.fill(text);
  }
  await input.press('Enter');
}
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
