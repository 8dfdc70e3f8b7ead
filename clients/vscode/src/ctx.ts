// The extension's context: owns the language client, the output channel
// and the status bar item, and starts and restarts the server.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  type ClientCapabilities,
  type FeatureState,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  type StaticFeature,
  type WorkspaceEdit,
} from 'vscode-languageclient/node';

import * as config from './config';
import { editedUris, urisToSave } from './edits';
import * as ext from './lsp_ext';
import { declareReviewEdits } from './review';
import { bundledServer, describeSource, findServer } from './server_path';

/**
 * What the chat view, the edit review and the task runs add to the client:
 * set before `start()`.
 */
export interface ClientHooks {
  /** Answers `specwright/reviewEdits`. */
  reviewEdits(params: ext.ReviewEditsParams, token: vscode.CancellationToken): Promise<ext.ReviewEditsResult>;
  /** Sees a `workspace/applyEdit` before it is applied (to keep the files' texts before it). */
  beforeApplyEdit(edit: WorkspaceEdit): Promise<void>;
  /** Wraps the server's commands run through VS Code (code lenses, the Spec Explorer). */
  executeCommand(
    command: string,
    args: unknown[],
    next: (command: string, args: unknown[]) => Promise<unknown>,
  ): Promise<unknown>;
  /** `specwright/chat/event`. */
  chatEvent(event: ext.ChatEvent): void;
  /** The client stopped (stopped, restarting, or the server died): its requests will not be answered. */
  serverStopped(): void;
}

/** Saves the open documents among `uris` that have unsaved changes. */
async function saveDocuments(uris: string[]): Promise<void> {
  const wanted = new Set(uris.map((u) => vscode.Uri.parse(u).toString()));
  await Promise.all(
    vscode.workspace.textDocuments.filter((d) => d.isDirty && wanted.has(d.uri.toString())).map((d) => d.save()),
  );
}

