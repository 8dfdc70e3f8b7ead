// The edit review: the server's `specwright/reviewEdits` request opens a
// diff per file (the text now ↔ the proposal) and asks, in a quick pick,
// to accept or reject it all, or to choose files and hunks; the answer
// says what was accepted (review.ts makes it). Hiding the picker (Escape,
// another quick input opening) is no answer: the review waits, and the chat
// view's "Review…" button or "Specwright: Review Proposed Edits" shows it
// again. Only "Reject all" or the request's cancellation (the turn stopped,
// the server stopped) rejects the change. The review's diff tabs close
// when it ends.
import * as vscode from 'vscode';

import { DIFF_SCHEME, type Diffs } from './diffs';
import type { ReviewEditsParams, ReviewEditsResult } from './lsp_ext';
import { type FirstChoice, ReviewState, byHunk, describeDecision, relativePath } from './review';
import { message } from './util';

type Choice = vscode.QuickPickItem & FirstChoice;
type HunkPick = vscode.QuickPickItem & { key: string; file: number };

/** The most diff editors one review opens at once (the rest open from the picker). */
const OPEN_DIFFS = 4;

/** One review: its state, its cancellation, the picker shown and the diff documents it opened. */
class Review {
  readonly state: ReviewState;
  /** The picker shown, if any (a hidden one is disposed: `show` builds another). */
  picker: vscode.QuickInput | undefined;
  /** The `specwright-diff:` documents opened (their queries): their tabs close when the review ends. */
  readonly documents = new Set<string>();
  private readonly source = new vscode.CancellationTokenSource();
  private readonly listeners: vscode.Disposable[] = [];

  constructor(
    params: ReviewEditsParams,
    readonly roots: string[],
    token?: vscode.CancellationToken,
  ) {
    this.state = new ReviewState(params, roots);
    this.listeners.push(this.source.token.onCancellationRequested(() => this.state.cancel()));
    if (token) {
      this.listeners.push(token.onCancellationRequested(() => this.source.cancel()));
      if (token.isCancellationRequested) {
        this.source.cancel();
      }
    }
  }

  get params(): ReviewEditsParams {
    return this.state.params;
  }

  get cancelled(): boolean {
    return this.source.token.isCancellationRequested;
  }

  /** Rejects the review (its request was cancelled, or the server stopped). */
  cancel(): void {
    this.source.cancel();
  }

  dispose(): void {
    this.picker?.dispose();
    this.picker = undefined;
    for (const listener of this.listeners.splice(0)) {
      listener.dispose();
    }
    this.source.dispose();
  }
}

export class Reviewer {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the title of the review waiting for the user, or undefined when none waits. */
  readonly onDidChange = this.changed.event;
  /** The reviews not answered yet: the one shown and those waiting their turn. */
  private readonly reviews = new Set<Review>();
  private current: Review | undefined;

  constructor(
    private readonly diffs: Diffs,
    private readonly log: (line: string) => void,
  ) {}

  get pending(): string | undefined {
    return this.current?.params.title;
  }

  /** Shows the picker of the waiting review again (the chat view's "Review…" button, specwright.showReview). */
  show(): void {
    const review = this.current;
    if (!review || review.state.settled) {
      return;
    }
    if (review.picker) {
      review.picker.show();
    } else {
      this.showPicker(review);
    }
  }

  /** Answers one review; reviews arrive one at a time (a second waits for the first). */
  review(params: ReviewEditsParams, token?: vscode.CancellationToken): Promise<ReviewEditsResult> {
    const review = new Review(params, this.roots(), token);
    this.reviews.add(review);
    const run = this.queue.then(() => this.ask(review));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Rejects every review, shown or waiting: the server stopped, so nobody
   * waits for their answers (and a restarted server's reviews must not queue
   * behind them).
   */
  cancelAll(): void {
    for (const review of this.reviews) {
      review.cancel();
    }
  }

  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
  }

  private async ask(review: Review): Promise<ReviewEditsResult> {
    const { params, state } = review;
    let shown = false;
    try {
      // A review cancelled while it waited its turn shows nothing.
      if (!review.cancelled) {
        shown = true;
        this.diffs.fromReview(params.files);
        this.current = review;
        this.changed.fire(params.title);
        for (const i of params.files.slice(0, OPEN_DIFFS).keys()) {
          if (state.settled) {
            break;
          }
          await this.openDiff(review, i, i > 0);
        }
        if (!state.settled) {
          this.showPicker(review);
        }
      }
      const result = await state.done;
      this.log(`[review] ${params.title}: ${describeDecision(params, result, review.roots)}${state.cancelled ? ' (cancelled)' : ''}`);
      if (shown) {
        // No edit follows a rejected file: its "before" text would only go stale.
        this.diffs.forgetPending(result.files.filter((f) => f.accepted === false).map((f) => f.uri));
      }
      return result;
    } finally {
      this.reviews.delete(review);
      review.dispose();
      if (this.current === review) {
        this.current = undefined;
        this.changed.fire(undefined);
      }
      void this.closeDiffs(review);
    }
  }

