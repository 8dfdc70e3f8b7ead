// Pure logic of the chat view: the transcript the server's
// `specwright/chat/event`s build, its HTML (markdown through markdown-it,
// raw HTML escaped), the `#kind` context tokens of a message, and a saved
// session's history as turns. No `vscode` here, so node's test runner loads it.
import MarkdownIt from 'markdown-it';

import type { ChatContext, ChatEvent, CheckpointInfo, ContextKind, HistoryMessage, TaskReport } from './lsp_ext';
import { escapeHtml, mermaidPlugin } from './mermaid';

export type Block =
  | { kind: 'user'; text: string; context: string[] }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: unknown; ok?: boolean; output?: string; id?: string }
  | { kind: 'notice'; text: string }
  | { kind: 'error'; text: string };

export interface Edit {
  uri: string;
  action: 'write' | 'change' | 'delete';
}

/** A chat turn, or a task run (its agent's turn, then the evidence gate's report). */
export interface Turn {
  /** Unique in the transcript: the webview keys buttons and open <details> by it. */
  key: string;
  kind: 'chat' | 'task';
  session?: string;
  /** The turn's number in its session, once the server named it. */
  turn?: number;
  /** A task run's heading (`Task 1: Implement add`). */
  title?: string;
  blocks: Block[];
  edits: Edit[];
  running: boolean;
  stopReason?: string;
  checkpoint?: string;
  report?: TaskReport;
}

export const CONTEXT_KINDS: readonly ContextKind[] = [
  'file',
  'folder',
  'spec',
  'steering',
  'codebase',
  'problems',
  'gitDiff',
  'mcp',
] as const;

/** The transcript of the chat view: the current session's turns and the task runs seen meanwhile. */
export class Transcript {
  turns: Turn[] = [];
  private counter = 0;

  private nextKey(): string {
    return `t${++this.counter}`;
  }

  clear(): void {
    this.turns = [];
  }

  /** A turn the user just sent: its number comes with the first event. */
  beginChat(session: string, text: string, context: string[]): Turn {
    const turn: Turn = {
      key: this.nextKey(),
      kind: 'chat',
      session,
      blocks: [{ kind: 'user', text, context }],
      edits: [],
      running: true,
    };
    this.turns.push(turn);
    return turn;
  }

  /** A task run the client started (the code lens, the Spec Explorer); its session comes with its first event. */
  beginTask(title: string): Turn {
    const turn: Turn = { key: this.nextKey(), kind: 'task', title, blocks: [], edits: [], running: true };
    this.turns.push(turn);
    return turn;
  }

  /**
   * The turn an event belongs to: the session's turn with that number, else
   * the session's running turn without a number yet, else a task run still
   * waiting for its session (`acceptUnknown`: the event is of no chat
   * session this view started). Undefined when the event is not ours.
   */
  private turnOf(event: ChatEvent, acceptUnknown: boolean): Turn | undefined {
    const ofSession = this.turns.filter((t) => t.session === event.session);
    const numbered = ofSession.find((t) => t.turn === event.turn);
    if (numbered) {
      return numbered;
    }
    const pending = ofSession.find((t) => t.turn === undefined && t.running);
    if (pending) {
      pending.turn = event.turn;
      return pending;
    }
    if (!acceptUnknown) {
      return undefined;
    }
    const waiting = this.turns.find((t) => t.kind === 'task' && t.running && t.session === undefined);
    if (waiting) {
      waiting.session = event.session;
      waiting.turn = event.turn;
      return waiting;
    }
    // A task run started elsewhere (another Run all wave): shown as it comes.
    const turn: Turn = {
      key: this.nextKey(),
      kind: 'task',
      title: 'Task run',
      session: event.session,
      turn: event.turn,
      blocks: [],
      edits: [],
      running: true,
    };
    this.turns.push(turn);
    return turn;
  }

