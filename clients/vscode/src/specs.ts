// Pure logic about specs as the server describes them: how the Spec
// Explorer labels them, and which spec a file belongs to. No `vscode` here,
// so node's test runner can load it.
import type { SpecInfo } from './lsp_ext';

/** `3/7 tasks · 2 uncovered`: the progress shown beside a spec's name. */
export function specDescription(spec: SpecInfo): string {
  let text = `${spec.done}/${spec.total} tasks`;
  if (spec.uncovered.length > 0) {
    text += ` · ${spec.uncovered.length} uncovered`;
  }
  return text;
}

/** A hover text with the spec's figures and problems. */
export function specTooltip(spec: SpecInfo): string {
  const lines = [
    `${spec.name} (${spec.kind})`,
    `${spec.requirements} requirements, ${spec.criteria} acceptance criteria`,
    `${spec.done} of ${spec.total} tasks done`,
  ];
  if (spec.uncovered.length > 0) {
    lines.push(`not covered by any task: ${spec.uncovered.join(', ')}`);
  }
  if (spec.dangling.length > 0) {
    lines.push(`cited but not defined: ${spec.dangling.join(', ')}`);
  }
  if (spec.errors + spec.warnings > 0) {
    lines.push(`${spec.errors} errors, ${spec.warnings} warnings`);
  }
  return lines.join('\n');
}

/** The documents of a spec in workflow order, with their file names. */
export function specDocuments(spec: SpecInfo): { label: string; uri: string }[] {
  const order: [keyof SpecInfo['documents'], string][] = [
    ['requirements', 'requirements.md'],
    ['bugfix', 'bugfix.md'],
    ['design', 'design.md'],
    ['tasks', 'tasks.md'],
  ];
  const out: { label: string; uri: string }[] = [];
  for (const [key, label] of order) {
    const uri = spec.documents[key];
    if (uri) {
      out.push({ label, uri });
    }
  }
  return out;
}

/** The document a spec opens on: tasks, else requirements, bugfix, design. */
export function primaryDocument(spec: SpecInfo): string | undefined {
  const d = spec.documents;
  return d.tasks ?? d.requirements ?? d.bugfix ?? d.design;
}

/**
 * The spec folder of a file (`…/.kiro/specs/<name>/<file>`), or undefined.
 * Paths use `/` (VS Code's `Uri.path`).
 */
export function specFolderOf(path: string): string | undefined {
  const m = /^(.*\/\.kiro\/specs\/[^/]+)\/[^/]+$/.exec(path);
  return m ? m[1] : undefined;
}

/** The document kind of a spec file's name, for "Refine Document…". */
export function documentKind(fileName: string): 'requirements' | 'bugfix' | 'design' | 'tasks' | undefined {
  const m = /^(requirements|bugfix|design|tasks)\.md$/.exec(fileName);
  return m ? (m[1] as 'requirements' | 'bugfix' | 'design' | 'tasks') : undefined;
}
