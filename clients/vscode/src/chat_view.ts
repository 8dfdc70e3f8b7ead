// The chat view: a webview in the panel that talks with the server's agent
// (`specwright/chat/*`). The extension keeps the transcript (chat_model.ts),
// renders it to HTML (markdown-it, raw HTML escaped, Mermaid drawn in the
// webview with the bundled library) and answers the webview's buttons;
// the server runs the turns, asks for reviews, and decides everything.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';

import {
  type Turn,
  CONTEXT_KINDS,
  Transcript,
  attachCheckpoints,
  chatMarkdown,
  contextTokens,
  historyTurns,
  needsNoPick,
  renderTranscript,
  sameContext,
} from './chat_model';
import type { FromWebview, ToWebview, ViewState } from './chat_protocol';
import { type TurnDiffs, listCheckpoints, restoreCheckpoint } from './checkpoints';
import * as config from './config';
import type { Ctx } from './ctx';
import type { Diffs } from './diffs';
import * as ext from './lsp_ext';
import { mcpToken, parseMcpArg, resourceRows } from './mcp_model';
import { escapeHtml } from './mermaid';
import { relativePath } from './review';
import type { Reviewer } from './review_ui';
import type { TaskRuns, TaskSink } from './tasks';
import { message } from './util';

export const VIEW_ID = 'specwright.chat';

interface Attached {
  context: ext.ChatContext;
  label: string;
  title: string;
}

interface Session {
  id: string;
  title: string;
  autopilot: boolean;
}

const KIND_HELP: Record<ext.ContextKind, string> = {
  file: 'a file of the workspace',
  folder: 'a folder (its file listing)',
  spec: 'a spec: requirements, design and tasks',
  steering: 'steering documents',
  codebase: 'the repository map',
  problems: 'the spec and steering problems',
  gitDiff: 'git diff HEAD and untracked files',
  mcp: 'a resource of an MCP server',
};

