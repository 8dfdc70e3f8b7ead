// One factory per command: each takes the context and returns the
// command's callback. Commands call the server and render its answers.
import * as os from 'node:os';
import * as vscode from 'vscode';

import type { ChatView } from './chat_view';
import { pickCheckpoint } from './checkpoints';
import type { Ctx } from './ctx';
import * as ext from './lsp_ext';
import { configUri, serverRows } from './mcp_model';
import type { PreviewProvider } from './preview';
import type { Reviewer } from './review_ui';
import type { Node, SpecExplorer } from './spec_explorer';
import { documentKind, primaryDocument, specFolderOf } from './specs';
import type { TaskInfo } from './tasks_model';
import { message } from './util';

export interface Deps {
  ctx: Ctx;
  explorer: SpecExplorer;
  preview: PreviewProvider;
  chat: ChatView;
  reviewer: Reviewer;
}

type Factory = (deps: Deps) => (...args: unknown[]) => unknown;

/** The spec a command works on: a Spec Explorer node, the active editor's spec, or one picked. */
async function pickSpec(deps: Deps, arg: unknown): Promise<string | undefined> {
  const node = arg as Node | undefined;
  if (node && typeof node === 'object' && 'spec' in node) {
    return node.spec.uri;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && specFolderOf(active.path)) {
    return active.toString();
  }
  const client = deps.ctx.running();
  if (!client) {
    return undefined;
  }
  const { specs } = await client.sendRequest<ext.SpecsResult>(ext.SPECS, {});
  if (specs.length === 0) {
    void vscode.window.showInformationMessage('Specwright: no specs yet. Run "Specwright: New Spec…" first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    specs.map((s) => ({ label: s.name, description: `${s.done}/${s.total} tasks`, uri: s.uri })),
    { placeHolder: 'Which spec?' },
  );
  return picked?.uri;
}

/**
 * Runs a generation command under a progress notification whose Cancel
 * sends `$/cancelRequest`: the server drops the job and its model call.
 */
async function generate(deps: Deps, command: string, argument: object, title: string): Promise<void> {
  const client = deps.ctx.running();
  if (!client) {
    return;
  }
  await deps.preview.open(title);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Specwright: writing ${title}`, cancellable: true },
      (_progress, token) =>
        client.sendRequest<ext.GenerationResult | null>(
          'workspace/executeCommand',
          { command, arguments: [argument] },
          token,
        ),
    );
    if (result && result.problems.length > 0) {
      void vscode.window.showWarningMessage(`Specwright: the spec still has problems: ${result.problems.join('; ')}`);
    }
  } catch (e) {
    const text = message(e);
    if (/cancel/i.test(text)) {
      void vscode.window.showInformationMessage(`Specwright: cancelled; nothing was written.`);
    } else {
      void vscode.window.showErrorMessage(`Specwright: ${text}`);
    }
  } finally {
    deps.explorer.refresh(0);
  }
}

export const newSpec: Factory = (deps) => async () => {
  const prompt = await vscode.window.showInputBox({
    title: 'New Spec',
    prompt: 'Describe the feature in your words',
    placeHolder: 'Users sign up with an email and log in; the API issues JWTs',
    ignoreFocusOut: true,
  });
  if (!prompt?.trim()) {
    return;
  }
  const name = await vscode.window.showInputBox({
    title: 'New Spec',
    prompt: 'The spec folder name (kebab-case); leave empty to derive it from the description',
    ignoreFocusOut: true,
  });
  const params: ext.CreateSpecParams = { prompt };
  if (name?.trim()) {
    params.name = name.trim();
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    params.root = folder.uri.toString();
  }
  await generate(deps, ext.SPEC_CREATE, params, params.name ?? 'new-spec');
};

export const generateDesign: Factory = (deps) => async (arg) => {
  const spec = await pickSpec(deps, arg);
  if (spec) {
    await generate(deps, ext.SPEC_GENERATE_DESIGN, { spec } satisfies ext.SpecRef, 'design');
  }
};

export const generateTasks: Factory = (deps) => async (arg) => {
  const spec = await pickSpec(deps, arg);
  if (spec) {
    await generate(deps, ext.SPEC_GENERATE_TASKS, { spec } satisfies ext.SpecRef, 'tasks');
  }
};

export const refineDocument: Factory = (deps) => async (arg) => {
  const spec = await pickSpec(deps, arg);
  if (!spec) {
    return;
  }
  const activeName = vscode.window.activeTextEditor?.document.uri.path.split('/').pop() ?? '';
  const kinds = ['requirements', 'bugfix', 'design', 'tasks'] as const;
  const current = documentKind(activeName);
  const document =
    current ??
    ((await vscode.window.showQuickPick([...kinds], { placeHolder: 'Which document?' })) as
      | ext.RefineParams['document']
      | undefined);
  if (!document) {
    return;
  }
  const instruction = await vscode.window.showInputBox({
    title: `Refine ${document}.md`,
    prompt: 'How should it change?',
    ignoreFocusOut: true,
  });
  if (instruction?.trim()) {
    await generate(deps, ext.SPEC_REFINE, { spec, document, instruction } satisfies ext.RefineParams, document);
  }
};

async function pickHook(deps: Deps, placeHolder: string): Promise<ext.HookInfo | undefined> {
  const client = deps.ctx.running();
  if (!client) {
    return undefined;
  }
  const { hooks } = await client.sendRequest<ext.HooksResult>(ext.HOOKS, {} satisfies ext.HooksParams);
  if (hooks.length === 0) {
    void vscode.window.showInformationMessage('Specwright: no valid hooks in .kiro/hooks/.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    hooks.map((h) => ({
      label: h.name,
      description: `${h.enabled ? '' : '(disabled) '}${h.trigger} → ${h.action}`,
      detail: h.detail,
      hook: h,
    })),
    { placeHolder },
  );
  return picked?.hook;
}

export const runHook: Factory = (deps) => async () => {
  const hook = await pickHook(deps, 'Run which hook?');
  const client = deps.ctx.client;
  if (!hook || !client) {
    return;
  }
  const result = (await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running hook '${hook.name}'…` },
    () =>
      client.sendRequest('workspace/executeCommand', {
        command: ext.HOOK_RUN,
        arguments: [{ name: hook.name, root: hook.root } satisfies ext.HookRef],
      }),
  )) as ext.HookResult;
  if (result.ok && result.action !== 'askAgent') {
    void vscode.window.showInformationMessage(`Hook '${hook.name}' done: ${result.output.trim().split('\n')[0] ?? ''}`);
  }
};