  /**
   * Applies one `specwright/chat/event`. `chatSessions` are the sessions this
   * view chats in; events of other sessions are task runs (shown only while
   * `taskRunning`). Returns the turn changed, if any.
   */
  apply(event: ChatEvent, chatSessions: ReadonlySet<string>, taskRunning: boolean): Turn | undefined {
    const known = this.turns.some((t) => t.session === event.session);
    if (!known && (chatSessions.has(event.session) || !taskRunning)) {
      return undefined;
    }
    const turn = this.turnOf(event, !chatSessions.has(event.session));
    if (!turn) {
      return undefined;
    }
    const last = turn.blocks[turn.blocks.length - 1];
    switch (event.kind) {
      case 'text':
        if (last?.kind === 'text') {
          last.text += event.text ?? '';
        } else {
          turn.blocks.push({ kind: 'text', text: event.text ?? '' });
        }
        break;
      case 'toolCall':
        turn.blocks.push({ kind: 'tool', name: event.name ?? 'tool', input: event.input });
        break;
      case 'toolResult': {
        // Results come in the order of their calls.
        const call = turn.blocks.find(
          (b): b is Extract<Block, { kind: 'tool' }> => b.kind === 'tool' && b.name === event.name && b.ok === undefined,
        );
        if (call) {
          call.ok = event.ok;
          call.output = event.output;
        } else {
          turn.blocks.push({ kind: 'tool', name: event.name ?? 'tool', input: undefined, ok: event.ok, output: event.output });
        }
        break;
      }
      case 'edit':
        if (event.uri && !turn.edits.some((e) => e.uri === event.uri)) {
          turn.edits.push({ uri: event.uri, action: event.action ?? 'change' });
        } else if (event.uri && event.action === 'delete') {
          const edit = turn.edits.find((e) => e.uri === event.uri);
          if (edit) {
            edit.action = 'delete';
          }
        }
        break;
      case 'notice':
        turn.blocks.push({ kind: 'notice', text: event.text ?? '' });
        break;
      case 'done':
        // A task run goes on after its agent's turn (the tests): its report ends it.
        if (turn.kind === 'chat') {
          turn.running = false;
        }
        turn.stopReason = event.text;
        break;
      case 'error':
        turn.blocks.push({ kind: 'error', text: event.text ?? 'the turn failed' });
        if (turn.kind === 'chat') {
          turn.running = false;
        }
        break;
    }
    return turn;
  }

  /** The end of a chat turn as `chat/send` answered it (the events may have said so already). */
  finishChat(turn: Turn, stopReason: string, checkpoint?: string): void {
    turn.running = false;
    turn.stopReason = stopReason;
    if (checkpoint) {
      turn.checkpoint = checkpoint;
    }
  }

  /** The end of a task run: its report (or why there is none). */
  finishTask(turn: Turn, report: TaskReport | undefined, error?: string): void {
    turn.running = false;
    if (report) {
      turn.report = report;
      turn.title = `Task ${report.id}: ${report.title}`;
      turn.checkpoint = report.checkpoint ?? undefined;
      turn.session ??= report.session ?? undefined;
    }
    if (error) {
      turn.blocks.push({ kind: 'error', text: error });
    }
  }

  /** The reports of a Run all: each one finishes its run (matched by session), the rest are added. */
  finishRunAll(reports: TaskReport[]): void {
    for (const report of reports) {
      const turn =
        this.turns.find((t) => t.kind === 'task' && report.session && t.session === report.session) ??
        this.turns.find((t) => t.kind === 'task' && t.running && t.session === undefined) ??
        this.beginTask(`Task ${report.id}`);
      this.finishTask(turn, report);
    }
    for (const turn of this.turns) {
      if (turn.kind === 'task' && turn.running) {
        turn.running = false;
      }
    }
  }
}

// ------------------------------------------------------------------ context

export interface ContextToken {
  kind: ContextKind;
  /** What follows `#kind:` (a path or a name), if anything. */
  arg?: string;
}

const TOKEN = /(^|\s)#(file|folder|spec|steering|codebase|problems|gitDiff|mcp)(?::(\S+))?(?=\s|$)/g;

/** The `#kind` and `#kind:arg` tokens typed in a message, in order, without repeats. */
export function contextTokens(text: string): ContextToken[] {
  const out: ContextToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const token: ContextToken = { kind: m[2] as ContextKind };
    if (m[3]) {
      token.arg = m[3];
    }
    if (!out.some((t) => t.kind === token.kind && t.arg === token.arg)) {
      out.push(token);
    }
  }
  return out;
}

