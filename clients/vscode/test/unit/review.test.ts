import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ReviewEditsParams } from '../../src/lsp_ext';
import {
  ReviewState,
  acceptAll,
  decide,
  declareReviewEdits,
  describeDecision,
  hunkCounts,
  hunkPreview,
  rejectAll,
  relativePath,
  reviewItems,
} from '../../src/review';

const ROOT = 'file:///w';

// a.ts: two hunks; b.ts: created; c.ts: deleted
const PARAMS: ReviewEditsParams = {
  session: 's1',
  title: "Specwright's agent wants to change 3 files",
  files: [
    {
      uri: `${ROOT}/src/a.ts`,
      action: 'change',
      oldText: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n',
      newText: 'A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\nk\n',
      hunks: [
        { oldStart: 1, oldLines: 4, newStart: 1, newLines: 4, text: '@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d' },
        { oldStart: 7, oldLines: 4, newStart: 7, newLines: 5, text: '@@ -7,4 +7,5 @@\n g\n h\n i\n-j\n+J\n+k' },
      ],
    },
    {
      uri: `${ROOT}/src/b.ts`,
      action: 'create',
      oldText: null,
      newText: 'export const b = 1;\n',
      hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, text: '@@ -0,0 +1 @@\n+export const b = 1;' }],
    },
    { uri: `${ROOT}/c.ts`, action: 'delete', oldText: 'gone\n', newText: null, hunks: [] },
  ],
};

describe('reviewItems', () => {
  it('lists each hunk of a change and each created or deleted file whole', () => {
    const items = reviewItems(PARAMS, [ROOT]);
    assert.deepEqual(
      items.map((i) => [i.key, i.label, i.description]),
      [
        ['0:0', 'src/a.ts · hunk 1 of 2', 'lines 1–4 (+1 −1)'],
        ['0:1', 'src/a.ts · hunk 2 of 2', 'lines 7–11 (+2 −1)'],
        ['1', 'src/b.ts', 'create the whole file (+1 −0)'],
        ['2', 'c.ts', 'delete the whole file (+0 −0)'],
      ],
    );
    assert.equal(items[0].detail, '- a');
  });
  it('counts and previews a hunk without its header', () => {
    assert.deepEqual(hunkCounts(PARAMS.files[0].hunks[1]), { added: 2, removed: 1 });
    assert.equal(hunkPreview(PARAMS.files[0].hunks[1]), '- j');
  });
});

describe('decide', () => {
  it('answers true for a file whose every row is picked, false for none, indices for some', () => {
    assert.deepEqual(decide(PARAMS, ['0:1', '1']), {
      files: [
        { uri: `${ROOT}/src/a.ts`, accepted: [1] },
        { uri: `${ROOT}/src/b.ts`, accepted: true },
        { uri: `${ROOT}/c.ts`, accepted: false },
      ],
    });
    assert.deepEqual(
      decide(PARAMS, ['0:0', '0:1', '2']).files.map((f) => f.accepted),
      [true, false, true],
    );
    assert.deepEqual(
      decide(PARAMS, []).files.map((f) => f.accepted),
      [false, false, false],
    );
  });
  it('ignores keys it does not know', () => {
    assert.deepEqual(
      decide(PARAMS, ['0:7', '9', 'x']).files.map((f) => f.accepted),
      [false, false, false],
    );
  });
  it('accepts or rejects everything', () => {
    assert.deepEqual(
      acceptAll(PARAMS).files.map((f) => f.accepted),
      [true, true, true],
    );
    assert.deepEqual(
      rejectAll(PARAMS).files.map((f) => f.accepted),
      [false, false, false],
    );
  });
  it('describes the decision for the log', () => {
    assert.equal(
      describeDecision(PARAMS, decide(PARAMS, ['0:1', '1']), [ROOT]),
      'accepted 1 of 2 hunks of src/a.ts; accepted src/b.ts; rejected c.ts',
    );
  });
});

