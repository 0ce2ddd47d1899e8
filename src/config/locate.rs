//! From a byte offset in the config file to the line and the key (`poll.issues_secs`,
//! `hosts[1].api_url`, `keys.global."g g"`), and back: what every error and warning needs to
//! point the user at the right place.

use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `poll.issues_secs`, `hosts[1].api_url`, `keys.global."g g"`.
pub fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(k);
                } else {
                    out.push_str(&format!("{k:?}"));
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A table header's path as `a.b.c`: brackets, spaces around dots and a trailing comment go.
fn dotted(header: &str) -> String {
    let inner = header.trim().trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or(inner);
    inner
        .split('.')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// The parsed document with its spans.
pub struct Doc<'a> {
    text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Doc<'a> {
    /// A document that does not parse still locates nothing, which is fine: the parse error
    /// carries its own span.
    pub fn new(text: &'a str) -> Doc<'a> {
        Doc {
            text,
            root: DeTable::parse(text).ok(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// The span of the key at `path` (of the value, for an array element).
    pub fn find(&self, path: &[Seg]) -> Option<Range<usize>> {
        find_in_table(self.root.as_ref()?.get_ref(), path)
    }

    pub fn line_at(&self, path: &[Seg]) -> Option<usize> {
        self.find(path).map(|s| self.line_of(s.start))
    }

    /// For a document that did not parse: the key written at `span` (a duplicate key, say),
    /// prefixed by the `[table]` header above it.
    pub fn key_in_text(&self, span: Range<usize>) -> Option<String> {
        let written = self.text.get(span.clone())?.trim();
        let bare = |k: &str| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        };
        let quoted = written.len() >= 2 && written.starts_with('"') && written.ends_with('"');
        if !bare(written) && !quoted {
            return None;
        }
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let before = self.text[line_start..span.start].trim_start();
        // A key inside a `[table]` header (a table defined twice): the header up to it names
        // the table, and its last dot is the one before the key.
        if before.starts_with('[') {
            return Some(dotted(&format!("{before}{written}")));
        }
        let header = self.text[..line_start]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .map(dotted);
        Some(match header {
            Some(h) if !h.is_empty() => format!("{h}.{written}"),
            _ => written.to_string(),
        })
    }

    /// The key at `offset`: the one whose key or value span holds it most tightly. Every node
    /// is visited, because a table opened by a `[header]` spans only its header, not its body.
    pub fn path_at(&self, offset: usize) -> Vec<Seg> {
        let mut best: Option<(usize, Vec<Seg>)> = None;
        if let Some(root) = &self.root {
            let mut path = Vec::new();
            visit_table(root.get_ref(), offset, &mut path, &mut best);
        }
        best.map(|(_, p)| p).unwrap_or_default()
    }
}

type Best = Option<(usize, Vec<Seg>)>;

fn consider(span: Range<usize>, offset: usize, path: &[Seg], best: &mut Best) {
    if contains(&span, offset) {
        let width = span.end.saturating_sub(span.start);
        // Ties go to the deeper key: it names the place more precisely.
        if best
            .as_ref()
            .is_none_or(|(w, p)| width < *w || (width == *w && path.len() > p.len()))
        {
            *best = Some((width, path.to_vec()));
        }
    }
}

fn visit_table(table: &DeTable, offset: usize, path: &mut Vec<Seg>, best: &mut Best) {
    for (key, value) in table.iter() {
        path.push(Seg::Key(key.get_ref().to_string()));
        consider(key.span(), offset, path, best);
        visit_value(value, offset, path, best);
        path.pop();
    }
}

fn visit_value(value: &Spanned<DeValue>, offset: usize, path: &mut Vec<Seg>, best: &mut Best) {
    consider(value.span(), offset, path, best);
    match value.get_ref() {
        DeValue::Table(t) => visit_table(t, offset, path, best),
        DeValue::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                visit_value(v, offset, path, best);
                path.pop();
            }
        }
        _ => {}
    }
}

fn find_in_table(table: &DeTable, path: &[Seg]) -> Option<Range<usize>> {
    let (Seg::Key(k), rest) = path.split_first()? else {
        return None;
    };
    let (key, value) = table.iter().find(|(key, _)| key.get_ref() == k)?;
    if rest.is_empty() {
        Some(key.span())
    } else {
        find_in_value(value, rest)
    }
}

fn find_in_value(value: &Spanned<DeValue>, path: &[Seg]) -> Option<Range<usize>> {
    match (path.first()?, value.get_ref()) {
        (Seg::Key(_), DeValue::Table(t)) => find_in_table(t, path),
        (Seg::Index(i), DeValue::Array(a)) => {
            let element = a.get(*i)?;
            if path.len() == 1 {
                Some(element.span())
            } else {
                find_in_value(element, &path[1..])
            }
        }
        _ => None,
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn finds_lines_and_paths() {
        let text = "[poll]\nissues_secs = 5\n\n[[hosts]]\nhost = \"a\"\n[[hosts]]\nhost = \"b\"\n\
                    [keys.global]\n\"g g\" = \"top\"\n";
        let doc = Doc::new(text);
        assert_eq!(doc.line_at(&[key("poll"), key("issues_secs")]), Some(2));
        assert_eq!(
            doc.line_at(&[key("hosts"), Seg::Index(1), key("host")]),
            Some(7)
        );
        let gg = [key("keys"), key("global"), key("g g")];
        assert_eq!(doc.line_at(&gg), Some(9));
        assert_eq!(display(&gg), "keys.global.\"g g\"");
        assert_eq!(
            display(&[key("hosts"), Seg::Index(1), key("host")]),
            "hosts[1].host"
        );
        let at = text.find("\"b\"").expect("b");
        assert_eq!(
            doc.path_at(at),
            vec![key("hosts"), Seg::Index(1), key("host")]
        );
        assert_eq!(doc.line_at(&[key("nope")]), None);
    }
}