/** Whether two context items attach the same thing (an `mcp` item is also its server's). */
export function sameContext(a: ChatContext, b: ChatContext): boolean {
  return a.kind === b.kind && (a.uri ?? undefined) === (b.uri ?? undefined) && a.server === b.server;
}

/** Kinds that need no choice: attached as they are. */
export function needsNoPick(kind: ContextKind): boolean {
  return kind === 'codebase' || kind === 'problems' || kind === 'gitDiff';
}

/** The `#` completions for what was typed after `#` (case-insensitive prefix). */
export function completeKinds(prefix: string): ContextKind[] {
  const p = prefix.toLowerCase();
  return CONTEXT_KINDS.filter((k) => k.toLowerCase().startsWith(p));
}

// ------------------------------------------------------------------ history

/**
 * A saved session's messages (`chat/history`) as turns: each user message
 * with text starts a turn; tool calls get their results from the next
 * user message's `tool_result` parts.
 */
export function historyTurns(session: string, messages: HistoryMessage[]): Turn[] {
  const turns: Turn[] = [];
  let n = 0;
  for (const message of messages) {
    if (message.role === 'user') {
      const text = message.content
        .filter((c) => c.type === 'text')
        .map((c) => c.text ?? '')
        .join('\n');
      const results = message.content.filter((c) => c.type === 'tool_result');
      const current = turns[turns.length - 1];
      for (const result of results) {
        const call = current?.blocks.find(
          (b): b is Extract<Block, { kind: 'tool' }> => b.kind === 'tool' && b.id === result.tool_use_id,
        );
        if (call) {
          call.ok = !result.is_error;
          call.output = result.content;
        }
      }
      if (text.trim() !== '' && results.length === 0) {
        n++;
        turns.push({
          key: `h${n}`,
          kind: 'chat',
          session,
          turn: n,
          blocks: [{ kind: 'user', text, context: [] }],
          edits: [],
          running: false,
        });
      }
      continue;
    }
    let current = turns[turns.length - 1];
    if (!current) {
      // A summary or an assistant message before any user text: a turn of its own.
      n++;
      current = { key: `h${n}`, kind: 'chat', session, turn: n, blocks: [], edits: [], running: false };
      turns.push(current);
    }
    for (const part of message.content) {
      if (part.type === 'text' && part.text) {
        current.blocks.push({ kind: 'text', text: part.text });
      } else if (part.type === 'tool_use') {
        current.blocks.push({ kind: 'tool', name: part.name ?? 'tool', input: part.input, id: part.id });
      }
    }
  }
  return turns;
}

/**
 * Gives a saved session's turns the checkpoints of its turns that changed
 * files (`specwright.checkpoint.list {session}`, newest first): a chat
 * turn's checkpoint is labelled `chat: <the message's first line>`, matched
 * in order. The files become the turn's edits (`root` + their relative path).
 */
export function attachCheckpoints(turns: Turn[], checkpoints: CheckpointInfo[], root: string): void {
  const base = root.endsWith('/') ? root : `${root}/`;
  let from = 0;
  for (const checkpoint of [...checkpoints].reverse()) {
    const label = checkpoint.label.replace(/^chat: /, '');
    for (let i = from; i < turns.length; i++) {
      const user = turns[i].blocks.find((b) => b.kind === 'user');
      const first = user?.kind === 'user' ? (user.text.split('\n')[0] ?? '').slice(0, 80) : undefined;
      if (first !== undefined && first === label && !turns[i].checkpoint) {
        turns[i].checkpoint = checkpoint.id;
        turns[i].edits = checkpoint.files.map((f) => ({ uri: base + f.split('/').map(encodeURIComponent).join('/'), action: 'change' }));
        from = i + 1;
        break;
      }
    }
  }
}

// ------------------------------------------------------------------ HTML

/**
 * Whether the chat renders a link to `url` (as markdown-it normalized it):
 * web and mail links and anchors only. A model's answer must not carry
 * `command:`, `file:`, `vscode:`, `javascript:` or `data:` links.
 */