describe('relativePath', () => {
  it('is relative to the root holding the file, decoded', () => {
    assert.equal(relativePath('file:///w/src/my%20file.ts', ['file:///other', 'file:///w']), 'src/my file.ts');
    assert.equal(relativePath('file:///elsewhere/x.ts', ['file:///w']), '/elsewhere/x.ts');
    assert.equal(relativePath('file:///wx/y.ts', ['file:///w']), '/wx/y.ts', 'a sibling folder is not inside the root');
  });
});

describe('declareReviewEdits', () => {
  it('adds experimental.specwright.reviewEdits and keeps what is there', () => {
    const caps: { experimental?: unknown } = { experimental: { other: 1, specwright: { x: true } } };
    declareReviewEdits(caps);
    assert.deepEqual(caps.experimental, { other: 1, specwright: { x: true, reviewEdits: true } });
    const empty: { experimental?: unknown } = {};
    declareReviewEdits(empty);
    assert.deepEqual(empty.experimental, { specwright: { reviewEdits: true } });
  });
});

describe('ReviewState', () => {
  const settledYet = async (state: ReviewState) =>
    Promise.race([state.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5))]);

  it('is not answered by Enter on no row (a filter matching nothing) nor by showing diffs', async () => {
    const state = new ReviewState(PARAMS, [ROOT]);
    assert.equal(state.choose(undefined), 'none');
    assert.equal(state.choose({ choice: 'diff', file: 1 }), 'diff');
    assert.equal(state.choose({ choice: 'diff' }), 'none', 'the separator');
    assert.equal(state.choose({ choice: 'diff', file: 9 }), 'none');
    assert.equal(state.settled, false);
    assert.equal(await settledYet(state), false);
  });

  it('answers Accept all and Reject all, once', async () => {
    const accepted = new ReviewState(PARAMS, [ROOT]);
    assert.equal(accepted.choose({ choice: 'accept' }), 'answered');
    assert.deepEqual(await accepted.done, acceptAll(PARAMS));
    assert.equal(accepted.choose({ choice: 'reject' }), 'none', 'answered already');
    accepted.cancel();
    assert.deepEqual(accepted.answer, acceptAll(PARAMS));
    assert.equal(accepted.cancelled, false);

    const rejected = new ReviewState(PARAMS, [ROOT]);
    assert.equal(rejected.choose({ choice: 'reject' }), 'answered');
    assert.deepEqual(await rejected.done, rejectAll(PARAMS));
  });

  it('keeps the hunk picker and its ticks while hidden, and answers the ticks', async () => {
    const state = new ReviewState(PARAMS, [ROOT]);
    assert.deepEqual([...state.ticked], ['0:0', '0:1', '1', '2'], 'all ticked at first');
    assert.equal(state.choose({ choice: 'choose' }), 'hunks');
    assert.equal(state.stage, 'hunks');
    state.tick(['0:1', '2']);
    // hidden (another quick input, Escape): nothing changes; shown again, it is where it was
    assert.equal(state.stage, 'hunks');
    assert.deepEqual([...state.ticked], ['0:1', '2']);
    state.back();
    assert.equal(state.stage, 'first');
    assert.deepEqual([...state.ticked], ['0:1', '2'], 'Back keeps the ticks');
    assert.equal(state.choose({ choice: 'choose' }), 'hunks');
    assert.equal(await settledYet(state), false);
    assert.equal(state.accept(['0:1', '2']), 'answered');
    assert.deepEqual((await state.done).files.map((f) => f.accepted), [[1], false, true]);
    assert.equal(state.accept([]), 'none');
  });

  it('rejects everything when cancelled', async () => {
    const state = new ReviewState(PARAMS, [ROOT]);
    state.choose({ choice: 'choose' });
    state.cancel();
    assert.equal(state.cancelled, true);
    assert.deepEqual(await state.done, rejectAll(PARAMS));
    assert.equal(state.choose({ choice: 'accept' }), 'none');
  });
});
