// Pure logic of task runs as the Spec Explorer shows them: tasks read from
// the server's outline of tasks.md (`textDocument/documentSymbol`), the
// state of a run this client started, and what the tree says about it.
// No `vscode` here, so node's test runner loads it.
import type { TaskReport } from './lsp_ext';

export type TaskStatus = 'not started' | 'in progress' | 'queued' | 'done';

export interface TaskInfo {
  /** The task's number (`2.1`); undefined for an unnumbered task (it cannot be started by id). */
  id?: string;
  title: string;
  status: TaskStatus;
  optional: boolean;
  /** The task's line in tasks.md (0-based). */
  line: number;
  children: TaskInfo[];
}

/** The outline's symbol, as `textDocument/documentSymbol` answers it (nested form). */
export interface OutlineSymbol {
  name: string;
  detail?: string;
  range: { start: { line: number } };
  selectionRange?: { start: { line: number } };
  children?: OutlineSymbol[];
}

const STATUSES: TaskStatus[] = ['not started', 'in progress', 'queued', 'done'];

/** A task of the outline: its name is `<number> <title>`, its detail `[x] done, optional`. */
export function taskOf(symbol: OutlineSymbol): TaskInfo {
  const m = /^(\d+(?:\.\d+)*)\s+(.*)$/.exec(symbol.name);
  const detail = symbol.detail ?? '';
  const label = /^\[.\]\s+([a-z ]+?)(?:,|$)/.exec(detail)?.[1] as TaskStatus | undefined;
  return {
    id: m?.[1],
    title: m ? m[2] : symbol.name,
    status: label && STATUSES.includes(label) ? label : 'not started',
    optional: /\boptional\b/.test(detail),
    line: (symbol.selectionRange ?? symbol.range).start.line,
    children: (symbol.children ?? []).map(taskOf),
  };
}

/** The spec folder a task command names: the folder itself, or the folder of one of its documents. */
export function specDirOf(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  return /\.(md|json)$/.test(trimmed) || /\/\.config\.kiro$/.test(trimmed) ? trimmed.slice(0, trimmed.lastIndexOf('/')) : trimmed;
}

/** The key of a task's run state: its spec folder and its id. */
export function taskKey(uri: string, id: string): string {
  return `${specDirOf(uri)}#${id}`;
}

export type RunState =
  | { state: 'running' }
  | { state: 'reported'; report: TaskReport }
  | { state: 'error'; message: string };

/** The icon (a codicon id) and the color (a theme color id) of a task row. */
export function taskIcon(task: TaskInfo, run: RunState | undefined, runAllActive: boolean): { icon: string; color?: string } {
  if (run?.state === 'running' || (runAllActive && task.status === 'in progress' && run === undefined)) {
    return { icon: 'loading~spin' };
  }
  if (run?.state === 'reported') {
    switch (run.report.status) {
      case 'done':
        return { icon: 'pass', color: 'testing.iconPassed' };
      case 'evidence-failed':
        return { icon: 'error', color: 'testing.iconFailed' };
      case 'cancelled':
        return { icon: 'circle-slash' };
      case 'failed':
        return { icon: 'warning', color: 'list.warningForeground' };
    }
  }
  if (run?.state === 'error') {
    return { icon: 'warning', color: 'list.warningForeground' };
  }
  switch (task.status) {
    case 'done':
      return { icon: 'pass-filled', color: 'testing.iconPassed' };
    case 'in progress':
      return { icon: 'circle-large-filled' };
    case 'queued':
      return { icon: 'clock' };
    default:
      return { icon: 'circle-large-outline' };
  }
}

/** The short text beside a task's title. */
export function taskDescription(task: TaskInfo, run: RunState | undefined, runAllActive: boolean): string {
  if (run?.state === 'running' || (runAllActive && task.status === 'in progress' && run === undefined)) {
    return 'running…';
  }
  if (run?.state === 'reported') {
    const r = run.report;
    switch (r.status) {
      case 'done':
        return r.tests ? `passed (${r.tests.passed} test${r.tests.passed === 1 ? '' : 's'})` : 'passed';
      case 'evidence-failed': {
        const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
        return `evidence failed${failed.length ? `: ${failed.join(', ')}` : ''}`;
      }
      case 'cancelled':
        return 'cancelled';
      case 'failed':
        return 'failed';
    }
  }
  if (run?.state === 'error') {
    return 'did not run';
  }
  return task.optional ? `${task.status}, optional` : task.status;
}

/** The hover of a task: its status, and for a run the reason it failed, the tests and the output's end. */
export function taskTooltip(task: TaskInfo, run: RunState | undefined): string {
  const lines = [`${task.id ? `${task.id} ` : ''}${task.title}`, `[${task.status}]${task.optional ? ' optional' : ''}`];
  if (run?.state === 'reported') {
    const r = run.report;
    lines.push('', `Last run: ${r.status}`);
    if (r.tests) {
      lines.push(`tests: ${r.tests.ran} ran, ${r.tests.passed} passed, ${r.tests.failed} failed, ${r.tests.skipped} skipped`);
    }
    for (const check of r.checks) {
      lines.push(`${check.ok ? '✓' : '✗'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
    }
    if (r.files.length > 0) {
      lines.push(`changed: ${r.files.join(', ')}`);
    }
    if (r.status !== 'done' && r.outputTail.trim()) {
      const tail = r.outputTail.trimEnd().split('\n').slice(-8);
      lines.push('', ...tail);
    }
  } else if (run?.state === 'error') {
    lines.push('', `The run did not start: ${run.message}`);
  }
  return lines.join('\n');
}

/** One line for a notification or the status bar: `Task 1 passed (1 test)`. */
export function reportLine(report: TaskReport): string {
  const what = `Task ${report.id}`;
  switch (report.status) {
    case 'done':
      return `${what} passed${report.tests ? ` (${report.tests.passed} test${report.tests.passed === 1 ? '' : 's'})` : ''} and is ticked`;
    case 'evidence-failed': {
      const failed = report.checks.filter((c) => !c.ok);
      return `${what}: evidence failed${failed.length ? ` (${failed.map((c) => (c.detail ? `${c.name}: ${c.detail}` : c.name)).join('; ')})` : ''}`;
    }
    case 'cancelled':
      return `${what} was cancelled; its files were put back`;
    case 'failed':
      return `${what}: the agent did not finish`;
  }
}