export class ChatView implements vscode.WebviewViewProvider, TaskSink, TurnDiffs {
  private view: vscode.WebviewView | undefined;
  private readonly transcript = new Transcript();
  private session: Session | undefined;
  private nextAutopilot: boolean;
  private attached: Attached[] = [];
  private readonly chatSessions = new Set<string>();
  private readonly md: MarkdownIt;
  private readonly turnOfCheckpoint = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private current: Turn | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly diffs: Diffs,
    private readonly reviewer: Reviewer,
    private readonly runs: TaskRuns,
  ) {
    this.md = chatMarkdown();
    this.nextAutopilot = ChatView.modeSetting();
    reviewer.onDidChange(() => this.update());
  }

  private static modeSetting(): boolean {
    return vscode.workspace.getConfiguration('specwright.agent').get<string>('mode') === 'autopilot';
  }

  /** `specwright.agent.mode` changed: the next chat starts in that mode. */
  modeSettingChanged(): void {
    this.nextAutopilot = ChatView.modeSetting();
    this.update(0);
  }

  // ------------------------------------------------------------- webview

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    view.webview.html = this.html(view.webview);
    view.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m));
    view.onDidChangeVisibility(() => {
      if (view.visible) {
        this.update(0);
      }
    });
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
      }
    });
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, ...p)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      // Mermaid's SVGs carry style attributes.
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    const kinds = escapeHtml(CONTEXT_KINDS.map((k) => `${k}=${KIND_HELP[k]}`).join('|'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('media', 'chat.css')}">
<title>Specwright Chat</title>
</head>
<body data-mermaid="${uri('dist', 'mermaid.min.js')}" data-nonce="${nonce}" data-kinds="${kinds}">
<header id="header">
  <div class="heading"><span id="title" class="title"></span><span id="model" class="model" title="The model in use (specwright.model.*)"></span></div>
  <div class="actions">
    <button id="mode" class="toggle" title="Supervised asks before each edit; autopilot applies at once"></button>
    <button id="new" title="Start a new chat">New</button>
    <button id="sessions" title="Open a previous chat">History</button>
    <button id="checkpoints" title="This chat's checkpoints: restore the files of a turn">Checkpoints</button>
  </div>
</header>
<div id="review" class="review" hidden><span id="review-title"></span><button id="review-open">Review…</button></div>
<main id="transcript" aria-live="polite"></main>
<div id="empty" class="empty">
  <p>Ask Specwright's agent to explain, change or build something in this workspace.</p>
  <p>Type <code>#</code> to attach context: <code>#file</code>, <code>#folder</code>, <code>#spec</code>, <code>#steering</code>, <code>#codebase</code>, <code>#problems</code>, <code>#gitDiff</code>, <code>#mcp</code>.</p>
</div>
<footer id="composer">
  <div id="chips" class="chips"></div>
  <div id="complete" class="complete" role="listbox" hidden></div>
  <textarea id="input" rows="3" placeholder="Ask Specwright… (# attaches context; Enter sends, Shift+Enter for a new line)" aria-label="Message"></textarea>
  <div class="buttons">
    <button id="attach" class="secondary" title="Attach context">#&nbsp;Context</button>
    <span class="spacer"></span>
    <button id="stop" class="secondary" hidden title="Stop the running turn">Stop</button>
    <button id="send" title="Send (Enter)">Send</button>
  </div>
</footer>
<script nonce="${nonce}" src="${uri('dist', 'chat_webview.js')}"></script>
</body>
</html>`;
  }

  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
  }

  private relative = (uri: string): string => relativePath(uri, this.roots());

  private state(): ViewState {
    const autopilot = this.session?.autopilot ?? this.nextAutopilot;
    return {
      title: this.session?.title ?? 'New chat',
      model: config.modelLabel(),
      autopilot,
      nextAutopilot: this.session && this.nextAutopilot !== autopilot ? this.nextAutopilot : undefined,
      running: this.current?.running === true,
      context: this.attached.map((a) => ({ label: a.label, title: a.title })),
      html: renderTranscript(this.transcript.turns, this.md, this.relative),
      review: this.reviewer.pending,
      offline: !this.ctx.isRunning,
    };
  }

  /** Re-renders soon (streamed text comes in many small events). */
  update(delayMs = 40): void {
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.view) {
        void this.view.webview.postMessage({ type: 'state', state: this.state() } satisfies ToWebview);
      }
    }, delayMs);
  }

  /** Shows the view and puts the cursor in its input. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    void this.view?.webview.postMessage({ type: 'focus' } satisfies ToWebview);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.update(0);
          break;
        case 'send':
          await this.send(m.text);
          break;
        case 'stop':
          await this.stop();
          break;
        case 'new':
          this.newChat();
          break;
        case 'sessions':
          await this.pickSession();
          break;
        case 'mode':
          this.toggleMode();
          break;
        case 'attach':
          await this.attach(m.kind);
          break;
        case 'detach':
          this.attached.splice(m.index, 1);
          this.update(0);
          break;
        case 'diff':
          await this.diffs.openTurnDiff(m.turn, m.uri, this.relative(m.uri));
          break;
        case 'restore':
          await this.restore(m.checkpoint);
          break;
        case 'checkpoints':
          await vscode.commands.executeCommand('specwright.checkpoints', this.session?.id);
          break;
        case 'review':
          this.reviewer.show();
          break;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Specwright: ${message(e)}`);
    }
  }

  // ------------------------------------------------------------- chatting

  /** Sends a message: a new session first (titled by the message) when there is none. */
  async send(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) {
      return;
    }
    if (this.current?.running) {
      void vscode.window.showWarningMessage('Specwright: a turn is running; stop it or wait.');
      return;
    }
    const client = this.ctx.running();
    if (!client) {
      return;
    }
    if (!this.session) {
      const title = trimmed.split('\n')[0].slice(0, 60);
      const { session } = await client.sendRequest<ext.ChatNewResult>(ext.CHAT_NEW, {
        title,
        autopilot: this.nextAutopilot,
      } satisfies ext.ChatNewParams);
      this.session = { id: session, title, autopilot: this.nextAutopilot };
      this.chatSessions.add(session);
    }
    const session = this.session;
    const context = this.contextFor(trimmed);
    const labels = context.map((c) => c.label);
    this.attached = [];
    const turn = this.transcript.beginChat(session.id, trimmed, labels);
    this.current = turn;
    this.update(0);
    try {
      const result = await client.sendRequest<ext.ChatSendResult>(ext.CHAT_SEND, {
        session: session.id,
        text: trimmed,
        context: context.map((c) => c.context),
      } satisfies ext.ChatSendParams);
      this.transcript.finishChat(turn, result.stopReason, result.checkpoint);
      if (result.checkpoint) {
        this.turnOfCheckpoint.set(result.checkpoint, turn.key);
      }
    } catch (e) {
      turn.blocks.push({ kind: 'error', text: message(e) });
      this.transcript.finishChat(turn, 'error');
    } finally {
      this.update(0);
    }
  }

  /** The attached chips, plus the `#kind:arg` tokens typed in the message, without repeats. */
  private contextFor(text: string): Attached[] {
    const out = [...this.attached];
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    for (const token of contextTokens(text)) {
      if (token.kind === 'mcp') {
        // `#mcp:<server>/<uri>`; `#mcp` alone needs a choice: the picker attaches it.
        const resource = token.arg ? parseMcpArg(token.arg) : undefined;
        const item: Attached | undefined = resource && {
          context: { kind: 'mcp', server: resource.server, uri: resource.uri },
          label: mcpToken(resource.server, resource.uri),
          title: KIND_HELP.mcp,
        };
        if (item && !out.some((a) => sameContext(a.context, item.context))) {
          out.push(item);
        }
        continue;
      }
      let uri: string | undefined;
      if (token.arg && root) {
        const rel = token.arg.replace(/^\.?\//, '');
        switch (token.kind) {
          case 'spec':
            uri = vscode.Uri.joinPath(root, '.kiro', 'specs', rel).toString();
            break;
          case 'steering':
            uri = vscode.Uri.joinPath(root, '.kiro', 'steering', rel.endsWith('.md') ? rel : `${rel}.md`).toString();
            break;
          default:
            uri = vscode.Uri.joinPath(root, rel).toString();
        }
      } else if (token.kind === 'file' || token.kind === 'spec') {
        continue; // needs a choice: the picker attaches those
      }
      const item: Attached = {
        context: uri ? { kind: token.kind, uri } : { kind: token.kind },
        label: `#${token.kind}${token.arg ? `:${token.arg}` : ''}`,
        title: KIND_HELP[token.kind],
      };
      if (!out.some((a) => sameContext(a.context, item.context))) {
        out.push(item);
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (session && this.current?.running) {
      await this.ctx.client?.sendRequest(ext.CHAT_CANCEL, { session: session.id } satisfies ext.ChatSessionRef);
    }
  }

  newChat(): void {
    if (this.current?.running) {
      void vscode.window.showWarningMessage('Specwright: a turn is running; stop it first.');
      return;
    }
    this.session = undefined;
    this.current = undefined;
    this.transcript.clear();
    this.diffs.clearTurns();
    this.attached = [];
    this.update(0);
  }

  /** Opens a previous session of this workspace (`chat/list`), its conversation from `chat/history`. */
  async pickSession(): Promise<void> {
    const client = this.ctx.running();
    if (!client) {
      return;
    }
    const { sessions } = await client.sendRequest<ext.ChatListResult>(ext.CHAT_LIST, {});
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage('Specwright: no chat yet in this workspace.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((s) => ({
        label: s.title,
        description: `${s.turns} turn${s.turns === 1 ? '' : 's'} · ${s.autopilot ? 'autopilot' : 'supervised'}`,
        detail: s.session === this.session?.id ? 'open now' : undefined,
        session: s,
      })),
      { title: 'Previous chats', placeHolder: 'Open which chat? (newest first)', matchOnDescription: true },
    );
    if (!picked) {
      return;
    }
    if (this.current?.running) {
      void vscode.window.showWarningMessage('Specwright: a turn is running; stop it first.');
      return;
    }
    const history = await client.sendRequest<ext.ChatHistoryResult>(ext.CHAT_HISTORY, {
      session: picked.session.session,
    } satisfies ext.ChatSessionRef);
    this.session = { id: picked.session.session, title: picked.session.title, autopilot: picked.session.autopilot };
    this.chatSessions.add(this.session.id);
    this.current = undefined;
    this.transcript.clear();
    this.diffs.clearTurns();
    const turns = historyTurns(this.session.id, history.messages);
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.toString();
    const checkpoints = await listCheckpoints(this.ctx, this.session.id).catch(() => undefined);
    if (root && checkpoints) {
      attachCheckpoints(turns, checkpoints, root);
      for (const turn of turns) {
        if (turn.checkpoint) {
          this.turnOfCheckpoint.set(turn.checkpoint, turn.key);
        }
      }
    }
    this.transcript.turns.push(...turns);
    this.update(0);
    await this.reveal();
  }

  /** Supervised ↔ autopilot: for the next session (a session keeps the mode it started with). */
  toggleMode(): void {
    this.nextAutopilot = !this.nextAutopilot;
    this.update(0);
    if (this.session) {
      const mode = this.nextAutopilot ? 'Autopilot' : 'Supervised';
      void vscode.window
        .showInformationMessage(`Specwright: ${mode} applies to new chats (a chat keeps the mode it started with).`, 'New Chat')
        .then((choice) => {
          if (choice === 'New Chat') {
            this.newChat();
          }
        });
    }
  }

  /** Attaches context: the kind asked first when not given; files, folders, specs and steering picked. */
  async attach(kind?: ext.ContextKind): Promise<void> {
    if (!kind) {
      const picked = await vscode.window.showQuickPick(
        CONTEXT_KINDS.map((k) => ({ label: `#${k}`, description: KIND_HELP[k], contextKind: k })),
        { title: 'Attach context', placeHolder: 'What should the agent see with your message?' },
      );
      kind = picked?.contextKind;
      if (!kind) {
        return;
      }
    }
    const items = needsNoPick(kind) ? [{ context: { kind }, label: `#${kind}`, title: KIND_HELP[kind] }] : await this.pickItems(kind);
    for (const item of items) {
      if (!this.attached.some((a) => sameContext(a.context, item.context))) {
        this.attached.push(item);
      }
    }
    this.update(0);
    void this.view?.webview.postMessage({ type: 'focus' } satisfies ToWebview);
  }

  private async pickItems(kind: ext.ContextKind): Promise<Attached[]> {
    if (kind === 'mcp') {
      return this.pickMcpResources();
    }
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) {
      return [];
    }
    const rel = (uri: vscode.Uri) => path.posix.relative(root.path, uri.path);
    const attached = (uri: vscode.Uri | undefined, label: string): Attached => ({
      context: uri ? { kind, uri: uri.toString() } : { kind },
      label,
      title: KIND_HELP[kind],
    });
    switch (kind) {
      case 'file': {
        const files = await vscode.workspace.findFiles('**/*', undefined, 5000);
        const picked = await vscode.window.showQuickPick(
          files.map((f) => ({ label: rel(f), uri: f })).sort((a, b) => a.label.localeCompare(b.label)),
          { title: 'Attach files', placeHolder: 'Type to filter; tick one or more', canPickMany: true, matchOnDescription: true },
        );
        return (picked ?? []).map((p) => attached(p.uri, `#file:${p.label}`));
      }
      case 'folder': {
        const files = await vscode.workspace.findFiles('**/*', undefined, 5000);
        const dirs = new Set<string>();
        for (const f of files) {
          let d = path.posix.dirname(rel(f));
          while (d !== '.' && d !== '' && !dirs.has(d)) {
            dirs.add(d);
            d = path.posix.dirname(d);
          }
        }
        const picked = await vscode.window.showQuickPick(
          [{ label: '.', description: 'the workspace folder', dir: undefined as string | undefined }, ...[...dirs].sort().map((d) => ({ label: d, description: '', dir: d }))],
          { title: 'Attach a folder', placeHolder: 'Its files are listed for the agent' },
        );
        if (!picked) {
          return [];
        }
        return [attached(picked.dir ? vscode.Uri.joinPath(root, picked.dir) : undefined, `#folder:${picked.label}`)];
      }
      case 'spec': {
        const client = this.ctx.running();
        if (!client) {
          return [];
        }
        const { specs } = await client.sendRequest<ext.SpecsResult>(ext.SPECS, {});
        const picked = await vscode.window.showQuickPick(
          specs.map((s) => ({ label: s.name, description: `${s.done}/${s.total} tasks`, uri: s.uri })),
          { title: 'Attach a spec', placeHolder: specs.length ? 'Which spec?' : 'No specs in .kiro/specs/ yet' },
        );
        return picked ? [attached(vscode.Uri.parse(picked.uri), `#spec:${picked.label}`)] : [];
      }
      case 'steering': {
        const docs = await vscode.workspace.findFiles('.kiro/steering/*.md');
        const picked = await vscode.window.showQuickPick(
          [
            { label: 'All steering documents', uri: undefined as vscode.Uri | undefined, name: '' },
            ...docs.map((d) => ({ label: path.posix.basename(d.path), uri: d as vscode.Uri | undefined, name: path.posix.basename(d.path) })),
          ],
          { title: 'Attach steering', placeHolder: 'Which steering document?' },
        );
        if (!picked) {
          return [];
        }
        return [attached(picked.uri, picked.uri ? `#steering:${picked.name}` : '#steering')];
      }
      default:
        return [attached(undefined, `#${kind}`)];
    }
  }

  /** The resources of the MCP servers (started first; a workspace's own only once the folder is trusted). */
  private async pickMcpResources(): Promise<Attached[]> {
    const client = this.ctx.running();
    if (!client) {
      return [];
    }
    const { servers } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Specwright: listing MCP resources' },
      () => client.sendRequest<ext.McpStatusResult>(ext.MCP_STATUS, { start: true, resources: true } satisfies ext.McpStatusParams),
    );
    const rows = resourceRows(servers);
    if (rows.length === 0) {
      const none =
        servers.length === 0
          ? 'no MCP server is configured (.kiro/settings/mcp.json).'
          : 'no running MCP server offers resources. "Specwright: MCP Servers" shows their state.';
      void vscode.window.showInformationMessage(`Specwright: ${none}`);
      return [];
    }
    const picked = await vscode.window.showQuickPick(rows, {
      title: 'Attach an MCP resource',
      placeHolder: 'Its contents are read from the server and sent with your message',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) {
      return [];
    }
    return [
      {
        context: { kind: 'mcp', server: picked.server, uri: picked.uri },
        label: mcpToken(picked.server, picked.uri),
        title: KIND_HELP.mcp,
      },
    ];
  }

  private async restore(checkpoint: string): Promise<void> {
    const restored = await restoreCheckpoint(this.ctx, checkpoint);
    const key = this.turnOfCheckpoint.get(checkpoint);
    const turn = this.transcript.turns.find((t) => t.key === key || t.checkpoint === checkpoint);
    if (restored && turn) {
      turn.blocks.push({ kind: 'notice', text: `Restored ${restored.join(', ') || 'nothing'} to before this turn.` });
      this.update(0);
    }
  }

  // ------------------------------------------------------------- server events

  onEvent(event: ext.ChatEvent): void {
    const before = this.transcript.turns.length;
    const turn = this.transcript.apply(event, this.chatSessions, this.runs.running);
    if (!turn) {
      return;
    }
    if (event.kind === 'edit' && event.uri) {
      this.diffs.noteEdit(turn.key, event.uri);
    }
    if (this.transcript.turns.length > before && turn.kind === 'task') {
      void this.nameTaskTurn(turn);
    }
    this.update();
  }

  /** A task run of Run all shows up with its session: its title is the session's (`Task 2.1`). */
  private async nameTaskTurn(turn: Turn): Promise<void> {
    const list = await this.ctx.client?.sendRequest<ext.ChatListResult>(ext.CHAT_LIST, {}).catch(() => undefined);
    const title = list?.sessions.find((s) => s.session === turn.session)?.title;
    if (title && turn.running) {
      turn.title = title;
      this.update();
    }
  }

  taskStarted(title: string): unknown {
    const turn = this.transcript.beginTask(title);
    this.update(0);
    return turn;
  }

  taskFinished(handle: unknown, report: ext.TaskReport | undefined, error?: string): void {
    const turn = handle as Turn;
    this.transcript.finishTask(turn, report, error);
    if (turn.checkpoint) {
      this.turnOfCheckpoint.set(turn.checkpoint, turn.key);
    }
    this.update(0);
  }

  runAllStarted(): void {
    this.update(0);
  }

  runAllFinished(reports: ext.TaskReport[], error?: string): void {
    this.transcript.finishRunAll(reports);
    for (const turn of this.transcript.turns) {
      if (turn.checkpoint) {
        this.turnOfCheckpoint.set(turn.checkpoint, turn.key);
      }
    }
    if (error) {
      const turn = this.transcript.beginTask('Run all tasks');
      this.transcript.finishTask(turn, undefined, error);
    }
    this.update(0);
  }

  /** The checkpoint picker's file diffs: known for the turns this view saw. */
  async openCheckpointDiff(checkpoint: string, file: string): Promise<boolean> {
    const key = this.turnOfCheckpoint.get(checkpoint);
    const turn = this.transcript.turns.find((t) => t.key === key);
    const edit = turn?.edits.find((e) => this.relative(e.uri) === file);
    if (!turn || !edit) {
      return false;
    }
    await this.diffs.openTurnDiff(turn.key, edit.uri, file);
    return true;
  }

  /** The session the view chats in, if any (for the checkpoint list). */
  get sessionId(): string | undefined {
    return this.session?.id;
  }
}
