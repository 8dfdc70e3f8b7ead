// Where the server binary is: the `specwright.server.path` setting, else
// `specwright` on PATH, else the binary bundled in a platform-specific
// package (`<extension>/server/specwright`). Pure (the file system and
// environment are passed in), so it is tested without VS Code.
import * as path from 'node:path';

export type Source = 'setting' | 'PATH' | 'bundled';

export type Found = { ok: true; path: string; source: Source } | { ok: false; message: string };

export const INSTALL_HINT =
  'Install the extension package for your platform (specwright-linux-x64-<version>.vsix, made with ' +
  '`npm run package -- --target linux-x64` in clients/vscode), which includes the server; ' +
  'or install the server with `cargo install --path server/specwright` from the Specwright repository ' +
  '(it lands on PATH); or set `specwright.server.path` to the binary.';

/** Where a platform-specific package keeps its server: `<extension>/server/specwright[.exe]`. */
export function bundledServer(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, 'server', platform === 'win32' ? 'specwright.exe' : 'specwright');
}

/** How the log names where the server came from. */
export function describeSource(source: Source): string {
  switch (source) {
    case 'setting':
      return 'from the specwright.server.path setting';
    case 'PATH':
      return 'found on PATH';
    case 'bundled':
      return 'bundled with the extension';
  }
}

/**
 * @param setting the `specwright.server.path` setting ('' when unset)
 * @param envPath the PATH variable
 * @param isExecutable whether a file exists and can be executed
 * @param bundled the bundled binary's path (see `bundledServer`); a
 *   platform-neutral package has none there
 */
export function findServer(
  setting: string,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean,
  platform: NodeJS.Platform = process.platform,
  bundled?: string,
): Found {
  const configured = setting.trim();
  if (configured !== '') {
    // An explicit setting that is wrong is an error, not a reason to start another binary.
    return isExecutable(configured)
      ? { ok: true, path: configured, source: 'setting' }
      : {
          ok: false,
          message: `specwright.server.path is set to ${configured}, which is not an executable file. ${INSTALL_HINT}`,
        };
  }
  const names = platform === 'win32' ? ['specwright.exe', 'specwright.cmd', 'specwright'] : ['specwright'];
  const separator = platform === 'win32' ? ';' : ':';
  for (const dir of (envPath ?? '').split(separator)) {
    if (dir === '') {
      continue;
    }
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) {
        return { ok: true, path: candidate, source: 'PATH' };
      }
    }
  }
  if (bundled !== undefined && isExecutable(bundled)) {
    return { ok: true, path: bundled, source: 'bundled' };
  }
  const noBundle =
    bundled === undefined
      ? 'this extension package bundles no server'
      : `this extension package bundles no server (no executable ${bundled}: it is the platform-neutral package)`;
  return {
    ok: false,
    message:
      `The Specwright server was not found: specwright.server.path is not set, \`specwright\` is not on PATH, ` +
      `and ${noBundle}. ${INSTALL_HINT}`,
  };
}
