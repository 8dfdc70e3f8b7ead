// Where the server binary is: the `specwright.server.path` setting, else
// `specwright` on PATH. Pure (the file system and environment are passed
// in), so it is tested without VS Code.
import * as path from 'node:path';

export type Found = { ok: true; path: string; source: 'setting' | 'PATH' } | { ok: false; message: string };

export const INSTALL_HINT =
  'Install it with `cargo install --path server/specwright` from the Specwright repository ' +
  '(or build it with `cargo build --release` and put target/release/specwright on PATH), ' +
  'or set `specwright.server.path` to the binary.';

/**
 * @param setting the `specwright.server.path` setting ('' when unset)
 * @param envPath the PATH variable
 * @param isExecutable whether a file exists and can be executed
 */
export function findServer(
  setting: string,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean,
  platform: NodeJS.Platform = process.platform,
): Found {
  const configured = setting.trim();
  if (configured !== '') {
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
  return { ok: false, message: `The Specwright server was not found on PATH. ${INSTALL_HINT}` };
}
