// Pure logic of the MCP pickers: the rows of "Specwright: MCP Servers" and
// of the chat's `#mcp` picker (from `specwright/mcp/status`), the
// `#mcp:<server>/<uri>` token, and where a server is configured. No
// `vscode` here, so node's test runner loads it.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { McpResourceInfo, McpServerStatus } from './lsp_ext';

export interface ServerRow {
  label: string;
  description: string;
  detail: string;
  server: McpServerStatus;
}

export interface ResourceRow {
  label: string;
  description: string;
  detail: string;
  server: string;
  uri: string;
}

/** The last segment of a folder URI (`file:///w/app` → `app`). */
function folderName(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * One row per server: its name; its state and scope (and folder, when the
 * servers come from more than one); its transport, then its tools or why it
 * does not run. Tools that run without asking are marked `(auto)`.
 */
export function serverRows(servers: readonly McpServerStatus[]): ServerRow[] {
  const folders = new Set(servers.map((s) => s.folder));
  return servers.map((server) => {
    const tools = Array.isArray(server.tools) ? server.tools : [];
    const auto = new Set(Array.isArray(server.autoApprove) ? server.autoApprove : []);
    let description = `${server.state} · ${server.scope}`;
    if (folders.size > 1) {
      description += ` · ${folderName(server.folder)}`;
    }
    let detail = server.transport;
    if (server.reason) {
      detail += ` — ${server.reason}`;
    } else if (tools.length > 0) {
      const names = tools.map((t) => (auto.has('*') || auto.has(t) ? `${t} (auto)` : t));
      detail += ` — tools: ${names.join(', ')}`;
    }
    return { label: server.name, description, detail, server };
  });
}

/** One row per resource of every server that listed some: its name, the server, the URI. */
export function resourceRows(servers: readonly McpServerStatus[]): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const server of servers) {
    for (const resource of (server.resources ?? []) as McpResourceInfo[]) {
      rows.push({
        label: resource.name || resource.uri,
        description: server.name,
        detail: resource.description ? `${resource.uri} — ${resource.description}` : resource.uri,
        server: server.name,
        uri: resource.uri,
      });
    }
  }
  return rows;
}

/** The context token of a resource, as typed: `#mcp:<server>/<uri>`. */
export function mcpToken(server: string, uri: string): string {
  return `#mcp:${server}/${uri}`;
}

/**
 * What follows `#mcp:`, split at its first `/`: the server's name before,
 * the resource's URI after (`everything/demo://a/b` → `everything`,
 * `demo://a/b`). Undefined when either is empty.
 */
export function parseMcpArg(arg: string): { server: string; uri: string } | undefined {
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) {
    return undefined;
  }
  return { server: arg.slice(0, slash), uri: arg.slice(slash + 1) };
}

/**
 * The URI of the mcp.json that configures `server`: its workspace folder's
 * `.kiro/settings/mcp.json`, or the user's `~/.kiro/settings/mcp.json`
 * (undefined without a home folder).
 */
export function configUri(server: Pick<McpServerStatus, 'folder' | 'scope'>, home: string | undefined): string | undefined {
  if (server.scope === 'workspace') {
    return `${server.folder.replace(/\/+$/, '')}/.kiro/settings/mcp.json`;
  }
  return home ? pathToFileURL(path.join(home, '.kiro', 'settings', 'mcp.json')).toString() : undefined;
}
