//! "Did you mean …?": the known name closest to a misspelt one, by edit
//! distance. Shared by the diagnostics of specs, steering and hooks so that
//! every suggestion follows one rule.

/// The Damerau–Levenshtein distance between `a` and `b` in characters (the
/// optimal string alignment variant): each insertion, deletion,
/// substitution, or swap of two adjacent characters counts one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two rows back (for swaps), the last, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(current[j - 1] + 1).min(last[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut current);
    }
    last[b.len()]
}

/// Of `candidates` (a name and what it stands for), the value whose name is
/// closest to `name`. Names are compared in lower case without spaces or
/// punctuation (`file_save` is `FileSave`), and a candidate counts only
/// within a third of the name's length in edits (at least one); of equally
/// close candidates the first wins.
pub fn closest<'a, T>(name: &str, candidates: impl IntoIterator<Item = (&'a str, T)>) -> Option<T> {
    let name = loose(name);
    let most = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, T)> = None;
    for (candidate, value) in candidates {
        let d = edit_distance(&name, &loose(candidate));
        if d <= most && best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, value));
        }
    }
    best.map(|(_, value)| value)
}

/// The name of `names` closest to `name` (see [`closest`]).
pub fn closest_name<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(name, names.into_iter().map(|n| (n, n)))
}

fn loose(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_one_each() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("userTriggerd", "userTriggered"), 1, "an insertion");
        assert_eq!(edit_distance("comand", "command"), 1);
        assert_eq!(edit_distance("promt", "prompt"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3, "two substitutions and an insertion");
        assert_eq!(edit_distance("tiemout", "timeout"), 1, "a swap of adjacent characters");
        assert_eq!(edit_distance("名前", "名"), 1, "characters, not bytes");
    }

    #[test]
    fn closest_names_within_a_third_of_the_length() {
        let names = ["userTriggered", "fileEdited", "fileCreated"];
        assert_eq!(closest_name("userTriggerd", names), Some("userTriggered"));
        assert_eq!(closest_name("user_triggered", names), Some("userTriggered"), "case and punctuation are ignored");
        assert_eq!(closest_name("FILE-CREATD", names), Some("fileCreated"));
        assert_eq!(closest_name("onSave", names), None, "too far from every name");
        assert_eq!(closest_name("x", ["y", "xy"]), Some("y"), "one edit is always allowed; the first of equals wins");
        assert_eq!(closest("agnt", [("askAgent", 1), ("agent", 2)]), Some(2));
    }
}
