// Activation and deactivation only: the context owns the client, the
// commands come from commands.ts.
import * as vscode from 'vscode';

import { COMMANDS } from './commands';
import { Ctx } from './ctx';
import { mermaidPlugin } from './mermaid';
import { PreviewProvider, SCHEME } from './preview';
import { SpecExplorer } from './spec_explorer';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext) {
  ctx = new Ctx(extension);
  const explorer = new SpecExplorer(ctx);
  const preview = new PreviewProvider();
  const deps = { ctx, explorer, preview };
  extension.subscriptions.push(
    vscode.window.registerTreeDataProvider('specwright.specExplorer', explorer),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, preview),
    ctx.onStream((p) => preview.append(p)),
    ctx.onReady(() => explorer.refresh(0)),
    explorer,
    preview,
  );
  for (const [id, factory] of Object.entries(COMMANDS)) {
    extension.subscriptions.push(vscode.commands.registerCommand(id, factory(deps)));
  }
  // The explorer follows spec files on disk and in editors.
  const watcher = vscode.workspace.createFileSystemWatcher('**/.kiro/**');
  extension.subscriptions.push(
    watcher,
    watcher.onDidCreate(() => explorer.refresh()),
    watcher.onDidChange(() => explorer.refresh()),
    watcher.onDidDelete(() => explorer.refresh()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.path.includes('/.kiro/specs/')) {
        explorer.refresh(500);
      }
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('specwright.server.path')) {
        await ctx?.restart();
        explorer.refresh(0);
      } else if (e.affectsConfiguration('specwright')) {
        ctx?.pushSettings();
        ctx?.refreshStatus();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => ctx?.pushSettings()),
  );
  await ctx.start();
  // Mermaid diagrams in the Markdown preview (`markdown.markdownItPlugins`).
  return { extendMarkdownIt: mermaidPlugin };
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}
