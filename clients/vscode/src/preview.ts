// Live previews of documents being generated: a read-only virtual document
// (`specwright-preview:`) that fills from `specwright/stream` deltas.
import * as vscode from 'vscode';

import type { StreamParams } from './lsp_ext';

export const SCHEME = 'specwright-preview';

export class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly tokens = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A fresh preview document for `title`, opened beside the editor. */
  async open(title: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${title} (preview).md` });
    this.texts.set(uri.toString(), `<!-- ${title}: waiting for the model -->\n`);
    this.tokens.delete(uri.toString());
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    this.current = uri;
    return uri;
  }

  private current: vscode.Uri | undefined;

  /** Appends a delta to the current preview (a new token starts over). */
  append(params: StreamParams): void {
    const uri = this.current;
    if (!uri) {
      return;
    }
    const key = uri.toString();
    let text = this.texts.get(key) ?? '';
    if (this.tokens.get(key) !== params.token) {
      this.tokens.set(key, params.token);
      text = `<!-- ${params.document} -->\n\n`;
    }
    this.texts.set(key, text + params.delta);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
