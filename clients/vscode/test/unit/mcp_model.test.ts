import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { McpServerStatus } from '../../src/lsp_ext';
import { configUri, mcpToken, parseMcpArg, resourceRows, serverRows } from '../../src/mcp_model';

function server(overrides: Partial<McpServerStatus> = {}): McpServerStatus {
  return {
    folder: 'file:///w/app',
    name: 'everything',
    scope: 'workspace',
    transport: 'stdio: npx -y @modelcontextprotocol/server-everything',
    state: 'running',
    tools: ['echo', 'add'],
    autoApprove: [],
    ...overrides,
  };
}

describe('serverRows', () => {
  it('names each server, with its state and scope, its transport and tools', () => {
    const rows = serverRows([
      server({ autoApprove: ['echo'] }),
      server({ name: 'off', state: 'disabled', tools: [], transport: 'http: https://mcp.example/x' }),
      server({
        name: 'local',
        scope: 'user',
        state: 'not trusted',
        tools: [],
        reason: 'runs only once the folder is trusted',
        transport: 'stdio: node -e process.exit(0)',
      }),
    ]);
    assert.deepEqual(
      rows.map(({ label, description, detail }) => ({ label, description, detail })),
      [
        {
          label: 'everything',
          description: 'running · workspace',
          detail: 'stdio: npx -y @modelcontextprotocol/server-everything — tools: echo (auto), add',
        },
        { label: 'off', description: 'disabled · workspace', detail: 'http: https://mcp.example/x' },
        {
          label: 'local',
          description: 'not trusted · user',
          detail: 'stdio: node -e process.exit(0) — runs only once the folder is trusted',
        },
      ],
    );
    assert.equal(rows[0].server.name, 'everything', 'the row carries its server');
  });
  it('shows the reason of a failed server instead of its tools, and `*` approves every tool', () => {
    const [failed, all] = serverRows([
      server({ state: 'failed', reason: 'exited with status 1', tools: ['echo'] }),
      server({ name: 'b', autoApprove: ['*'] }),
    ]);
    assert.equal(failed.detail, 'stdio: npx -y @modelcontextprotocol/server-everything — exited with status 1');
    assert.match(all.detail, /tools: echo \(auto\), add \(auto\)$/);
  });
  it('names the folder when the servers come from several', () => {
    const rows = serverRows([server(), server({ folder: 'file:///w/my%20lib/' })]);
    assert.deepEqual(
      rows.map((r) => r.description),
      ['running · workspace · app', 'running · workspace · my lib'],
    );
  });
  it('is empty without servers', () => {
    assert.deepEqual(serverRows([]), []);
  });
});

describe('resourceRows', () => {
  it('lists every resource of every server: its name, the server, the URI', () => {
    const rows = resourceRows([
      server({
        resources: [
          { uri: 'demo://resource/static/document/architecture.md', name: 'architecture.md', mimeType: 'text/markdown' },
          { uri: 'demo://r/2', name: '', description: 'the second' },
        ],
      }),
      server({ name: 'none' }),
      server({ name: 'docs', resources: [{ uri: 'file:///docs/a.md', name: 'a' }] }),
    ]);
    assert.deepEqual(rows, [
      {
        label: 'architecture.md',
        description: 'everything',
        detail: 'demo://resource/static/document/architecture.md',
        server: 'everything',
        uri: 'demo://resource/static/document/architecture.md',
      },
      { label: 'demo://r/2', description: 'everything', detail: 'demo://r/2 — the second', server: 'everything', uri: 'demo://r/2' },
      { label: 'a', description: 'docs', detail: 'file:///docs/a.md', server: 'docs', uri: 'file:///docs/a.md' },
    ]);
  });
});

describe('the #mcp token', () => {
  it('splits at the first slash: the server, then the resource URI', () => {
    assert.deepEqual(parseMcpArg('everything/demo://resource/static/document/architecture.md'), {
      server: 'everything',
      uri: 'demo://resource/static/document/architecture.md',
    });
    assert.deepEqual(parseMcpArg('docs/file:///a/b.md'), { server: 'docs', uri: 'file:///a/b.md' });
  });
  it('needs both a server and a URI', () => {
    assert.equal(parseMcpArg('everything'), undefined);
    assert.equal(parseMcpArg('everything/'), undefined);
    assert.equal(parseMcpArg('/demo://x'), undefined);
    assert.equal(parseMcpArg(''), undefined);
  });
  it('is written back as typed', () => {
    const token = mcpToken('everything', 'demo://r/1');
    assert.equal(token, '#mcp:everything/demo://r/1');
    assert.deepEqual(parseMcpArg(token.slice('#mcp:'.length)), { server: 'everything', uri: 'demo://r/1' });
  });
});

describe('configUri', () => {
  it('is the folder’s .kiro/settings/mcp.json for a workspace server, the home’s for a user server', () => {
    assert.equal(configUri({ folder: 'file:///w/app/', scope: 'workspace' }, '/home/u'), 'file:///w/app/.kiro/settings/mcp.json');
    assert.equal(configUri({ folder: 'file:///w/app', scope: 'user' }, '/home/u'), 'file:///home/u/.kiro/settings/mcp.json');
    assert.equal(configUri({ folder: 'file:///w/app', scope: 'user' }, undefined), undefined);
  });
});
