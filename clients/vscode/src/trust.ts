// Workspace trust: in a folder VS Code does not trust, the repository's
// hooks must not run commands on save. Pure, for node's test runner.

/** The server settings with hooks switched off unless the workspace is trusted. */
export function withTrust(settings: { specwright: unknown }, trusted: boolean): { specwright: unknown } {
  if (trusted) {
    return settings;
  }
  const specwright = { ...((settings.specwright as Record<string, unknown>) ?? {}) };
  specwright.hooks = { ...((specwright.hooks as Record<string, unknown>) ?? {}), enabled: false };
  return { specwright };
}
