//! Conversions between the spec model's types and LSP's. The only place
//! that knows both (rust-analyzer's `to_proto`/`from_proto`).

use std::path::{Path, PathBuf};

use specwright_spec::query::{OutlineItem, OutlineKind};
use specwright_spec::{LineIndex, Severity};
use tower_lsp_server::ls_types as lsp;

pub fn position(p: specwright_spec::Position) -> lsp::Position {
    lsp::Position::new(p.line, p.character)
}

pub fn range(r: specwright_spec::Range) -> lsp::Range {
    lsp::Range::new(position(r.start), position(r.end))
}

pub fn from_position(p: lsp::Position) -> specwright_spec::Position {
    specwright_spec::Position::new(p.line, p.character)
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(d: &specwright_spec::Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("specwright".to_string()),
        message: d.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

pub fn index_symbol_kind(k: specwright_index::SymbolKind) -> lsp::SymbolKind {
    use specwright_index::SymbolKind as K;
    match k {
        K::Function => lsp::SymbolKind::FUNCTION,
        K::Method => lsp::SymbolKind::METHOD,
        K::Class => lsp::SymbolKind::CLASS,
        K::Interface => lsp::SymbolKind::INTERFACE,
        K::Struct => lsp::SymbolKind::STRUCT,
        K::Enum => lsp::SymbolKind::ENUM,
        K::Trait => lsp::SymbolKind::INTERFACE,
        K::Type => lsp::SymbolKind::TYPE_PARAMETER,
        K::Constant => lsp::SymbolKind::CONSTANT,
        K::Variable => lsp::SymbolKind::VARIABLE,
        K::Module => lsp::SymbolKind::MODULE,
        K::Field => lsp::SymbolKind::FIELD,
    }
}

/// A diagnostic of a file that is not a spec (steering, hooks, MCP
/// configuration): they share one shape, so one conversion.
fn file_diagnostic(range_: specwright_spec::Range, severity_: Severity, code: &str, message: &str) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(range_),
        severity: Some(severity(severity_)),
        code: Some(lsp::NumberOrString::String(code.to_string())),
        source: Some("specwright".to_string()),
        message: message.to_string(),
        ..lsp::Diagnostic::default()
    }
}

pub fn steering_diagnostic(d: &specwright_steering::Diagnostic) -> lsp::Diagnostic {
    file_diagnostic(d.range, d.severity, d.code, &d.message)
}

pub fn hook_diagnostic(d: &specwright_hooks::Diagnostic) -> lsp::Diagnostic {
    file_diagnostic(d.range, d.severity, d.code, &d.message)
}

pub fn mcp_diagnostic(d: &specwright_mcp::config::Diagnostic) -> lsp::Diagnostic {
    file_diagnostic(d.range, d.severity, d.code, &d.message)
}

pub fn uri(path: &Path) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(path)
}

/// The file path of a `file:` URI, with `.` and `..` resolved (so that a
/// client's `file:///ws/../x` is `/x`, outside `/ws`).
pub fn path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| super::paths::normalize(&p))
}

pub fn symbol_kind(k: OutlineKind) -> lsp::SymbolKind {
    match k {
        OutlineKind::Section => lsp::SymbolKind::NAMESPACE,
        OutlineKind::Requirement => lsp::SymbolKind::INTERFACE,
        OutlineKind::Criterion => lsp::SymbolKind::FIELD,
        OutlineKind::Property => lsp::SymbolKind::PROPERTY,
        OutlineKind::Task => lsp::SymbolKind::EVENT,
        OutlineKind::Diagram => lsp::SymbolKind::OBJECT,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol.
pub fn document_symbol(item: &OutlineItem) -> lsp::DocumentSymbol {
    let selection = if item.range.start <= item.selection_range.start && item.selection_range.end <= item.range.end {
        item.selection_range
    } else {
        item.range
    };
    lsp::DocumentSymbol {
        name: if item.name.trim().is_empty() { "(untitled)".to_string() } else { item.name.clone() },
        detail: item.detail.clone(),
        kind: symbol_kind(item.kind),
        tags: None,
        deprecated: None,
        range: range(item.range),
        selection_range: range(selection),
        children: (!item.children.is_empty()).then(|| item.children.iter().map(document_symbol).collect()),
    }
}

/// Applies an incremental (or full) content change to `text`.
pub fn apply_change(text: &mut String, change: &lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text.clone(),
        Some(r) => {
            let index = LineIndex::new(text);
            let start = index.offset(text, from_position(r.start));
            let end = index.offset(text, from_position(r.end)).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_changes_use_utf16_columns() {
        let mut text = "- [ ] 🎃 x\n".to_string();
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(lsp::Position::new(0, 9), lsp::Position::new(0, 10))),
            range_length: None,
            text: "y".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "- [ ] 🎃 y\n");
    }
}
