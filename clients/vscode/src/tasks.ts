// Task runs started from VS Code: the server's "▶ Start task" and "▶ Run all
// tasks" code lenses and the Spec Explorer's actions all run the server's
// commands through the language client, whose middleware hands them here.
// The run's state (running, its report) feeds the Spec Explorer and the
// chat view; the server runs the task and decides whether it passed.
import * as vscode from 'vscode';

import * as ext from './lsp_ext';
import { type RunState, specDirOf, taskKey } from './tasks_model';
import { message } from './util';

/** What the chat view shows of task runs. */
export interface TaskSink {
  taskStarted(title: string): unknown;
  taskFinished(handle: unknown, report: ext.TaskReport | undefined, error?: string): void;
  runAllStarted(): void;
  runAllFinished(reports: ext.TaskReport[], error?: string): void;
}

export class TaskRuns {
  private readonly runs = new Map<string, RunState>();
  private readonly runningAll = new Set<string>();
  private active = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  sink: TaskSink | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** The state of the last run of a task this client saw, if any. */
  state(specDir: string, id: string): RunState | undefined {
    return this.runs.get(`${specDir}#${id}`);
  }

  /** Whether Run all is running for the spec. */
  runAllActive(specDir: string): boolean {
    return this.runningAll.has(specDir);
  }

  /** Whether any task run is going on. */
  get running(): boolean {
    return this.active > 0;
  }

  /** The language client's `executeCommand` middleware: tracks task runs, passes everything else on. */
  async execute(command: string, args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>): Promise<unknown> {
    if (command === ext.TASK_START) {
      return this.start(args, next);
    }
    if (command === ext.TASKS_RUN_ALL) {
      return this.runAll(args, next);
    }
    return next(command, args);
  }

  private async start(args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>): Promise<unknown> {
    const params = args[0] as ext.TaskStartParams | undefined;
    if (!params?.uri || !params.taskId) {
      return next(ext.TASK_START, args);
    }
    const key = taskKey(params.uri, params.taskId);
    this.runs.set(key, { state: 'running' });
    this.active++;
    this.changed.fire();
    const handle = this.sink?.taskStarted(`Task ${params.taskId}`);
    try {
      const report = (await next(ext.TASK_START, args)) as ext.TaskReport | null;
      if (report) {
        this.runs.set(key, { state: 'reported', report });
        this.log(`[task] ${report.id}: ${report.status}`);
      } else {
        this.runs.delete(key);
      }
      this.sink?.taskFinished(handle, report ?? undefined);
      return report;
    } catch (e) {
      // The server says why (no model, not trusted, no test command): shown once, here.
      this.runs.set(key, { state: 'error', message: message(e) });
      this.sink?.taskFinished(handle, undefined, message(e));
      void vscode.window.showErrorMessage(`Specwright: task ${params.taskId} did not run: ${message(e)}`);
      return undefined;
    } finally {
      this.active--;
      this.changed.fire();
    }
  }

  private async runAll(args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>): Promise<unknown> {
    const params = args[0] as ext.TasksRunAllParams | undefined;
    if (!params?.uri) {
      return next(ext.TASKS_RUN_ALL, args);
    }
    const dir = specDirOf(params.uri);
    this.runningAll.add(dir);
    this.active++;
    this.changed.fire();
    this.sink?.runAllStarted();
    try {
      const result = (await next(ext.TASKS_RUN_ALL, args)) as ext.TasksRunAllResult | null;
      for (const report of result?.tasks ?? []) {
        this.runs.set(`${dir}#${report.id}`, { state: 'reported', report });
      }
      this.sink?.runAllFinished(result?.tasks ?? []);
      this.log(`[task] run all: ${(result?.tasks ?? []).map((r) => `${r.id} ${r.status}`).join(', ') || 'nothing ran'}`);
      if (result && result.tasks.length === 0) {
        void vscode.window.showInformationMessage('Specwright: no open task to run.');
      }
      return result;
    } catch (e) {
      this.sink?.runAllFinished([], message(e));
      void vscode.window.showErrorMessage(`Specwright: the tasks did not run: ${message(e)}`);
      return undefined;
    } finally {
      this.runningAll.delete(dir);
      this.active--;
      this.changed.fire();
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