export const toggleHook: Factory = (deps) => async () => {
  const hook = await pickHook(deps, 'Enable or disable which hook?');
  const client = deps.ctx.client;
  if (!hook || !client) {
    return;
  }
  await client.sendRequest('workspace/executeCommand', {
    command: ext.HOOK_TOGGLE,
    arguments: [{ name: hook.name, root: hook.root } satisfies ext.HookRef],
  });
};

export const trustHooks: Factory = (deps) => async () => {
  const client = deps.ctx.running();
  if (!client) {
    return;
  }
  const result = (await client.sendRequest('workspace/executeCommand', {
    command: ext.HOOKS_TRUST,
    arguments: [{} satisfies ext.HooksTrustParams],
  })) as ext.HooksTrustResult;
  void vscode.window.showInformationMessage(
    `Specwright: trusted ${result.trusted.length} hook file(s) of this workspace (recorded in ${result.record}).`,
  );
};

export const showRepoMap: Factory = (deps) => async () => {
  const client = deps.ctx.running();
  if (!client) {
    return;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const params: ext.RepoMapParams = active?.scheme === 'file' ? { focus: [active.toString()] } : {};
  const map = await client.sendRequest<ext.RepoMapResult>(ext.REPO_MAP, params);
  const header = `# Repository map: ${map.files} files, ${map.symbols} symbols, ~${map.tokens} tokens (of ${map.indexed} indexed files)\n\n`;
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: header + map.text });
  await vscode.window.showTextDocument(doc, { preview: true });
};

export const checkSpecs: Factory = (deps) => async () => {
  const client = deps.ctx.running();
  if (!client) {
    return;
  }
  // The server publishes every spec's diagnostics (open or not) to the
  // Problems panel; this shows it and sums them up.
  const { specs } = await client.sendRequest<ext.SpecsResult>(ext.SPECS, {});
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const errors = specs.reduce((n, s) => n + s.errors, 0);
  const warnings = specs.reduce((n, s) => n + s.warnings, 0);
  const summary = `Specwright: ${specs.length} spec${specs.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`;
  if (errors > 0) {
    void vscode.window.showWarningMessage(summary);
  } else {
    void vscode.window.showInformationMessage(summary);
  }
};

export const refreshExplorer: Factory = (deps) => () => deps.explorer.refresh(0);

export const openSpec: Factory = () => async (arg) => {
  const node = arg as Node | undefined;
  const uri = node && node.kind === 'spec' ? primaryDocument(node.spec) : undefined;
  if (uri) {
    await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  }
};

export const openChat: Factory = (deps) => () => deps.chat.reveal();

export const newChat: Factory = (deps) => async () => {
  deps.chat.newChat();
  await deps.chat.reveal();
};

export const chatSessions: Factory = (deps) => () => deps.chat.pickSession();

export const stopChat: Factory = (deps) => () => deps.chat.stop();

export const toggleAutopilot: Factory = (deps) => () => deps.chat.toggleMode();

export const attachContext: Factory = (deps) => async () => {
  await deps.chat.reveal();
  await deps.chat.attach();
};

/** The checkpoints of a session (the chat view passes its own), else of every session. */
export const checkpoints: Factory = (deps) => async (arg) =>
  pickCheckpoint(deps.ctx, deps.chat, typeof arg === 'string' ? arg : undefined);

