// package.json and the server's declarations stay in sync: the custom
// protocol mirrored in lsp_ext.ts, the contributed settings, the commands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import * as ext from '../../src/lsp_ext';

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
// Paths are relative to out-test/, where the bundled tests run.
const pkg = read('../package.json');
const protocol = read('../../../schemas/protocol.json');
const settings = read('../../../schemas/settings.schema.json');

describe('lsp_ext mirrors schemas/protocol.json', () => {
  it('has every method, in order', () => {
    assert.deepEqual([...ext.METHODS], protocol.methods.map((m: { method: string }) => m.method));
  });
  it('has every command, in order', () => {
    assert.deepEqual([...ext.COMMANDS], protocol.commands.map((c: { command: string }) => c.command));
  });
});

describe('contributed settings', () => {
  const contributed = pkg.contributes.configuration.properties;
  it('include every server setting exactly as schemas/settings.schema.json declares it', () => {
    for (const [key, schema] of Object.entries(settings.properties)) {
      assert.deepEqual(contributed[key], schema, key);
    }
  });
  it('add only the extension’s own settings', () => {
    const extra = Object.keys(contributed).filter((k) => !(k in settings.properties));
    assert.deepEqual(extra.sort(), ['specwright.server.path', 'specwright.trace.server']);
    assert.equal(contributed['specwright.server.path'].scope, 'machine', 'a workspace cannot pick the binary');
  });
});

describe('commands', () => {
  it('every contributed command has a factory and back', async () => {
    // commands.ts imports vscode; read its ids from the source instead.
    const source = readFileSync(new URL('../src/commands.ts', import.meta.url), 'utf8');
    const table = source.slice(source.indexOf('export const COMMANDS'));
    const ids = [...table.matchAll(/'(specwright\.[A-Za-z.]+)'/g)].map((m) => m[1]).sort();
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(ids, contributed);
  });
  it('the palette titles the issue names exist', () => {
    const titles = pkg.contributes.commands.map((c: { category: string; title: string }) => `${c.category}: ${c.title}`);
    for (const t of [
      'Specwright: New Spec…',
      'Specwright: Generate Design',
      'Specwright: Generate Tasks',
      'Specwright: Refine Document…',
      'Specwright: Run Hook…',
      'Specwright: Toggle Hook',
      'Specwright: Show Repository Map',
      'Specwright: Check Specs',
      'Specwright: Open Chat',
      'Specwright: New Chat',
      'Specwright: Previous Chats…',
      'Specwright: Checkpoints…',
      'Specwright: Start Task',
      'Specwright: Run All Tasks',
      'Specwright: MCP Servers',
    ]) {
      assert.ok(titles.includes(t), t);
    }
  });
  it('contributes the chat view as a webview in the panel, and ships its script and style', () => {
    const container = pkg.contributes.viewsContainers.panel.find((c: { id: string }) => c.id === 'specwright-chat');
    assert.ok(container, 'a panel container for the chat');
    assert.deepEqual(
      pkg.contributes.views['specwright-chat'].map((v: { id: string; type: string }) => [v.id, v.type]),
      [['specwright.chat', 'webview']],
    );
    const ignore = readFileSync(new URL('../.vscodeignore', import.meta.url), 'utf8').split('\n');
    assert.ok(ignore.includes('!dist/chat_webview.js') && ignore.includes('!media/**'), ignore.join(' '));
  });
  it('offers Start Task on open tasks and Run All Tasks on specs and tasks.md in the Spec Explorer', () => {
    const menu = pkg.contributes.menus['view/item/context'] as { command: string; when: string }[];
    assert.ok(menu.some((m) => m.command === 'specwright.startTask' && /viewItem == task\b/.test(m.when)));
    assert.ok(menu.some((m) => m.command === 'specwright.runAllTasks' && /viewItem == specTasks/.test(m.when)));
  });
  it('runs on VS Code 1.100 and later', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
  });
  it('validates hook files and the MCP configuration with the schemas it ships', () => {
    assert.deepEqual(
      pkg.contributes.jsonValidation.map((v: { url: string }) => v.url),
      ['./schemas/hook-legacy.schema.json', './schemas/hook-v1.schema.json', './schemas/mcp.schema.json'],
    );
    const mcp = pkg.contributes.jsonValidation.find((v: { url: string }) => v.url.endsWith('mcp.schema.json'));
    assert.equal(mcp.fileMatch, '**/.kiro/settings/mcp.json');
  });
});