  private showPicker(review: Review): void {
    if (review.state.stage === 'hunks') {
      this.showHunks(review);
    } else {
      this.showFirst(review);
    }
  }

  /** Makes `picker` the review's and shows it; once hidden it goes (the review waits to be shown again). */
  private present(review: Review, picker: vscode.QuickInput): void {
    const previous = review.picker;
    review.picker = picker;
    picker.onDidHide(() => {
      if (review.picker === picker) {
        review.picker = undefined;
      }
      picker.dispose();
    });
    picker.show();
    previous?.dispose();
  }

  /** Accept all, Reject all, Choose…, or a file's diff. */
  private showFirst(review: Review): void {
    const { params, state, roots } = review;
    const hunks = params.files.reduce((n, f) => n + (byHunk(f) ? f.hunks.length : 1), 0);
    const items: Choice[] = [
      { label: '$(check-all) Accept all', description: `${params.files.length} file${params.files.length === 1 ? '' : 's'}`, choice: 'accept' },
      { label: '$(close-all) Reject all', choice: 'reject' },
      { label: '$(list-selection) Choose files and hunks…', description: `${hunks} to choose from`, choice: 'choose' },
      { label: 'Diffs', kind: vscode.QuickPickItemKind.Separator, choice: 'diff' },
      ...params.files.map(
        (f, i): Choice => ({
          label: `$(diff) ${relativePath(f.uri, roots)}`,
          description: f.action === 'create' ? 'new file' : f.action === 'delete' ? 'deleted' : `${f.hunks.length} hunk${f.hunks.length === 1 ? '' : 's'}`,
          choice: 'diff',
          file: i,
        }),
      ),
    ];
    const pick = vscode.window.createQuickPick<Choice>();
    pick.title = params.title;
    pick.placeholder = 'Accept the proposed change? (Escape hides this; "Review…" in the chat shows it again)';
    pick.items = items;
    pick.ignoreFocusOut = true;
    pick.onDidAccept(() => {
      // Enter while the filter matches no row picks nothing: nothing happens.
      const choice = pick.selectedItems[0] ?? pick.activeItems[0];
      switch (state.choose(choice)) {
        case 'diff':
          void this.openDiff(review, choice?.file ?? 0, true);
          break;
        case 'hunks':
          this.showHunks(review);
          break;
        case 'answered':
          pick.dispose();
          break;
        case 'none':
          break;
      }
    });
    this.present(review, pick);
  }

  /** Every file (created or deleted ones whole) and hunk, ticked as they were; Enter answers. */
  private showHunks(review: Review): void {
    const { params, state } = review;
    const open: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('diff'), tooltip: 'Open the diff' };
    const items: HunkPick[] = state.items.map((item) => ({
      label: item.label,
      description: item.description,
      detail: item.detail,
      key: item.key,
      file: item.file,
      buttons: [open],
    }));
    const pick = vscode.window.createQuickPick<HunkPick>();
    pick.title = `${params.title.replace(/\.$/, '')}: choose what to accept`;
    pick.placeholder = 'Unticked files and hunks are rejected; Enter answers, ← goes back';
    pick.canSelectMany = true;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.ignoreFocusOut = true;
    pick.buttons = [vscode.QuickInputButtons.Back];
    pick.items = items;
    pick.selectedItems = items.filter((i) => state.ticked.has(i.key));
    pick.onDidChangeSelection((selected) => state.tick(selected.map((i) => i.key)));
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        state.back();
        this.showFirst(review);
      }
    });
    pick.onDidTriggerItemButton((e) => void this.openDiff(review, e.item.file, true));
    pick.onDidAccept(() => {
      if (state.accept(pick.selectedItems.map((i) => i.key)) === 'answered') {
        pick.dispose();
      }
    });
    this.present(review, pick);
  }

  /** Opens the diff of a file of the review (its tab closes with the review). */
  private async openDiff(review: Review, index: number, preserveFocus: boolean): Promise<void> {
    const f = review.params.files[index];
    if (!f) {
      return;
    }
    try {
      const documents = await this.diffs.openProposal(f.uri, f.oldText, f.newText, relativePath(f.uri, review.roots), preserveFocus);
      for (const document of documents) {
        review.documents.add(document.query);
      }
    } catch (e) {
      this.log(`[review] could not open the diff of ${relativePath(f.uri, review.roots)}: ${message(e)}`);
    }
    if (review.state.settled) {
      // Answered while the diff opened.
      await this.closeDiffs(review);
    }
  }

  /** Closes the tabs of the review's diffs (those the user has not closed yet). */
  private async closeDiffs(review: Review): Promise<void> {
    const ours = (uri: vscode.Uri) => uri.scheme === DIFF_SCHEME && review.documents.has(uri.query);
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && (ours(tab.input.original) || ours(tab.input.modified)));
    if (tabs.length > 0) {
      await Promise.resolve(vscode.window.tabGroups.close(tabs, true)).catch(() => undefined);
    }
  }

  dispose(): void {
    this.cancelAll();
    this.changed.dispose();
  }
}
