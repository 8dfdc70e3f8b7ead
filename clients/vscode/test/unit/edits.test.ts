import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { editedUris, urisToSave } from '../../src/edits';

describe('editedUris', () => {
  it('lists the files of text edits and file operations, once each', () => {
    assert.deepEqual(
      editedUris({
        changes: { 'file:///w/a.ts': [] },
        documentChanges: [
          { textDocument: { uri: 'file:///w/b.ts' } },
          { kind: 'create', uri: 'file:///w/c.ts' },
          { kind: 'rename', oldUri: 'file:///w/d.ts' },
          { textDocument: { uri: 'file:///w/a.ts' } },
        ],
      }),
      ['file:///w/a.ts', 'file:///w/b.ts', 'file:///w/c.ts', 'file:///w/d.ts'],
    );
    assert.deepEqual(editedUris({}), []);
  });
});

describe('urisToSave', () => {
  const inWorkspace = (u: string) => u.startsWith('file:///w/');
  it('saves the files of the workspace only', () => {
    assert.deepEqual(
      urisToSave(['file:///w/a.ts', 'file:///etc/profile', 'file:///home/me/.bashrc', 'untitled:Untitled-1', 'vscode-remote://h/w/x.ts'], {
        dirty: new Set(),
        inWorkspace: (u) => inWorkspace(u) || u.startsWith('vscode-remote:') || u.startsWith('untitled:'),
      }),
      ['file:///w/a.ts'],
      'only file: URIs inside a workspace folder',
    );
  });
  it('leaves a file with unsaved changes of the user unsaved', () => {
    assert.deepEqual(
      urisToSave(['file:///w/a.ts', 'file:///w/b%20c.ts'], {
        dirty: new Set(['file:///w/a.ts']),
        inWorkspace,
        key: (u) => u.toLowerCase(),
      }),
      ['file:///w/b%20c.ts'],
    );
  });
});
