// Pure logic of the edit review (`specwright/reviewEdits`): what the
// pickers list for a proposed change, a review's state between its pickers,
// and the answer the user's choice makes. The server decides what a hunk is and applies what was accepted;
// this only turns picks into `{files: [{uri, accepted}]}`. No `vscode` here.
import type { Accepted, ReviewEditsParams, ReviewEditsResult, ReviewFile, ReviewHunk } from './lsp_ext';

/** One row of the hunk picker: a whole file (create, delete, a change without hunks) or one hunk. */
export interface ReviewItem {
  /** `"<file index>"` for a whole file, `"<file index>:<hunk index>"` for a hunk. */
  key: string;
  file: number;
  hunk?: number;
  label: string;
  description: string;
  detail: string;
}

/** The workspace-relative path of `uri` under one of `roots` (URIs), else its path. */
export function relativePath(uri: string, roots: string[]): string {
  for (const root of roots) {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (uri.startsWith(prefix)) {
      return decodeURIComponent(uri.slice(prefix.length));
    }
  }
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/** Lines added and removed by a hunk (its `+` and `-` lines, header excluded). */
export function hunkCounts(hunk: ReviewHunk): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of hunk.text.split('\n').slice(1)) {
    if (line.startsWith('+')) {
      added++;
    } else if (line.startsWith('-')) {
      removed++;
    }
  }
  return { added, removed };
}

