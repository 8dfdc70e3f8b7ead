// `npm run package` makes the extension's .vsix:
//
//   npm run package                        specwright-<version>.vsix: platform-neutral, no server inside
//                                          (the extension then needs the setting or PATH)
//   npm run package -- --target linux-x64  specwright-linux-x64-<version>.vsix: the release server,
//                                          stripped of debug info, in server/specwright
//
// With --target the server is `cargo build --release --locked -p specwright --bin specwright`
// (a no-op when up to date), when the target is this machine's platform. SPECWRIGHT_SERVER_BINARY
// packages another binary instead (one built for another target, or a debug build for a quick
// local try: the package then holds that binary, whatever it is). The packaged copy is stripped with
// `strip --strip-debug` (STRIP names another strip, e.g. aarch64-linux-gnu-strip); the original is
// left as it is. Every target vsce knows is accepted; the server's format must match it.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = path.resolve(CLIENT_DIR, '..', '..');
const SERVER_DIR = path.join(CLIENT_DIR, 'server');

// vsce's targets; `web` has no native server. ELF e_machine values: x86-64 62, AArch64 183, ARM 40.
const TARGETS = {
  'linux-x64': { os: 'linux', arch: 'x64', elf: 62, triple: 'x86_64-unknown-linux-gnu' },
  'linux-arm64': { os: 'linux', arch: 'arm64', elf: 183, triple: 'aarch64-unknown-linux-gnu' },
  'linux-armhf': { os: 'linux', arch: 'arm', elf: 40, triple: 'armv7-unknown-linux-gnueabihf' },
  'alpine-x64': { os: 'linux', arch: 'x64', elf: 62, triple: 'x86_64-unknown-linux-musl', musl: true },
  'alpine-arm64': { os: 'linux', arch: 'arm64', elf: 183, triple: 'aarch64-unknown-linux-musl', musl: true },
  'darwin-x64': { os: 'darwin', arch: 'x64', triple: 'x86_64-apple-darwin' },
  'darwin-arm64': { os: 'darwin', arch: 'arm64', triple: 'aarch64-apple-darwin' },
  'win32-x64': { os: 'win32', arch: 'x64', triple: 'x86_64-pc-windows-msvc' },
  'win32-arm64': { os: 'win32', arch: 'arm64', triple: 'aarch64-pc-windows-msvc' },
};

class PackageError extends Error {}

function fail(message) {
  throw new PackageError(message);
}

function parseArgs(argv) {
  let target;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--target') {
      target = argv[++i];
      if (!target) fail('--target needs a platform, e.g. --target linux-x64');
    } else if (arg.startsWith('--target=')) {
      target = arg.slice('--target='.length);
    } else {
      fail(`unknown argument ${arg}; usage: npm run package [-- --target <${Object.keys(TARGETS).join('|')}>]`);
    }
  }
  if (target !== undefined && !(target in TARGETS)) {
    fail(`unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
  }
  return { target };
}

function run(cmd, args, options = {}) {
  console.log(`package: ${[cmd, ...args].join(' ')}`);
  try {
    execFileSync(cmd, args, { stdio: 'inherit', ...options });
  } catch (e) {
    if (e instanceof PackageError) throw e;
    if (e.code === 'ENOENT') fail(`${cmd} is not installed${cmd.endsWith('strip') ? ' (binutils; or set STRIP)' : ''}`);
    fail(`${cmd} failed (${e.status ?? e.signal})`);
  }
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Whether a plain `cargo build` on this machine makes `t`'s binaries. */
function isHost(t) {
  return t.os === process.platform && t.arch === process.arch && !t.musl;
}

/** Fails unless `file` is an executable of `target`'s format (ELF machine, Mach-O, PE). */
function checkFormat(file, name, t) {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let ok;
  if (t.os === 'linux') {
    ok = head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(18) === t.elf; // little-endian ELF
  } else if (t.os === 'darwin') {
    ok = [0xfeedfacf, 0xcffaedfe].includes(head.readUInt32BE(0)); // 64-bit Mach-O
  } else {
    ok = head.toString('latin1', 0, 2) === 'MZ';
  }
  if (!ok) fail(`${file} is not a ${name} executable (build it with --target ${t.triple})`);
}

function serverBinary(name, t) {
  const given = process.env.SPECWRIGHT_SERVER_BINARY;
  if (given) {
    // relative to where `npm run` was typed (npm runs the script in clients/vscode)
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
    if (!existsSync(file)) fail(`SPECWRIGHT_SERVER_BINARY names ${file}, which does not exist`);
    console.log(`package: SPECWRIGHT_SERVER_BINARY=${file} (packaged as it is built, then stripped)`);
    return file;
  }
  if (!isHost(t)) {
    fail(
      `${name} is not this machine's platform (${process.platform}-${process.arch}): build the server with ` +
        `\`cargo build --release --locked -p specwright --bin specwright --target ${t.triple}\` and set ` +
        `SPECWRIGHT_SERVER_BINARY to target/${t.triple}/release/specwright${t.os === 'win32' ? '.exe' : ''}`,
    );
  }
  run('cargo', ['build', '--release', '--locked', '-p', 'specwright', '--bin', 'specwright'], { cwd: REPO_ROOT });
  return path.join(REPO_ROOT, 'target', 'release', t.os === 'win32' ? 'specwright.exe' : 'specwright');
}

/** Copies the server into server/ and strips the copy of its debug info. */
function bundleServer(name, t) {
  const source = serverBinary(name, t);
  checkFormat(source, name, t);
  mkdirSync(SERVER_DIR, { recursive: true });
  const dest = path.join(SERVER_DIR, t.os === 'win32' ? 'specwright.exe' : 'specwright');
  copyFileSync(source, dest);
  chmodSync(dest, 0o755);
  const before = statSync(dest).size;
  if (t.os === 'linux') {
    run(process.env.STRIP || 'strip', ['--strip-debug', dest]);
  } else if (t.os === 'darwin') {
    run(process.env.STRIP || 'strip', ['-S', dest]); // Apple's strip: -S removes the debug symbols
  } // Windows: the debug info is in the .pdb next to the .exe, not in it.
  const after = statSync(dest).size;
  console.log(`package: server ${source}: ${before} bytes (${mib(before)}); packaged stripped copy: ${after} bytes (${mib(after)})`);
}

function main() {
  const { target } = parseArgs(process.argv.slice(2));
  const { version } = JSON.parse(readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8'));
  const vsce = path.join(CLIENT_DIR, 'node_modules', '.bin', 'vsce');

  // A server left over from an earlier run must not end up in another package.
  rmSync(SERVER_DIR, { recursive: true, force: true });
  run(process.execPath, ['esbuild.mjs', '--production'], { cwd: CLIENT_DIR });
  try {
    let out;
    if (target === undefined) {
      out = `specwright-${version}.vsix`;
      run(vsce, ['package', '--no-dependencies', '--out', out], { cwd: CLIENT_DIR });
    } else {
      bundleServer(target, TARGETS[target]);
      out = `specwright-${target}-${version}.vsix`;
      run(vsce, ['package', '--no-dependencies', '--target', target, '--out', out], { cwd: CLIENT_DIR });
    }
    const size = statSync(path.join(CLIENT_DIR, out)).size;
    console.log(`package: ${path.join(CLIENT_DIR, out)}: ${size} bytes (${mib(size)})`);
  } finally {
    rmSync(SERVER_DIR, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof PackageError)) throw e;
  console.error(`package: ${e.message}`);
  process.exitCode = 1;
}
