import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { SpecInfo } from '../../src/lsp_ext';
import { documentKind, primaryDocument, specDescription, specDocuments, specFolderOf, specTooltip } from '../../src/specs';

function spec(overrides: Partial<SpecInfo> = {}): SpecInfo {
  return {
    name: 'auth-api',
    uri: 'file:///w/.kiro/specs/auth-api',
    root: 'file:///w',
    kind: 'feature',
    documents: {
      requirements: 'file:///w/.kiro/specs/auth-api/requirements.md',
      design: 'file:///w/.kiro/specs/auth-api/design.md',
    },
    requirements: 2,
    criteria: 5,
    tasks: 3,
    subtasks: 4,
    done: 3,
    optional: 0,
    references: 9,
    dangling: [],
    uncovered: [],
    total: 7,
    errors: 0,
    warnings: 0,
    ...overrides,
  };
}

describe('specDescription', () => {
  it('shows done of all tasks', () => {
    assert.equal(specDescription(spec()), '3/7 tasks');
  });
  it('adds uncovered criteria when there are any', () => {
    assert.equal(specDescription(spec({ uncovered: ['1.2', '2.1'] })), '3/7 tasks · 2 uncovered');
  });
});

describe('specTooltip', () => {
  it('lists uncovered and dangling ids and problem counts', () => {
    const text = specTooltip(spec({ uncovered: ['1.2'], dangling: ['1.9'], errors: 1, warnings: 2 }));
    assert.match(text, /not covered by any task: 1\.2/);
    assert.match(text, /cited but not defined: 1\.9/);
    assert.match(text, /1 errors, 2 warnings/);
  });
});

describe('documents', () => {
  it('keeps the workflow order and skips absent documents', () => {
    const docs = specDocuments(
      spec({ documents: { tasks: 'file:///t', requirements: 'file:///r', config: 'file:///c' } }),
    );
    assert.deepEqual(
      docs.map((d) => d.label),
      ['requirements.md', 'tasks.md'],
    );
  });
  it('opens tasks first, then requirements', () => {
    assert.equal(primaryDocument(spec({ documents: { tasks: 'T', requirements: 'R' } })), 'T');
    assert.equal(primaryDocument(spec({ documents: { design: 'D', requirements: 'R' } })), 'R');
    assert.equal(primaryDocument(spec({ documents: {} })), undefined);
  });
});

describe('specFolderOf', () => {
  it('finds the spec folder of a document', () => {
    assert.equal(specFolderOf('/w/.kiro/specs/auth-api/tasks.md'), '/w/.kiro/specs/auth-api');
  });
  it('ignores files outside spec folders', () => {
    assert.equal(specFolderOf('/w/src/app.ts'), undefined);
    assert.equal(specFolderOf('/w/.kiro/steering/tech.md'), undefined);
    assert.equal(specFolderOf('/w/.kiro/specs/auth-api/nested/x.md'), undefined);
  });
  it('reads the document kind of a file name', () => {
    assert.equal(documentKind('design.md'), 'design');
    assert.equal(documentKind('notes.md'), undefined);
  });
});
