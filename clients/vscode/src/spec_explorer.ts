// The Spec Explorer: every spec with its progress, from `specwright/specs`,
// refreshed as spec files change; its documents as children, and under
// tasks.md its tasks (the server's outline of it) with the state of their
// runs: running, passed, evidence failed (the reason on hover).
import * as vscode from 'vscode';

import type { Ctx } from './ctx';
import * as ext from './lsp_ext';
import { specDescription, specDocuments, specTooltip } from './specs';
import type { TaskRuns } from './tasks';
import { type OutlineSymbol, type TaskInfo, specDirOf, taskDescription, taskIcon, taskOf, taskTooltip } from './tasks_model';

export type Node =
  | { kind: 'spec'; spec: ext.SpecInfo }
  | { kind: 'document'; spec: ext.SpecInfo; label: string; uri: string }
  | { kind: 'task'; spec: ext.SpecInfo; uri: string; task: TaskInfo };

export class SpecExplorer implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly runs: TaskRuns,
  ) {}

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
    if (node.kind === 'task') {
      const { task } = node;
      const dir = specDirOf(node.uri);
      const run = task.id ? this.runs.state(dir, task.id) : undefined;
      const all = this.runs.runAllActive(dir);
      const item = new vscode.TreeItem(
        task.id ? `${task.id} ${task.title}` : task.title,
        task.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `${node.uri}#${task.id ?? `line${task.line}`}`;
      item.description = taskDescription(task, run, all);
      item.tooltip = taskTooltip(task, run);
      const icon = taskIcon(task, run, all);
      item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
      item.contextValue = task.id && task.status !== 'done' && run?.state !== 'running' ? 'task' : 'taskDone';
      const position = new vscode.Position(task.line, 0);
      item.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [vscode.Uri.parse(node.uri), { selection: new vscode.Range(position, position) }],
      };
      return item;
    }
    const isTasks = node.label === 'tasks.md';
    const item = new vscode.TreeItem(
      node.label,
      isTasks && node.spec.total > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.uri;
    item.resourceUri = vscode.Uri.parse(node.uri);
    item.contextValue = isTasks ? 'specTasks' : 'specDocument';
    if (isTasks && this.runs.runAllActive(specDirOf(node.uri))) {
      item.description = 'running all…';
    }
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.parse(node.uri)] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'spec') {
      return specDocuments(node.spec).map((d) => ({ kind: 'document', spec: node.spec, label: d.label, uri: d.uri }));
    }
    if (node?.kind === 'document' && node.label === 'tasks.md') {
      return (await this.tasks(node.uri)).map((task) => ({ kind: 'task', spec: node.spec, uri: node.uri, task }));
    }
    if (node?.kind === 'task') {
      return node.task.children.map((task) => ({ kind: 'task', spec: node.spec, uri: node.uri, task }));
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

  /** The tasks of a tasks.md, as the server outlines it (open or not). */
  async tasks(uri: string): Promise<TaskInfo[]> {
    const client = this.ctx.client;
    if (!client || !client.isRunning()) {
      return [];
    }
    try {
      const symbols = await client.sendRequest<OutlineSymbol[] | null>('textDocument/documentSymbol', {
        textDocument: { uri },
      });
      return (symbols ?? []).map(taskOf);
    } catch (e) {
      this.ctx.output.appendLine(`textDocument/documentSymbol failed for ${uri}: ${String(e)}`);
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