export function isSafeLink(url: string): boolean {
  return /^(https?:|mailto:|#)/i.test(url);
}

/** The chat's markdown-it: raw HTML escaped, links restricted (`isSafeLink`), Mermaid fences for the webview. */
export function chatMarkdown(): MarkdownIt {
  const md = mermaidPlugin(new MarkdownIt({ html: false, linkify: true }));
  md.validateLink = isSafeLink;
  return md;
}

/** A short description of a tool call's input: its path, command or query. */
export function toolSummary(input: unknown): string {
  if (!input || typeof input !== 'object') {
    return '';
  }
  const o = input as Record<string, unknown>;
  for (const key of ['path', 'command', 'query', 'pattern', 'spec', 'name']) {
    if (typeof o[key] === 'string') {
      const v = o[key] as string;
      return v.length > 80 ? `${v.slice(0, 79)}…` : v;
    }
  }
  return '';
}

function attr(value: string): string {
  return escapeHtml(value).replace(/'/g, '&#39;');
}

/** The user's message as shown: attached context the server appended is folded away (history). */
function userHtml(block: Extract<Block, { kind: 'user' }>): string {
  const cut = block.text.search(/\n\n(Attached |The repository map|The problems|`git diff)/);
  const shown = cut >= 0 ? block.text.slice(0, cut) : block.text;
  const folded = cut >= 0 ? block.text.slice(cut).trim() : '';
  const chips = block.context.map((c) => `<span class="chip">${escapeHtml(c)}</span>`).join('');
  let html = `<div class="user"><div class="user-text">${escapeHtml(shown)}</div>`;
  if (chips) {
    html += `<div class="chips">${chips}</div>`;
  }
  if (folded) {
    html += `<details class="attached"><summary>attached context</summary><pre>${escapeHtml(folded)}</pre></details>`;
  }
  return `${html}</div>`;
}

function toolHtml(turn: Turn, index: number, block: Extract<Block, { kind: 'tool' }>): string {
  const state = block.ok === undefined ? 'running' : block.ok ? 'ok' : 'failed';
  const icon = block.ok === undefined ? '…' : block.ok ? '✓' : '✗';
  const summary = toolSummary(block.input);
  const input = block.input === undefined ? '' : JSON.stringify(block.input, null, 2);
  let html = `<details class="tool tool-${state}" data-id="${attr(`${turn.key}:${index}`)}">`;
  html += `<summary><span class="tool-icon">${icon}</span> <span class="tool-name">${escapeHtml(block.name)}</span>`;
  if (summary) {
    html += ` <code>${escapeHtml(summary)}</code>`;
  }
  html += '</summary>';
  if (input) {
    html += `<div class="tool-label">input</div><pre>${escapeHtml(input)}</pre>`;
  }
  if (block.output !== undefined) {
    html += `<div class="tool-label">output</div><pre>${escapeHtml(block.output)}</pre>`;
  }
  return `${html}</details>`;
}

function editsHtml(turn: Turn, relative: (uri: string) => string): string {
  // A task run's report names its files even when their events were not seen here.
  const shown = new Set(turn.edits.map((e) => relative(e.uri)));
  const others = (turn.report?.files ?? []).filter((f) => !shown.has(f));
  const n = turn.edits.length + others.length;
  if (n === 0) {
    return '';
  }
  let html = `<div class="edits"><div class="edits-title">${n} file${n === 1 ? '' : 's'} changed</div>`;
  for (const edit of turn.edits) {
    const verb = edit.action === 'delete' ? 'deleted' : edit.action === 'write' ? 'written' : 'changed';
    html +=
      `<button class="file" data-action="diff" data-turn="${attr(turn.key)}" data-uri="${attr(edit.uri)}" ` +
      `title="Open the diff of ${attr(relative(edit.uri))}">${escapeHtml(relative(edit.uri))} <span class="verb">${verb}</span></button>`;
  }
  for (const file of others) {
    html += `<span class="file">${escapeHtml(file)}</span>`;
  }
  if (turn.checkpoint && !turn.running) {
    html += `<button class="restore" data-action="restore" data-checkpoint="${attr(turn.checkpoint)}" title="Put the files back as they were before this turn">Restore</button>`;
  }
  return `${html}</div>`;
}

const REPORT_LABELS: Record<string, string> = {
  done: 'passed: ticked on evidence',
  'evidence-failed': 'evidence failed: the task stays in progress',
  cancelled: 'cancelled: the files were put back',
  failed: 'failed: the agent did not finish',
};

/**
 * A task report's HTML. Tolerant of what a newer or odd server sends (an
 * unknown status, no checks, no output): one report must not break the view.
 */
function reportHtml(report: TaskReport): string {
  const status = String(report.status ?? 'unknown');
  const passed = status === 'done';
  const label = Object.hasOwn(REPORT_LABELS, status) ? REPORT_LABELS[status] : status;
  let html = `<div class="report report-${passed ? 'passed' : 'failed'}"><div class="report-status">${passed ? '✓' : '✗'} ${escapeHtml(label)}</div>`;
  if (report.tests) {
    const t = report.tests;
    html += `<div class="report-tests">tests: ${t.passed ?? 0} passed, ${t.failed ?? 0} failed, ${t.skipped ?? 0} skipped${report.testCommand ? ` (<code>${escapeHtml(String(report.testCommand))}</code>)` : ''}</div>`;
  }
  const checks = Array.isArray(report.checks) ? report.checks : [];
  if (checks.length > 0) {
    html += '<ul class="checks">';
    for (const check of checks) {
      const ok = check?.ok === true;
      const name = String(check?.name ?? 'check');
      html += `<li class="${ok ? 'ok' : 'failed'}">${ok ? '✓' : '✗'} ${escapeHtml(name)}${check?.detail ? `: ${escapeHtml(String(check.detail))}` : ''}</li>`;
    }
    html += '</ul>';
  }
  const output = typeof report.outputTail === 'string' ? report.outputTail : '';
  if (!passed && output.trim()) {
    html += `<details class="output"><summary>test output</summary><pre>${escapeHtml(output)}</pre></details>`;
  }
  return `${html}</div>`;
}

const STOPS: Record<string, string> = {
  endTurn: '',
  maxSteps: 'Stopped: the step limit (specwright.agent.maxSteps) was reached.',
  cancelled: 'Stopped.',
  error: '',
};

/** One turn's HTML. */
export function renderTurn(turn: Turn, md: MarkdownIt, relative: (uri: string) => string): string {
  let html = `<section class="turn turn-${turn.kind}${turn.running ? ' running' : ''}" data-turn="${attr(turn.key)}">`;
  if (turn.kind === 'task') {
    html += `<div class="task-title">▶ ${escapeHtml(turn.title ?? 'Task run')}${turn.running ? ' <span class="spinner">running…</span>' : ''}</div>`;
  }
  turn.blocks.forEach((block, i) => {
    switch (block.kind) {
      case 'user':
        html += userHtml(block);
        break;
      case 'text':
        html += `<div class="md">${md.render(block.text)}</div>`;
        break;
      case 'tool':
        html += toolHtml(turn, i, block);
        break;
      case 'notice':
        html += `<div class="notice">${escapeHtml(block.text)}</div>`;
        break;
      case 'error':
        html += `<div class="error">${escapeHtml(block.text)}</div>`;
        break;
    }
  });
  if (turn.running && turn.kind === 'chat') {
    html += '<div class="thinking">…</div>';
  }
  html += editsHtml(turn, relative);
  if (turn.report) {
    html += reportHtml(turn.report);
  }
  const stop = turn.stopReason && !turn.running && turn.kind === 'chat' ? STOPS[turn.stopReason] : '';
  if (stop) {
    html += `<div class="stop">${escapeHtml(stop)}</div>`;
  }
  return `${html}</section>`;
}

/** The whole transcript's HTML. */
export function renderTranscript(turns: Turn[], md: MarkdownIt, relative: (uri: string) => string): string {
  return turns.map((t) => renderTurn(t, md, relative)).join('\n');
}
