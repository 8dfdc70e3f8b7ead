// Pure logic of the server's workspace edits (`workspace/applyEdit`): the
// files an edit touches, and which of them are saved once it is applied.
// No `vscode` here, so node's test runner loads it.

/** The files a workspace edit touches (its text edits and file operations). */
export function editedUris(edit: {
  changes?: Record<string, unknown>;
  documentChanges?: { textDocument?: { uri: string }; uri?: string; oldUri?: string; kind?: string }[];
}): string[] {
  const out = new Set<string>(Object.keys(edit.changes ?? {}));
  for (const change of edit.documentChanges ?? []) {
    const uri = change.textDocument?.uri ?? change.uri ?? change.oldUri;
    if (uri) {
      out.add(uri);
    }
  }
  return [...out];
}

export interface SavePolicy {
  /** The documents with unsaved changes before the edit (keys as `key` makes them). */
  dirty: ReadonlySet<string>;
  /** Whether the URI is inside a workspace folder. */
  inWorkspace(uri: string): boolean;
  /** The URI as the editor spells it (to compare with `dirty`); the URI itself by default. */
  key?(uri: string): string;
}

/**
 * The edited files saved after the edit is applied, like VS Code's
 * refactorings do: only `file:` URIs inside a workspace folder (an edit of
 * a file elsewhere stays unsaved in its editor, for the user to look at),
 * and never one that had unsaved changes of the user's.
 */
export function urisToSave(uris: string[], policy: SavePolicy): string[] {
  const key = policy.key ?? ((u: string) => u);
  return uris.filter((u) => /^file:/i.test(u) && policy.inWorkspace(u) && !policy.dirty.has(key(u)));
}
