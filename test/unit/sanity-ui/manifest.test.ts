import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SANITY_COMPARE_COMMAND, SANITY_TRAIN_COMMAND } from '../../../src/vscode/sanity/lenses/lens-specs';
import { DEFAULT_SANITY_SETTINGS } from '../../../src/vscode/sanity/sanity-request';

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string } };
  contributes: {
    commands: { command: string; title: string; category?: string; enablement?: string }[];
    menus: { commandPalette: { command: string; when: string }[] };
    configuration: { properties: Record<string, { default: unknown }> } | { properties: Record<string, { default: unknown }> }[];
  };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as Manifest;
const properties = Object.assign({}, ...[manifest.contributes.configuration].flat().map((c) => c.properties)) as Record<string, { default: unknown }>;

describe('package.json: sanity-train contributions', () => {
  it('the settings defaults match the code defaults', () => {
    for (const [key, value] of Object.entries(DEFAULT_SANITY_SETTINGS)) {
      assert.deepEqual(properties[`runningBatchNorm.sanity.${key}`]?.default, value, key);
    }
    assert.equal(properties['runningBatchNorm.sanity.codeLens']?.default, true);
  });

  it('both commands exist under the RunningBatchNorm category, enabled only in trusted workspaces', () => {
    for (const id of [SANITY_TRAIN_COMMAND, SANITY_COMPARE_COMMAND]) {
      const command = manifest.contributes.commands.find((c) => c.command === id);
      assert.ok(command, id);
      assert.equal(command.category, 'RunningBatchNorm');
      assert.equal(command.enablement, 'isWorkspaceTrusted');
      assert.match(manifest.contributes.menus.commandPalette.find((m) => m.command === id)?.when ?? '', /isWorkspaceTrusted/);
    }
    assert.equal(manifest.contributes.commands.find((c) => c.command === SANITY_TRAIN_COMMAND)?.title, 'Sanity-Train Model');
  });

  it('HTML pages: the extension wakes for them and both commands are in the palette there', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:html'));
    for (const id of [SANITY_TRAIN_COMMAND, SANITY_COMPARE_COMMAND]) {
      const when = manifest.contributes.menus.commandPalette.find((m) => m.command === id)?.when ?? '';
      const languages = /editorLangId =~ \/(.+)\/$/.exec(when)?.[1];
      assert.ok(languages, when);
      for (const [language, shown] of [['html', true], ['typescript', true], ['javascriptreact', true], ['json', false], ['htmlx', false]] as const) {
        assert.equal(new RegExp(languages).test(language), shown, `${id} for ${language}`);
      }
    }
  });

  it('declares limited support for untrusted workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
