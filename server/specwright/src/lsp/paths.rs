//! Paths that come from clients (spec names, `root` and `file` arguments,
//! document URIs) stay inside the workspace folders. A URI is normalised
//! when it is converted (`.` and `..` resolved, see [`normalize`]); a path
//! a command acts on must then lie inside a workspace folder, symbolic links
//! resolved, or the command fails with a clear error. Nothing falls back to
//! a parent folder. A `root` argument must name a workspace folder itself
//! ([`workspace_folder`]).

use std::path::{Path, PathBuf};

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

pub use specwright_agent::workspace::normalize;
use specwright_agent::workspace::resolve_links;

/// The file system's view of `path` (links resolved), or `path` itself
/// when no part of it exists.
fn resolved(path: &Path) -> PathBuf {
    resolve_links(path).unwrap_or_else(|| path.to_path_buf())
}

/// The workspace folder of `roots` that holds `path` (after normalising
/// it and resolving symbolic links), and the normalised path; an error that
/// names the path otherwise.
pub fn confine(roots: &[PathBuf], path: &Path) -> std::result::Result<(PathBuf, PathBuf), String> {
    let path = normalize(path);
    let real = resolved(&path);
    roots
        .iter()
        .filter(|root| path.starts_with(root) && real.starts_with(resolved(root)))
        .max_by_key(|root| root.as_os_str().len())
        .map(|root| (root.clone(), path.clone()))
        .ok_or_else(|| format!("{} is outside the workspace folders", path.display()))
}

/// The workspace folder a client's `root` argument names: a file URI of one
/// of `roots` (after normalising); anything else is an error.
pub fn workspace_folder(roots: &[PathBuf], root: &str) -> Result<PathBuf> {
    let path = root
        .parse::<lsp::Uri>()
        .ok()
        .and_then(|u| super::convert::path(&u))
        .ok_or_else(|| Error::invalid_params(format!("`root` is not a file URI: {root}")))?;
    let (folder, path) = confine(roots, &path).map_err(Error::invalid_params)?;
    if folder != path {
        return Err(Error::invalid_params(format!("{} is not a workspace folder", path.display())));
    }
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_resolved_and_never_climb_above_the_root() {
        assert_eq!(normalize(Path::new("/ws/./a/../b")), PathBuf::from("/ws/b"));
        assert_eq!(normalize(Path::new("/ws/../../etc/passwd")), PathBuf::from("/etc/passwd"));
        assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
    }

    #[test]
    fn only_paths_inside_a_folder_pass_even_through_a_symbolic_link() {
        let base = std::env::temp_dir().join(format!("specwright-paths-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let ws = base.join("ws");
        std::fs::create_dir_all(ws.join("src")).expect("dirs");
        std::fs::create_dir_all(base.join("outside")).expect("dirs");
        let ws = std::fs::canonicalize(&ws).expect("canonical");
        let roots = vec![ws.clone()];
        assert_eq!(confine(&roots, &ws.join("src/new.ts")), Ok((ws.clone(), ws.join("src/new.ts"))));
        assert!(confine(&roots, &ws.join("../outside/x")).is_err_and(|e| e.contains("outside the workspace")));
        assert!(confine(&roots, Path::new("/etc/passwd")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("outside"), ws.join("escape")).expect("symlink");
            assert!(confine(&roots, &ws.join("escape/secret.txt")).is_err(), "a link out of the folder");
        }
        let _ = std::fs::remove_dir_all(&base);
    }
}
