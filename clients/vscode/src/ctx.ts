// The extension's context: owns the language client, the output channel
// and the status bar item, and starts and restarts the server.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State } from 'vscode-languageclient/node';

import * as config from './config';
import * as ext from './lsp_ext';
import { bundledServer, describeSource, findServer } from './server_path';

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
    };
    const client = new LanguageClient('specwright', 'Specwright', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.setStatus('ready');
      } else if (e.newState === State.Stopped) {
        this.setStatus('stopped', true);
      }
    });
    client.onNotification(ext.STREAM, (params: ext.StreamParams) => {
      for (const listener of this.streamListeners) {
        listener(params);
      }
    });
    client.onNotification(ext.HOOK_RESULT, (result: ext.HookResult) => this.onHookResult(result));
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
