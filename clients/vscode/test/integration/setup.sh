#!/usr/bin/env bash
# Installs what the VS Code integration tests need, idempotently:
#   - Debian packages: chromium, ripgrep, libkrb5-dev (only the missing ones)
#   - code-server@4.100.3 and playwright-core into ./.env/node_modules (private, gitignored)
# A second run only checks and returns in a second or two.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENV_DIR="$HERE/.env"
CODE_SERVER_VERSION="4.100.3"
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
RG_CACHE_VERSION="1.15.11"     # @vscode/ripgrep version bundled by code-server 4.100.3
RG_TARBALL="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

T0=$(date +%s)
step_start=$T0
step() {
  local now; now=$(date +%s)
  echo "[setup] $1 ($((now - step_start)) s; total $((now - T0)) s)"
  step_start=$now
}

# ---- Debian packages --------------------------------------------------------
missing=()
for pkg in chromium ripgrep libkrb5-dev; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "[setup] installing Debian packages: ${missing[*]}"
  apt_log="${TMPDIR:-/tmp}/specwright-setup-apt.log"
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    > "$apt_log" 2>&1 || { tail -n 40 "$apt_log" >&2; exit 1; }
  step "apt-get install ${missing[*]}"
else
  step "Debian packages already installed (chromium, ripgrep, libkrb5-dev)"
fi
test -x /usr/bin/chromium || { echo "[setup] /usr/bin/chromium missing after install" >&2; exit 1; }

# ---- code-server + playwright-core -----------------------------------------
installed_version() {  # $1 = package name
  local pj="$ENV_DIR/node_modules/$1/package.json"
  [ -f "$pj" ] && node -p "require('$pj').version" 2>/dev/null || true
}

need_install=0
[ "$(installed_version code-server)" = "$CODE_SERVER_VERSION" ] || need_install=1
[ "$(installed_version playwright-core)" = "$PLAYWRIGHT_CORE_VERSION" ] || need_install=1
# the VS Code bundled by code-server must be complete (its postinstall builds native modules)
[ -d "$ENV_DIR/node_modules/code-server/lib/vscode/node_modules" ] || need_install=1

if [ "$need_install" -eq 1 ]; then
  # @vscode/ripgrep downloads rg from GitHub in its postinstall (unreachable here):
  # seed its download cache with Debian's rg instead.
  cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_CACHE_VERSION"
  if [ ! -f "$cache_dir/$RG_TARBALL" ]; then
    mkdir -p "$cache_dir"
    d=$(mktemp -d)
    cp "$(command -v rg)" "$d/rg"
    tar czf "$cache_dir/$RG_TARBALL" -C "$d" rg
    rm -rf "$d"
    step "seeded @vscode/ripgrep cache in $cache_dir"
  fi

  mkdir -p "$ENV_DIR"
  if [ ! -f "$ENV_DIR/package.json" ]; then
    printf '{\n  "name": "specwright-vscode-integration-env",\n  "private": true\n}\n' > "$ENV_DIR/package.json"
  fi
  echo "[setup] npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION (about 1.5-3 min)"
  (
    cd "$ENV_DIR"
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --save-exact --no-audit --no-fund --foreground-scripts \
        "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION" \
        > "$ENV_DIR/npm-install.log" 2>&1 || { tail -n 60 "$ENV_DIR/npm-install.log" >&2; exit 1; }
  )
  step "npm install (log: $ENV_DIR/npm-install.log)"
else
  step "code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_CORE_VERSION already installed"
fi

# (not `code-server --version`: it writes a default config into the home folder)
echo "[setup] code-server $(installed_version code-server), playwright-core $(installed_version playwright-core), $(/usr/bin/chromium --version 2>/dev/null)"
echo "[setup] done in $(( $(date +%s) - T0 )) s"
