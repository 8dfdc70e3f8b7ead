//! Kiro agent hooks: the files of `.kiro/hooks/`. It reads both formats —
//! legacy `*.kiro.hook` (one hook: `when` / `then`) and v1 `*.json`
//! (`{"version": "v1", "hooks": [...]}`) — into one typed [`Hook`] model,
//! reports what Kiro would not understand as [`Diagnostic`]s with precise
//! ranges, decides which hooks an [`Event`] fires ([`matches`]), and computes
//! the text edit that enables or disables a hook ([`set_enabled`]).
//!
//! Invariants:
//! - This crate knows nothing of LSP, JSON-RPC, async or processes: it does
//!   not run hooks. It decides what the user's trust covers ([`trust`]): the
//!   record lives in the user's data folder, never in a workspace. Ranges are the spec crate's [`Range`](specwright_spec::Range)
//!   (0-based lines, UTF-16 columns); the protocol crate converts them.
//! - Parsing never fails and never panics: any text gives a [`HookFile`]; a
//!   hook with an error is kept out of [`HookFile::hooks`] and explained by a
//!   diagnostic whose range is the offending key or value. JSON is read by a
//!   small span-keeping reader (`json.rs`) because `serde_json` has no spans.
//! - Edits touch only the bytes they change; unknown keys survive.
//! - Diagnostic codes ([`codes`]) are public interface: never rename one.

mod edit;
pub mod json;
mod model;
mod parse;
pub mod trust;

pub use edit::set_enabled;
pub use model::{
    Action, BUILTIN_PREFIX, DEFAULT_TIMEOUT_SECS, Diagnostic, Event, EventKind, Format, Hook, HookFile, Matcher,
    Source, Trigger, matches,
};
pub use parse::{format_of, load, parse};
pub use specwright_spec::{Position, Range, Severity};

/// The keys Kiro reads, per object; any other key is reported as
/// [`codes::UNKNOWN_KEY`] (and the JSON Schemas in `schemas/` disallow it).
pub mod keys {
    pub use crate::parse::{LEGACY_KEYS, LEGACY_THEN_KEYS, LEGACY_WHEN_KEYS, V1_ACTION_KEYS, V1_HOOK_KEYS, V1_KEYS};
}

/// Stable diagnostic codes.
pub mod codes {
    /// The text is not JSON (error at the offending character).
    pub const INVALID_JSON: &str = "hook-invalid-json";
    /// Valid JSON, but not the shape the file's extension calls for (a `.json`
    /// that is not `{"version": "v1", "hooks": [...]}`, a non-object file, a
    /// `version` other than "v1").
    pub const UNKNOWN_FORMAT: &str = "hook-unknown-format";
    /// A required key is absent or an empty string.
    pub const MISSING_FIELD: &str = "hook-missing-field";
    /// A key's value has the wrong JSON type (or a non-positive timeout).
    pub const WRONG_TYPE: &str = "hook-wrong-type";
    /// `when.type` / `trigger` names no Kiro trigger.
    pub const UNKNOWN_TRIGGER: &str = "hook-unknown-trigger";
    /// `then.type` / `action.type` names no Kiro action.
    pub const UNKNOWN_ACTION: &str = "hook-unknown-action";
    /// A glob or regular expression that does not compile, or no patterns.
    pub const BAD_PATTERN: &str = "hook-bad-pattern";
    /// A key Kiro does not read (hint).
    pub const UNKNOWN_KEY: &str = "hook-unknown-key";
    /// The same key twice in one object, the last winning; or a v1 hook's
    /// `timeout` both beside and inside `action`, the hook's winning (warning).
    pub const DUPLICATE_KEY: &str = "hook-duplicate-key";
    /// The file could not be read.
    pub const UNREADABLE: &str = "hook-unreadable";

    pub const ALL: &[&str] = &[
        INVALID_JSON,
        UNKNOWN_FORMAT,
        MISSING_FIELD,
        WRONG_TYPE,
        UNKNOWN_TRIGGER,
        UNKNOWN_ACTION,
        BAD_PATTERN,
        UNKNOWN_KEY,
        DUPLICATE_KEY,
        UNREADABLE,
    ];

    /// One sentence on what a code means (the SARIF rule's short
    /// description); empty for an unknown code.
    pub fn description(code: &str) -> &'static str {
        match code {
            INVALID_JSON => "The hook file is not valid JSON.",
            UNKNOWN_FORMAT => {
                "The JSON is not the shape the file's extension calls for (a .kiro.hook object, or a v1 file with version and hooks)."
            }
            MISSING_FIELD => "A required key of a hook is absent or an empty string.",
            WRONG_TYPE => "A key's value has the wrong JSON type, or a timeout is not positive.",
            UNKNOWN_TRIGGER => "The hook's when.type or trigger names no Kiro trigger.",
            UNKNOWN_ACTION => "The hook's then.type or action.type names no Kiro action.",
            BAD_PATTERN => "A glob or regular expression does not compile, or a file trigger's pattern list is empty.",
            UNKNOWN_KEY => "A key Kiro does not read.",
            DUPLICATE_KEY => {
                "The same key appears twice in one object (the last one wins), or a v1 hook gives `timeout` both \
                 beside and inside `action` (the hook's wins)."
            }
            UNREADABLE => "The hook file could not be read.",
            _ => "",
        }
    }

    /// The severity a code is usually reported with (an unknown key is a
    /// hint, a repeated key a warning, everything else an error).
    pub fn default_severity(code: &str) -> crate::Severity {
        match code {
            UNKNOWN_KEY => crate::Severity::Hint,
            DUPLICATE_KEY => crate::Severity::Warning,
            _ => crate::Severity::Error,
        }
    }
}
