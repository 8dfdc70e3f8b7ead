// Activation and deactivation only: the context owns the client, the
// commands come from commands.ts.
import * as vscode from 'vscode';

import { ChatView, VIEW_ID } from './chat_view';
import { COMMANDS } from './commands';
import { Ctx } from './ctx';
import { DIFF_SCHEME, Diffs } from './diffs';
import { editedUris } from './edits';
import { mermaidPlugin } from './mermaid';
import { PreviewProvider, SCHEME } from './preview';
import { Reviewer } from './review_ui';
import { SpecExplorer } from './spec_explorer';
import { TaskRuns } from './tasks';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext) {
  ctx = new Ctx(extension);
  const log = (line: string) => ctx?.output.appendLine(line);
  const runs = new TaskRuns(log);
  const explorer = new SpecExplorer(ctx, runs);
  const preview = new PreviewProvider();
  const diffs = new Diffs();
  const reviewer = new Reviewer(diffs, log);
  const chat = new ChatView(ctx, diffs, reviewer, runs);
  runs.sink = chat;
  ctx.hooks = {
    reviewEdits: (params, token) => reviewer.review(params, token),
    beforeApplyEdit: (edit) => diffs.capture(editedUris(edit)),
    executeCommand: (command, args, next) => runs.execute(command, args, next),
    chatEvent: (event) => chat.onEvent(event),
    // A stopped server's reviews would never be answered, and would hold up a restarted one's.
    serverStopped: () => reviewer.cancelAll(),
  };
  const deps = { ctx, explorer, preview, chat, reviewer };
  extension.subscriptions.push(
    vscode.window.registerTreeDataProvider('specwright.specExplorer', explorer),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, preview),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs),
    vscode.window.registerWebviewViewProvider(VIEW_ID, chat),
    ctx.onStream((p) => preview.append(p)),
    ctx.onReady(() => {
      explorer.refresh(0);
      chat.update(0);
    }),
    runs.onDidChange(() => explorer.refresh(0)),
    explorer,
    preview,
    reviewer,
    runs,
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
        if (e.affectsConfiguration('specwright.agent.mode')) {
          chat.modeSettingChanged();
        } else {
          chat.update(0);
        }
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
