/**
 * Sanity-train in Restricted Mode (code-server started with workspace trust on, folder not trusted):
 * each builder keeps a lens, "Sanity-train (trust this folder to run)", that opens the trust editor;
 * the command, if invoked anyway, runs nothing and says why.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

describe('sanity-train in an untrusted workspace', function () {
  this.timeout(60_000);

  it('the workspace really is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('keeps one lens per builder that opens the trust editor, and trains nothing when the command is invoked anyway', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'exploding.ts');
    await vscode.window.showTextDocument(uri);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    assert.ok(extension.isActive, 'it activates in Restricted Mode (limited support)');
    assert.ok((await vscode.commands.getCommands(true)).includes('runningBatchNorm.sanityTrain'), 'its command is registered');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((l) => /Sanity-train|BatchNorm vs/.test(l.command?.title ?? ''));
    assert.deepEqual(
      ours.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
      [
        [7, '$(shield) Sanity-train (trust this folder to run)', 'workbench.trust.manage'],
        [19, '$(shield) Sanity-train (trust this folder to run)', 'workbench.trust.manage'],
      ],
    );
    const result = await vscode.commands.executeCommand<SanityCommandResult | undefined>('runningBatchNorm.sanityTrain', uri, 'buildModel');
    console.log(`    sanityTrain in Restricted Mode returned ${JSON.stringify(result)}`);
    // The command's enablement may stop it before it runs; if it runs, it must refuse.
    assert.ok(result === undefined || (result.outcome === 'notRun' && result.why === 'untrusted'), JSON.stringify(result));
    const reports = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => /Sanity-train/.test(t.label));
    assert.deepEqual(reports, []);
  });

  it("an HTML page: the trust lens on its builder's line, and the command trains nothing", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'pages', 'cifar-page.html');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((l) => /Sanity-train|BatchNorm vs/.test(l.command?.title ?? ''));
    assert.deepEqual(
      ours.map((l) => [l.range.start.line + 1, l.command?.command]),
      [[20, 'workbench.trust.manage']],
    );
    const result = await vscode.commands.executeCommand<SanityCommandResult | undefined>('runningBatchNorm.sanityTrain', uri, 'myDefineModel');
    assert.ok(result === undefined || (result.outcome === 'notRun' && result.why === 'untrusted'), JSON.stringify(result));
  });
});
