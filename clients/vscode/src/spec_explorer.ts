// The Spec Explorer: every spec with its progress, from `specwright/specs`,
// refreshed as spec files change; its documents as children.
import * as vscode from 'vscode';

import type { Ctx } from './ctx';
import * as ext from './lsp_ext';
import { specDescription, specDocuments, specTooltip } from './specs';

export type Node = { kind: 'spec'; spec: ext.SpecInfo } | { kind: 'document'; spec: ext.SpecInfo; label: string; uri: string };

export class SpecExplorer implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {}

  /** Refreshes soon (changes come in bursts). */
  refresh(delayMs = 250): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => this.changed.fire(undefined), delayMs);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'spec') {
      const item = new vscode.TreeItem(node.spec.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.spec.uri;
      item.description = specDescription(node.spec);
      item.tooltip = specTooltip(node.spec);
      item.contextValue = 'spec';
      item.iconPath = new vscode.ThemeIcon(
        node.spec.errors > 0 ? 'error' : node.spec.total > 0 && node.spec.done === node.spec.total ? 'pass' : 'checklist',
      );
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.uri;
    item.resourceUri = vscode.Uri.parse(node.uri);
    item.contextValue = 'specDocument';
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.parse(node.uri)] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'spec') {
      return specDocuments(node.spec).map((d) => ({ kind: 'document', spec: node.spec, label: d.label, uri: d.uri }));
    }
    if (node) {
      return [];
    }
    const client = this.ctx.client;
    if (!client || !client.isRunning()) {
      return [];
    }
    try {
      const result = await client.sendRequest<ext.SpecsResult>(ext.SPECS, {} satisfies ext.SpecsParams);
      return [...result.specs]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((spec) => ({ kind: 'spec', spec }));
    } catch (e) {
      this.ctx.output.appendLine(`specwright/specs failed: ${String(e)}`);
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