/** Declares `experimental.specwright.reviewEdits` in `initialize`. */
class ReviewEditsFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    declareReviewEdits(capabilities);
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export class Ctx {
  client: LanguageClient | undefined;
  readonly output: vscode.LogOutputChannel;
  private readonly status: vscode.StatusBarItem;
  private readonly streamListeners = new Set<(p: ext.StreamParams) => void>();
  private readonly readyListeners = new Set<() => void>();
  hooks: ClientHooks | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Specwright', { log: true });
    this.status = vscode.window.createStatusBarItem('specwright.status', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'Specwright';
    this.status.command = 'specwright.showOutput';
    extension.subscriptions.push(this.output, this.status);
    this.setStatus('starting');
    this.status.show();
  }

  /** Starts the server; shows a clear message when the binary is missing. */
  async start(): Promise<void> {
    // The setting, then PATH, then the binary of a platform-specific package.
    const bundled = bundledServer(this.extension.extensionPath);
    const found = findServer(config.serverPath(), process.env.PATH, isExecutable, process.platform, bundled);
    if (!found.ok) {
      this.setStatus('server not found', true);
      this.output.appendLine(found.message);
      const choice = await vscode.window.showErrorMessage(found.message, 'Open Settings');
      if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'specwright.server.path');
      }
      return;
    }
    this.output.appendLine(`Starting ${found.path} (${describeSource(found.source)})`);
    const serverOptions: ServerOptions = {
      run: { command: found.path, args: ['lsp'] },
      debug: { command: found.path, args: ['lsp'], options: { env: { ...process.env, SPECWRIGHT_LOG: 'debug' } } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'markdown' },
        { scheme: 'file', language: 'json', pattern: '**/.kiro/**' },
        // VS Code opens every file named mcp.json as JSONC.
        { scheme: 'file', language: 'jsonc', pattern: '**/.kiro/settings/mcp.json' },
        { scheme: 'file', pattern: '**/*.kiro.hook' },
        { scheme: 'file', language: 'typescript' },
        { scheme: 'file', language: 'typescriptreact' },
        { scheme: 'file', language: 'javascript' },
        { scheme: 'file', language: 'javascriptreact' },
        { scheme: 'file', language: 'rust' },
        { scheme: 'file', language: 'python' },
      ],
      initializationOptions: config.serverSettings(),
      outputChannel: this.output,
      middleware: {
        workspace: {
          // The server's edits land on disk like VS Code's refactorings
          // (files.refactoring.autoSave): a task's tests run on the files, and a
          // restore is a restore. Only files of the workspace are saved; a file
          // with unsaved changes of the user's stays unsaved.
          handleApplyEdit: async (params, next) => {
            const dirty = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
            const save = urisToSave(editedUris(params.edit), {
              dirty,
              inWorkspace: (u) => vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(u)) !== undefined,
              key: (u) => vscode.Uri.parse(u).toString(),
            });
            await this.hooks?.beforeApplyEdit(params.edit).catch(() => undefined);
            const result = await next(params, new vscode.CancellationTokenSource().token);
            if ('applied' in result && result.applied) {
              await saveDocuments(save);
            }
            return result;
          },
        },
        executeCommand: (command, args, next) => {
          const run = (c: string, a: unknown[]) => Promise.resolve(next(c, a));
          return this.hooks ? this.hooks.executeCommand(command, args, run) : run(command, args);
        },
      },
    };
    const client = new LanguageClient('specwright', 'Specwright', serverOptions, clientOptions);
    client.registerFeature(new ReviewEditsFeature());
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.setStatus('ready');
      } else if (e.newState === State.Stopped) {
        this.setStatus('stopped', true);
        this.hooks?.serverStopped();
      }
    });
    client.onNotification(ext.STREAM, (params: ext.StreamParams) => {
      for (const listener of this.streamListeners) {
        listener(params);
      }
    });
    client.onNotification(ext.HOOK_RESULT, (result: ext.HookResult) => this.onHookResult(result));
    client.onNotification(ext.CHAT_EVENT, (event: ext.ChatEvent) => this.hooks?.chatEvent(event));
    client.onRequest(
      ext.REVIEW_EDITS,
      async (params: ext.ReviewEditsParams, token: vscode.CancellationToken): Promise<ext.ReviewEditsResult> =>
        this.hooks ? this.hooks.reviewEdits(params, token) : { files: [] },
    );
    try {
      await client.start();
    } catch (e) {
      this.setStatus('failed to start', true);
      void vscode.window.showErrorMessage(`Specwright: the server failed to start: ${String(e)}`);
      return;
    }
    for (const listener of this.readyListeners) {
      listener();
    }
  }

  /** Sends the current settings (after a change, or when trust is granted). */
  pushSettings(): void {
    if (this.client?.isRunning()) {
      void this.client.sendNotification('workspace/didChangeConfiguration', { settings: config.serverSettings() });
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop().catch(() => undefined);
    }
  }

  /** The running client, or undefined after telling the user why not. */
  running(): LanguageClient | undefined {
    if (this.client && this.client.state === State.Running) {
      return this.client;
    }
    void vscode.window.showWarningMessage('Specwright: the server is not running (see the Specwright output).');
    return undefined;
  }

  onStream(listener: (p: ext.StreamParams) => void): vscode.Disposable {
    this.streamListeners.add(listener);
    return new vscode.Disposable(() => this.streamListeners.delete(listener));
  }

  onReady(listener: () => void): vscode.Disposable {
    this.readyListeners.add(listener);
    if (this.client?.state === State.Running) {
      listener();
    }
    return new vscode.Disposable(() => this.readyListeners.delete(listener));
  }

  /** Refreshes the status bar's model part after a settings change. */
  refreshStatus(): void {
    this.setStatus(this.client?.state === State.Running ? 'ready' : 'starting');
  }

  /** Whether the server runs (the chat view says when it does not). */
  get isRunning(): boolean {
    return this.client?.state === State.Running;
  }

  private setStatus(state: string, problem = false): void {
    this.status.text = `$(checklist) Specwright: ${state} · ${config.modelLabel()}`;
    this.status.tooltip = `Specwright language server: ${state}. Model: ${config.modelLabel()}. Click for the log.`;
    this.status.backgroundColor = problem ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  private onHookResult(result: ext.HookResult): void {
    const on = result.file ? ` on ${result.file}` : '';
    this.output.appendLine(`[hook] ${result.name} (${result.trigger}${on}): ${result.ok ? 'ok' : 'failed'}`);
    if (result.ok && result.action !== 'askAgent') {
      void vscode.window.setStatusBarMessage(`$(check) Hook '${result.name}' done`, 4000);
    }
  }

  dispose(): Promise<void> {
    return this.stop();
  }
}
