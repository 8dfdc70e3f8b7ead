use tower_lsp_server as _;
fn main() {}
