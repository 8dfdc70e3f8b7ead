// Typed getters over the `specwright.*` settings.
import * as vscode from 'vscode';

import { withTrust } from './trust';

export function serverPath(): string {
  return vscode.workspace.getConfiguration('specwright').get<string>('server.path', '') ?? '';
}

/**
 * The settings the server reads, as `{specwright: {...}}`: hooks are off in
 * a workspace VS Code does not trust (they would run its commands).
 */
export function serverSettings(): { specwright: unknown } {
  const section = vscode.workspace.getConfiguration('specwright');
  // A plain copy: the configuration object is a proxy.
  const plain = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  delete plain.server;
  return withTrust({ specwright: plain }, vscode.workspace.isTrusted);
}

/** `anthropic · claude-…`, or `no model` (templates). */
export function modelLabel(): string {
  const model = vscode.workspace.getConfiguration('specwright.model');
  const provider = model.get<string | null>('provider') ?? process.env.SPECWRIGHT_PROVIDER;
  if (!provider) {
    return 'no model';
  }
  const name = model.get<string | null>('model') ?? process.env.SPECWRIGHT_MODEL;
  return name ? `${provider} · ${name}` : provider;
}