export const showReview: Factory = (deps) => () => {
  if (deps.reviewer.pending) {
    deps.reviewer.show();
  } else {
    void vscode.window.showInformationMessage('Specwright: no proposed edit is waiting for review.');
  }
};

/** The open tasks of a spec's tasks.md, flattened (sub-tasks after their parent), for a picker. */
function openTasks(tasks: TaskInfo[]): TaskInfo[] {
  return tasks.flatMap((t) => [...(t.id && t.status !== 'done' ? [t] : []), ...openTasks(t.children)]);
}

/**
 * Starts a task: a Spec Explorer task, else one picked from the active
 * tasks.md's (or a picked spec's) open tasks. The server's command runs it
 * (through the client's middleware, which shows its progress).
 */
export const startTask: Factory = (deps) => async (arg) => {
  const node = arg as Node | undefined;
  if (node && typeof node === 'object' && node.kind === 'task' && node.task.id) {
    await vscode.commands.executeCommand(ext.TASK_START, { uri: node.uri, taskId: node.task.id } satisfies ext.TaskStartParams);
    return;
  }
  const spec = await pickSpec(deps, arg);
  if (!spec) {
    return;
  }
  const { specs } = (await deps.ctx.client?.sendRequest<ext.SpecsResult>(ext.SPECS, {})) ?? { specs: [] };
  const info = specs.find((s) => s.uri === spec || spec.startsWith(`${s.uri}/`));
  const tasksUri = info?.documents.tasks;
  if (!tasksUri) {
    void vscode.window.showInformationMessage('Specwright: this spec has no tasks.md yet. Run "Specwright: Generate Tasks" first.');
    return;
  }
  const open = openTasks(await deps.explorer.tasks(tasksUri));
  if (open.length === 0) {
    void vscode.window.showInformationMessage('Specwright: every task of this spec is done.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    open.map((t) => ({ label: `${t.id} ${t.title}`, description: t.status, task: t })),
    { title: 'Start task', placeHolder: 'The agent implements it; passing tests tick it' },
  );
  if (picked?.task.id) {
    await vscode.commands.executeCommand(ext.TASK_START, { uri: tasksUri, taskId: picked.task.id } satisfies ext.TaskStartParams);
  }
};

/** Runs every open task of a spec (a Spec Explorer spec or tasks.md, the active spec, or one picked). */
export const runAllTasks: Factory = (deps) => async (arg) => {
  const node = arg as Node | undefined;
  const uri = node && typeof node === 'object' && node.kind === 'document' ? node.uri : await pickSpec(deps, arg);
  if (uri) {
    await vscode.commands.executeCommand(ext.TASKS_RUN_ALL, { uri } satisfies ext.TasksRunAllParams);
  }
};

/**
 * The MCP servers of the workspace (`specwright/mcp/status`, each enabled
 * one started first): their state, transport and tools. The chosen one's
 * mcp.json opens.
 */
export const showMcpServers: Factory = (deps) => async () => {
  const client = deps.ctx.running();
  if (!client) {
    return;
  }
  const { servers } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Specwright: starting the MCP servers' },
    () => client.sendRequest<ext.McpStatusResult>(ext.MCP_STATUS, { start: true } satisfies ext.McpStatusParams),
  );
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('Specwright: no MCP server is configured (.kiro/settings/mcp.json).');
    return;
  }
  const picked = await vscode.window.showQuickPick(serverRows(servers), {
    title: 'MCP servers',
    placeHolder: 'Pick one to open its mcp.json',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  const uri = picked && configUri(picked.server, os.homedir());
  if (uri) {
    await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  }
};

export const showOutput: Factory = (deps) => () => deps.ctx.output.show(true);

export const restartServer: Factory = (deps) => async () => {
  await deps.ctx.restart();
  deps.explorer.refresh(0);
};

/** Command id → factory; package.json contributes the same ids (a unit test checks). */
export const COMMANDS: Record<string, Factory> = {
  'specwright.newSpec': newSpec,
  'specwright.generateDesign': generateDesign,
  'specwright.generateTasks': generateTasks,
  'specwright.refineDocument': refineDocument,
  'specwright.runHook': runHook,
  'specwright.toggleHook': toggleHook,
  'specwright.trustHooks': trustHooks,
  'specwright.showRepoMap': showRepoMap,
  'specwright.checkSpecs': checkSpecs,
  'specwright.refreshSpecExplorer': refreshExplorer,
  'specwright.openSpec': openSpec,
  'specwright.showOutput': showOutput,
  'specwright.restartServer': restartServer,
  'specwright.openChat': openChat,
  'specwright.newChat': newChat,
  'specwright.chatSessions': chatSessions,
  'specwright.stopChat': stopChat,
  'specwright.toggleAutopilot': toggleAutopilot,
  'specwright.attachContext': attachContext,
  'specwright.checkpoints': checkpoints,
  'specwright.showReview': showReview,
  'specwright.startTask': startTask,
  'specwright.runAllTasks': runAllTasks,
  'specwright.mcp.showServers': showMcpServers,
};