/** The first changed line of a hunk, for its row (trimmed, at most 80 characters). */
export function hunkPreview(hunk: ReviewHunk): string {
  const line = hunk.text
    .split('\n')
    .slice(1)
    .find((l) => (l.startsWith('+') || l.startsWith('-')) && l.slice(1).trim() !== '');
  if (!line) {
    return '';
  }
  const text = `${line[0]} ${line.slice(1).trim()}`;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function lines(range: [number, number]): string {
  const [start, count] = range;
  if (count === 0) {
    return `after line ${start}`;
  }
  return count === 1 ? `line ${start}` : `lines ${start}–${start + count - 1}`;
}

function fileVerb(file: ReviewFile): string {
  switch (file.action) {
    case 'create':
      return 'create';
    case 'delete':
      return 'delete';
    default:
      return 'change';
  }
}

/** Whether a file is reviewed hunk by hunk (a change with hunks) or as a whole. */
export function byHunk(file: ReviewFile): boolean {
  return file.action === 'change' && file.hunks.length > 0;
}

/** The picker's rows, in the order of the files and their hunks. */
export function reviewItems(params: ReviewEditsParams, roots: string[]): ReviewItem[] {
  const items: ReviewItem[] = [];
  params.files.forEach((file, f) => {
    const path = relativePath(file.uri, roots);
    if (!byHunk(file)) {
      const total = file.hunks.reduce(
        (sum, h) => {
          const c = hunkCounts(h);
          return { added: sum.added + c.added, removed: sum.removed + c.removed };
        },
        { added: 0, removed: 0 },
      );
      items.push({
        key: `${f}`,
        file: f,
        label: path,
        description: `${fileVerb(file)} the whole file (+${total.added} −${total.removed})`,
        detail: file.hunks[0] ? hunkPreview(file.hunks[0]) : '',
      });
      return;
    }
    file.hunks.forEach((hunk, h) => {
      const { added, removed } = hunkCounts(hunk);
      items.push({
        key: `${f}:${h}`,
        file: f,
        hunk: h,
        label: `${path} · hunk ${h + 1} of ${file.hunks.length}`,
        description: `${lines([hunk.newStart, hunk.newLines])} (+${added} −${removed})`,
        detail: hunkPreview(hunk),
      });
    });
  });
  return items;
}

/**
 * The answer for the picked rows (keys of `reviewItems`): a file whose
 * every row is picked is `true`, none `false`, some of its hunks their
 * indices, in order. Every file is named (a file left out would be
 * rejected anyway, but explicitly is clearer in logs).
 */
export function decide(params: ReviewEditsParams, picked: Iterable<string>): ReviewEditsResult {
  const keys = new Set(picked);
  return {
    files: params.files.map((file, f) => {
      let accepted: Accepted;
      if (!byHunk(file)) {
        accepted = keys.has(`${f}`);
      } else {
        const hunks = file.hunks.map((_, h) => h).filter((h) => keys.has(`${f}:${h}`));
        accepted = hunks.length === file.hunks.length ? true : hunks.length === 0 ? false : hunks;
      }
      return { uri: file.uri, accepted };
    }),
  };
}

/** Every file accepted whole. */
export function acceptAll(params: ReviewEditsParams): ReviewEditsResult {
  return { files: params.files.map((f) => ({ uri: f.uri, accepted: true })) };
}

/** Every file rejected. */
export function rejectAll(params: ReviewEditsParams): ReviewEditsResult {
  return { files: params.files.map((f) => ({ uri: f.uri, accepted: false })) };
}

/** One line for the user: `accepted 2 of 3 hunks of a.ts; rejected b.ts`. */
export function describeDecision(params: ReviewEditsParams, result: ReviewEditsResult, roots: string[]): string {
  const parts: string[] = [];
  result.files.forEach((decision, i) => {
    const file = params.files[i];
    const path = relativePath(decision.uri, roots);
    if (decision.accepted === true) {
      parts.push(`accepted ${path}`);
    } else if (decision.accepted === false) {
      parts.push(`rejected ${path}`);
    } else {
      parts.push(`accepted ${decision.accepted.length} of ${file?.hunks.length ?? '?'} hunks of ${path}`);
    }
  });
  return parts.join('; ');
}

/**
 * Declares in the `initialize` capabilities that this client reviews edits
 * (`experimental.specwright.reviewEdits`), keeping what is there.
 */
export function declareReviewEdits(capabilities: { experimental?: unknown }): void {
  const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
  const specwright = (experimental.specwright ?? {}) as Record<string, unknown>;
  capabilities.experimental = { ...experimental, specwright: { ...specwright, reviewEdits: true } };
}

/** A row of the first picker: answer all, go to the hunk picker, or open a file's diff. */
export interface FirstChoice {
  choice: 'accept' | 'reject' | 'choose' | 'diff';
  /** The file whose diff opens (`diff`). */
  file?: number;
}

/** What follows a pick: the review is answered, a diff opens, the hunk picker shows, or nothing happens. */
export type Step = 'answered' | 'diff' | 'hunks' | 'none';

/**
 * One review's state, apart from its pickers: the picker it is at, the hunk
 * picker's ticks, and its answer once given. Hiding a picker (Escape,
 * another quick input taking its place) is not an answer: the review waits
 * to be shown again, where it was. Only "Accept all", "Reject all", Enter in
 * the hunk picker, or the request's cancellation settles it.
 */
export class ReviewState {
  stage: 'first' | 'hunks' = 'first';
  /** The hunk picker's rows. */
  readonly items: ReviewItem[];
  /** The hunk picker's ticked rows (keys): all at first; kept while the picker is hidden. */
  ticked: Set<string>;
  /** The answer, once given. */
  answer: ReviewEditsResult | undefined;
  /** Whether the answer comes from the request's cancellation. */
  cancelled = false;
  /** Resolves with the answer. */
  readonly done: Promise<ReviewEditsResult>;
  private resolve!: (answer: ReviewEditsResult) => void;

  constructor(
    readonly params: ReviewEditsParams,
    roots: string[],
  ) {
    this.items = reviewItems(params, roots);
    this.ticked = new Set(this.items.map((i) => i.key));
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  get settled(): boolean {
    return this.answer !== undefined;
  }

  /**
   * Enter in the first picker on `choice`. Undefined (Enter while the filter
   * matches no row) answers nothing.
   */
  choose(choice: FirstChoice | undefined): Step {
    if (this.settled || !choice) {
      return 'none';
    }
    switch (choice.choice) {
      case 'accept':
        this.settle(acceptAll(this.params));
        return 'answered';
      case 'reject':
        this.settle(rejectAll(this.params));
        return 'answered';
      case 'choose':
        this.stage = 'hunks';
        return 'hunks';
      case 'diff':
        return choice.file !== undefined && this.params.files[choice.file] ? 'diff' : 'none';
    }
  }

  /** The hunk picker's ticks changed. */
  tick(keys: Iterable<string>): void {
    if (!this.settled) {
      this.ticked = new Set(keys);
    }
  }

  /** Enter in the hunk picker: the ticked rows are accepted, the others rejected. */
  accept(keys: Iterable<string>): Step {
    if (this.settled) {
      return 'none';
    }
    this.tick(keys);
    this.settle(decide(this.params, this.ticked));
    return 'answered';
  }

  /** The hunk picker's Back button: the first picker again (the ticks are kept). */
  back(): void {
    if (!this.settled) {
      this.stage = 'first';
    }
  }

  /** The request was cancelled (the turn stopped, the server went away): every file is rejected. */
  cancel(): void {
    if (!this.settled) {
      this.cancelled = true;
      this.settle(rejectAll(this.params));
    }
  }

  private settle(answer: ReviewEditsResult): void {
    this.answer = answer;
    this.resolve(answer);
  }
}
