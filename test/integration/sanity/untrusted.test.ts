/**
 * Sanity-train in Restricted Mode (code-server started with workspace trust on, folder not trusted):
 * no lenses, and the command, if invoked anyway, runs nothing and says why.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

describe('sanity-train in an untrusted workspace', function () {
  this.timeout(60_000);

  it('the workspace really is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('offers no lenses and trains nothing when the command is invoked anyway', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'healthy.ts');
    await vscode.window.showTextDocument(uri);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    assert.ok(extension.isActive, 'it activates in Restricted Mode (limited support)');
    assert.ok((await vscode.commands.getCommands(true)).includes('runningBatchNorm.sanityTrain'), 'its command is registered');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.filter((l) => /^runningBatchNorm\.sanity/.test(l.command?.command ?? '')), []);
    const result = await vscode.commands.executeCommand<SanityCommandResult | undefined>('runningBatchNorm.sanityTrain', uri, 'buildModel');
    console.log(`    sanityTrain in Restricted Mode returned ${JSON.stringify(result)}`);
    // The command's enablement may stop it before it runs; if it runs, it must refuse.
    assert.ok(result === undefined || (result.outcome === 'notRun' && result.why === 'untrusted'), JSON.stringify(result));
    const reports = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => /Sanity-train/.test(t.label));
    assert.deepEqual(reports, []);
  });
});
