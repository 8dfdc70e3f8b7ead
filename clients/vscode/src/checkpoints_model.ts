// Pure logic of the checkpoint list: grouped by session, with ages. No `vscode` here.
import type { CheckpointInfo } from './lsp_ext';

/** Checkpoints grouped by session, groups in the order of their newest checkpoint (the list is newest first). */
export function groupCheckpoints(checkpoints: CheckpointInfo[]): { session: string | null; checkpoints: CheckpointInfo[] }[] {
  const groups: { session: string | null; checkpoints: CheckpointInfo[] }[] = [];
  for (const c of checkpoints) {
    const session = c.session ?? null;
    let group = groups.find((g) => g.session === session);
    if (!group) {
      group = { session, checkpoints: [] };
      groups.push(group);
    }
    group.checkpoints.push(c);
  }
  return groups;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function ago(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return 'just now';
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ago`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ago`;
  }
  const days = Math.floor(s / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
