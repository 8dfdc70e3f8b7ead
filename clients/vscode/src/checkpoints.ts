// Checkpoints: every agent turn (chat turn or task run) that changed files
// can be undone (`specwright.checkpoint.restore`). "Specwright:
// Checkpoints…" lists them per session, with the files each changed.
import * as vscode from 'vscode';

import type { Ctx } from './ctx';
import * as ext from './lsp_ext';
import { ago, groupCheckpoints } from './checkpoints_model';
import { message } from './util';

/** Where the files' diffs come from (the chat view knows the turns it saw). */
export interface TurnDiffs {
  /** Opens the diff of a file over the checkpoint's turn; false when that turn's texts are unknown here. */
  openCheckpointDiff(checkpoint: string, file: string): Promise<boolean>;
}

/** Restores a checkpoint and says what came back (or why nothing did). */
export async function restoreCheckpoint(ctx: Ctx, id: string): Promise<string[] | undefined> {
  const client = ctx.running();
  if (!client) {
    return undefined;
  }
  try {
    const result = await client.sendRequest<ext.CheckpointRestoreResult>('workspace/executeCommand', {
      command: ext.CHECKPOINT_RESTORE,
      arguments: [{ id } satisfies ext.CheckpointRestoreParams],
    });
    const files = result?.restored ?? [];
    void vscode.window.showInformationMessage(
      `Specwright: restored ${files.length} file${files.length === 1 ? '' : 's'}${files.length ? `: ${files.join(', ')}` : ''}.`,
    );
    return files;
  } catch (e) {
    void vscode.window.showErrorMessage(`Specwright: ${message(e)}`);
    return undefined;
  }
}

export async function listCheckpoints(ctx: Ctx, session?: string): Promise<ext.CheckpointInfo[] | undefined> {
  const client = ctx.running();
  if (!client) {
    return undefined;
  }
  const result = await client.sendRequest<ext.CheckpointListResult>('workspace/executeCommand', {
    command: ext.CHECKPOINT_LIST,
    arguments: session ? [{ session } satisfies ext.CheckpointListParams] : [],
  });
  return result?.checkpoints ?? [];
}

type CheckpointPick = vscode.QuickPickItem & { checkpoint?: ext.CheckpointInfo };
type ActionPick = vscode.QuickPickItem & { action: 'restore' | 'file'; file?: string };

/** The checkpoint picker (of one session, or of all, grouped by session), then what to do with the one picked. */
export async function pickCheckpoint(ctx: Ctx, diffs: TurnDiffs, session?: string): Promise<void> {
  const client = ctx.running();
  if (!client) {
    return;
  }
  let checkpoints: ext.CheckpointInfo[];
  let titles = new Map<string, string>();
  try {
    checkpoints = (await listCheckpoints(ctx, session)) ?? [];
    const list = await client.sendRequest<ext.ChatListResult>(ext.CHAT_LIST, {}).catch(() => ({ sessions: [] }));
    titles = new Map(list.sessions.map((s) => [s.session, s.title]));
  } catch (e) {
    void vscode.window.showErrorMessage(`Specwright: ${message(e)}`);
    return;
  }
  if (checkpoints.length === 0) {
    void vscode.window.showInformationMessage(
      session ? 'Specwright: no turn of this chat changed files yet.' : 'Specwright: no agent turn changed files yet.',
    );
    return;
  }
  const now = Date.now() / 1000;
  const items: CheckpointPick[] = [];
  for (const group of groupCheckpoints(checkpoints)) {
    const title = group.session ? (titles.get(group.session) ?? group.session) : 'No session';
    items.push({ label: title, kind: vscode.QuickPickItemKind.Separator });
    for (const c of group.checkpoints) {
      items.push({
        label: c.label,
        description: `${c.files.length} file${c.files.length === 1 ? '' : 's'} · ${ago(now - c.created)}`,
        detail: c.files.join(', '),
        checkpoint: c,
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: session ? 'Checkpoints of this chat' : 'Checkpoints',
    placeHolder: 'Pick a turn to restore or to see its files (newest first)',
    matchOnDetail: true,
  });
  const checkpoint = picked?.checkpoint;
  if (!checkpoint) {
    return;
  }
  const actions: ActionPick[] = [
    {
      label: `$(discard) Restore ${checkpoint.files.length} file${checkpoint.files.length === 1 ? '' : 's'}`,
      description: 'as they were before this turn',
      action: 'restore',
    },
    { label: 'Files', kind: vscode.QuickPickItemKind.Separator, action: 'file' },
    ...checkpoint.files.map((file): ActionPick => ({ label: `$(diff) ${file}`, action: 'file', file })),
  ];
  const action = await vscode.window.showQuickPick(actions, { title: checkpoint.label, placeHolder: 'Restore, or open a file' });
  if (action?.action === 'restore') {
    await restoreCheckpoint(ctx, checkpoint.id);
  } else if (action?.file) {
    if (!(await diffs.openCheckpointDiff(checkpoint.id, action.file))) {
      const root = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (root) {
        await vscode.window.showTextDocument(vscode.Uri.joinPath(root, action.file)).then(undefined, (e) =>
          vscode.window.showWarningMessage(`Specwright: ${message(e)}`),
        );
      }
    }
  }
}
