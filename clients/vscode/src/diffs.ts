// The texts VS Code's diff editor compares: what a file was before an
// agent's turn changed it, and what an edit review proposes. The "before"
// text is taken when the server asks the editor to apply an edit
// (`workspace/applyEdit`, seen through the language client's middleware)
// or when it asks for a review (its oldText); the `edit` chat event that
// follows ties it to the turn. Shown as read-only `specwright-diff:` documents.
import * as path from 'node:path';
import * as vscode from 'vscode';

import { setCapped } from './util';

export const DIFF_SCHEME = 'specwright-diff';

/** How many diff texts, snapshots and turns' before texts are kept (each). */
const KEEP = 200;

/** How long a snapshot waits for its `edit` event. */
const FRESH_MS = 30 * 60_000;

interface Snapshot {
  /** null: the file did not exist. */
  text: string | null;
  at: number;
}

export class Diffs implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly pending = new Map<string, Snapshot>();
  private readonly before = new Map<string, string | null>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }

  /** A read-only document holding `text`, named like `file` (so it gets the file's language). */
  document(text: string, file: string, label: string): vscode.Uri {
    const id = `${++this.counter}`;
    // The oldest texts go (their editors show them as long as they stay open).
    setCapped(this.texts, id, text, KEEP);
    const name = path.posix.basename(vscode.Uri.parse(file).path);
    return vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${label}/${name}`, query: id });
  }

  /** Records the current text of each file an edit is about to change. */
  async capture(uris: string[]): Promise<void> {
    const at = Date.now();
    await Promise.all(
      uris.map(async (uri) => {
        setCapped(this.pending, uri, { text: await currentText(uri), at }, KEEP);
      }),
    );
  }

  /** Records a review's old texts (what the files are before the change). */
  fromReview(files: { uri: string; oldText: string | null }[]): void {
    const at = Date.now();
    for (const f of files) {
      setCapped(this.pending, f.uri, { text: f.oldText, at }, KEEP);
    }
  }

  /** Forgets the snapshots of files a review rejected (no edit follows to claim them). */
  forgetPending(uris: string[]): void {
    for (const uri of uris) {
      this.pending.delete(uri);
    }
  }

  /**
   * A new chat (or another session opened): the turns' before texts go with
   * their transcript; snapshots too old to be claimed go too.
   */
  clearTurns(): void {
    this.before.clear();
    const now = Date.now();
    for (const [uri, snapshot] of this.pending) {
      if (now - snapshot.at >= FRESH_MS) {
        this.pending.delete(uri);
      }
    }
  }

  /** Ties the latest snapshot of `uri` to a turn: the text before its first edit of the file. */
  noteEdit(turn: string, uri: string): void {
    const key = `${turn}|${uri}`;
    if (this.before.has(key)) {
      return;
    }
    const snapshot = this.pending.get(uri);
    if (snapshot && Date.now() - snapshot.at < FRESH_MS) {
      setCapped(this.before, key, snapshot.text, KEEP);
      this.pending.delete(uri);
    }
  }

  /** Opens the diff of `uri` over a turn: before it ↔ now; the file itself when the before text is unknown. */
  async openTurnDiff(turn: string, uri: string, relative: string): Promise<void> {
    const key = `${turn}|${uri}`;
    const file = vscode.Uri.parse(uri);
    if (!this.before.has(key)) {
      await vscode.window.showTextDocument(file, { preview: true }).then(undefined, () =>
        vscode.window.showWarningMessage(`Specwright: ${relative} no longer exists, and its earlier text is not known here.`),
      );
      return;
    }
    const before = this.before.get(key) ?? null;
    const left = this.document(before ?? '', uri, 'before');
    const exists = await vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
    const right = exists ? file : this.document('', uri, 'deleted');
    const what = before === null ? 'created' : exists ? 'changed' : 'deleted';
    await vscode.commands.executeCommand('vscode.diff', left, right, `${relative} (${what} by Specwright ↔ now)`, {
      preview: true,
    });
  }

  /** Opens the diff of a proposed change: the text now ↔ the proposal. Returns its two documents. */
  async openProposal(
    uri: string,
    oldText: string | null,
    newText: string | null,
    relative: string,
    preserveFocus = false,
  ): Promise<vscode.Uri[]> {
    const left = this.document(oldText ?? '', uri, 'current');
    const right = this.document(newText ?? '', uri, 'proposed');
    const what = oldText === null ? 'create' : newText === null ? 'delete' : 'change';
    await vscode.commands.executeCommand('vscode.diff', left, right, `${relative} (Specwright proposes to ${what})`, {
      preview: false,
      preserveFocus,
    });
    return [left, right];
  }
}

/** The text of a file now: the editor's, else the disk's; null when it does not exist. */
export async function currentText(uri: string): Promise<string | null> {
  const wanted = vscode.Uri.parse(uri).toString();
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === wanted);
  if (open) {
    return open.getText();
  }
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(uri));
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
}
