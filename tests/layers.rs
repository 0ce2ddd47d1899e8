//! The direction of imports in `src/`. Every file is read, each `crate::…`, `super::…`,
//! `self::…` (and, in `main.rs`, `cockpit::…`) path it names — in `use` lists or inline — is
//! resolved to the module file it reaches, and the graph is checked against the layer table
//! below: a module may import its own layer and the layers under it, never one above. So the
//! screen code can change without the application noticing, and the plain config knows nothing
//! of the keymap or the palette that are built from it.
//!
//! Test code inside `src/` counts too: a `mod tests` that needs a higher layer is a sign the
//! code it tests sits too low.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of `src/`, from the top layer down. `main` is the binary.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "entry points",
        &[
            "main", "cli", "launch", "settings", "doctor", "demo", "auth", "terminal",
        ],
    ),
    ("screen", &["ui"]),
    ("application", &["app"]),
    (
        "services",
        &["github", "git", "logs", "metrics", "drafts", "logging"],
    ),
    // The GitHub simulator behind the demo and the tests: it stands on its own.
    ("simulator", &["fakehub"]),
    ("plain config", &["config"]),
    ("helpers", &["text", "words", "names", "origin", "secret"]),
];

/// Modules that stand beside the layers rather than in them: they import nothing but
/// themselves and the bottom layer (the helpers).
const ON_THEIR_OWN: &[&str] = &["fakehub"];

/// Modules that must not sit in one circle, whatever the table says.
const NO_CIRCLE: &[&str] = &["app", "ui", "config"];

#[test]
fn imports_only_point_down() {
    let graph = Graph::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let rank = ranks();
    let mut upward = Vec::new();
    for (from, tos) in &graph.edges {
        let Some(&from_rank) = rank.get(top(from)) else {
            panic!(
                "src/{from}: top-level module {:?} is not in LAYERS",
                top(from)
            );
        };
        for (to, line) in tos {
            let Some(&to_rank) = rank.get(top(to)) else {
                panic!("{to}: top-level module {:?} is not in LAYERS", top(to));
            };
            let beside = ON_THEIR_OWN.contains(&top(from))
                && top(to) != top(from)
                && to_rank != LAYERS.len() - 1;
            if to_rank < from_rank || beside {
                upward.push(format!(
                    "{} (line {line}) imports {} : {} -> {}",
                    graph.files[from].display(),
                    to,
                    LAYERS[from_rank].0,
                    LAYERS[to_rank].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "{} imports point up a layer:\n{}",
        upward.len(),
        upward.join("\n")
    );
}

#[test]
fn app_ui_and_config_are_not_in_a_circle() {
    let graph = Graph::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    // Circles among files that span more than one of the named modules.
    let knots: Vec<Vec<String>> = graph
        .circles()
        .into_iter()
        .filter(|c| {
            let tops: BTreeSet<&str> = c
                .iter()
                .map(|m| top(m))
                .filter(|t| NO_CIRCLE.contains(t))
                .collect();
            tops.len() > 1
        })
        .collect();
    // And the same between the modules as wholes.
    let mut whole: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
    for (from, tos) in &graph.edges {
        for (to, _) in tos {
            if top(from) != top(to) {
                whole
                    .entry(top(from).to_string())
                    .or_default()
                    .insert((top(to).to_string(), 0));
            }
        }
    }
    let whole_knots: Vec<Vec<String>> = circles(&whole)
        .into_iter()
        .filter(|c| c.iter().filter(|m| NO_CIRCLE.contains(&m.as_str())).count() > 1)
        .collect();
    assert!(
        knots.is_empty() && whole_knots.is_empty(),
        "{} circles of files and {} of modules run through {NO_CIRCLE:?}:\n{}\n{}",
        knots.len(),
        whole_knots.len(),
        knots
            .iter()
            .map(|c| format!("{} files: {}", c.len(), c.join(" ")))
            .collect::<Vec<_>>()
            .join("\n"),
        whole_knots
            .iter()
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

/// The checker itself: paths in strings, comments and nested modules are read right.
#[test]
fn the_reader_finds_paths_where_rust_does() {
    let dir = tempfile_dir();
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n");
    write(
        "a/mod.rs",
        "pub mod x;\nuse crate::{b::{self, y}, c};\n\
         // use crate::c::never;\nconst S: &str = \"crate::c::no\";\n\
         const R: &str = r#\"crate::c::\"no\"\"#;\nfn f<'a>(_: &'a str) -> char { 'c' }\n",
    );
    write(
        "a/x.rs",
        "mod inner { fn g() { super::super::super::b::y::h(); } }\n",
    );
    write("b/mod.rs", "pub mod y;\n");
    write("b/y.rs", "pub fn h() { crate::a::x::z(); }\n");
    write("c.rs", "/* crate::a /* nested */ crate::a */\n");
    let g = Graph::read(&dir);
    let edges = |m: &str| -> Vec<String> {
        g.edges
            .get(m)
            .map(|e| e.iter().map(|(t, _)| t.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(edges("a"), vec!["b", "b::y", "c"]);
    assert_eq!(edges("a::x"), vec!["b::y"]);
    assert_eq!(edges("b::y"), vec!["a::x"]);
    assert!(edges("c").is_empty());
    assert_eq!(
        g.circles(),
        vec![vec!["a::x".to_string(), "b::y".to_string()]]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cockpit-layers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ranks() -> BTreeMap<&'static str, usize> {
    let mut rank = BTreeMap::new();
    for (i, (_, modules)) in LAYERS.iter().enumerate() {
        for m in *modules {
            assert!(rank.insert(*m, i).is_none(), "{m} is in LAYERS twice");
        }
    }
    rank
}

/// `app::update` → `app`.
fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// Module (as `a::b`, `main` for the binary) → the modules it imports, with a line.
struct Graph {
    files: BTreeMap<String, PathBuf>,
    edges: BTreeMap<String, BTreeSet<(String, usize)>>,
}

impl Graph {
    fn read(src: &Path) -> Graph {
        let mut files = BTreeMap::new();
        collect(src, src, &mut files);
        let mut modules: BTreeSet<Vec<String>> = files.keys().cloned().collect();
        let mut sources = Vec::new();
        for (module, path) in &files {
            let text = std::fs::read_to_string(path).expect("read source");
            let tokens = tokens(&text);
            for inline in inline_modules(&tokens, module) {
                modules.insert(inline);
            }
            sources.push((module.clone(), tokens));
        }
        let mut edges: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
        for (module, tokens) in &sources {
            let from = name(module);
            for (path, line, scope) in paths(tokens, module) {
                if let Some(to) = resolve(&path, &scope, module, &modules) {
                    // Inline modules belong to their file.
                    let to = file_of(&to, &files);
                    let to = name(&to);
                    if to != from && !to.is_empty() {
                        let e = edges.entry(from.clone()).or_default();
                        if !e.iter().any(|(t, _)| *t == to) {
                            e.insert((to, line));
                        }
                    }
                }
            }
        }
        let files = files.into_iter().map(|(m, p)| (name(&m), p)).collect();
        Graph { files, edges }
    }

    fn circles(&self) -> Vec<Vec<String>> {
        circles(&self.edges)
    }
}

fn name(module: &[String]) -> String {
    module.join("::")
}

/// The longest prefix of `module` that is a file.
fn file_of(module: &[String], files: &BTreeMap<Vec<String>, PathBuf>) -> Vec<String> {
    (0..=module.len())
        .rev()
        .map(|n| module[..n].to_vec())
        .find(|m| files.contains_key(m))
        .unwrap_or_default()
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<Vec<String>, PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let rel = path.strip_prefix(root).expect("under src");
        let mut module: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match module.last().map(String::as_str) {
            Some("mod") => {
                module.pop();
            }
            Some("lib") if module.len() == 1 => module.clear(),
            _ => {}
        }
        out.insert(module, path);
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Path, // ::
    Punct(char),
}

/// Rust tokens enough for paths, each with its line: comments, strings and chars left out.
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')))
            || (ch == 'b' && at(i + 1) == 'r' && matches!(at(i + 2), '"' | '#'))
        {
            // Raw string: r#"…"#, closed by the same number of #.
            i += if ch == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                line += usize::from(c[i] == '\n');
                i += 1;
            }
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime.
                i += 1;
            }
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            // `b"…"` and `b'…'`: the prefix is not a word.
            let word: String = c[start..i].iter().collect();
            if word == "b" && matches!(at(i), '"' | '\'') {
                continue;
            }
            out.push((Tok::Ident(word), line));
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::Path, line));
            i += 2;
        } else if ch.is_whitespace() {
            i += 1;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

fn is_ident(t: Option<&(Tok, usize)>, word: &str) -> bool {
    matches!(t, Some((Tok::Ident(w), _)) if w == word)
}

/// The module each token sits in: its file's module plus `mod name { … }` blocks around it.
fn scopes(tokens: &[(Tok, usize)], module: &[String]) -> Vec<Vec<String>> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut scope = module.to_vec();
        scope.extend(stack.iter().map(|(_, n)| n.clone()));
        out.push(scope);
        match &tokens[i].0 {
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(n), _)), Some((Tok::Punct('{'), _))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    let mut scope = out[i].clone();
                    out.push(scope.clone());
                    scope.push(n.clone());
                    out.push(scope);
                    depth += 1;
                    stack.push((depth, n.clone()));
                    i += 3;
                    continue;
                }
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if stack.last().is_some_and(|(d, _)| *d == depth) {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn inline_modules(tokens: &[(Tok, usize)], module: &[String]) -> Vec<Vec<String>> {
    let scopes = scopes(tokens, module);
    scopes
        .into_iter()
        .filter(|s| s.len() > module.len())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Every path that starts at a module (`crate`, `super`, `self`, a child module or, in the
/// binary, `cockpit`): the segments, the line, and the module it is written in. `use` lists are
/// expanded (`use crate::{a::b, c}` gives `crate::a::b` and `crate::c`).
fn paths(tokens: &[(Tok, usize)], module: &[String]) -> Vec<(Vec<String>, usize, Vec<String>)> {
    let scopes = scopes(tokens, module);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if is_ident(tokens.get(i), "use") {
            let line = tokens[i].1;
            let mut j = i + 1;
            let mut found = Vec::new();
            use_tree(tokens, &mut j, Vec::new(), &mut found);
            for p in found {
                out.push((p, line, scopes[i].clone()));
            }
            i = j;
            continue;
        }
        let starts_path = matches!(tokens.get(i + 1), Some((Tok::Path, _)))
            && !matches!(
                i.checked_sub(1).and_then(|k| tokens.get(k)),
                Some((Tok::Path, _))
            );
        if let (true, Some((Tok::Ident(_), line))) = (starts_path, tokens.get(i)) {
            let mut segs = Vec::new();
            let mut j = i;
            while let Some((Tok::Ident(w), _)) = tokens.get(j) {
                segs.push(w.clone());
                if matches!(tokens.get(j + 1), Some((Tok::Path, _))) {
                    j += 2;
                } else {
                    break;
                }
            }
            out.push((segs, *line, scopes[i].clone()));
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// Reads one use tree from `*j` (after `use` or inside braces) into `out`, prefixed.
fn use_tree(
    tokens: &[(Tok, usize)],
    j: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) {
    let mut path = prefix;
    loop {
        match tokens.get(*j) {
            Some((Tok::Ident(w), _)) if w == "as" => {
                *j += 2;
                out.push(path);
                return;
            }
            Some((Tok::Ident(w), _)) => {
                if w == "self" && !path.is_empty() {
                    // `a::{self}` is `a`.
                } else {
                    path.push(w.clone());
                }
                *j += 1;
            }
            Some((Tok::Path, _)) => *j += 1,
            Some((Tok::Punct('{'), _)) => {
                *j += 1;
                loop {
                    match tokens.get(*j) {
                        Some((Tok::Punct('}'), _)) => {
                            *j += 1;
                            break;
                        }
                        Some((Tok::Punct(','), _)) => *j += 1,
                        None => return,
                        _ => use_tree(tokens, j, path.clone(), out),
                    }
                }
                return;
            }
            Some((Tok::Punct('*'), _)) => {
                *j += 1;
                out.push(path);
                return;
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}

/// The module a path reaches: its longest prefix that names a module.
fn resolve(
    path: &[String],
    scope: &[String],
    file_module: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let binary = file_module == ["main"];
    let first = path.first()?;
    let (mut base, rest): (Vec<String>, &[String]) = match first.as_str() {
        "cockpit" if binary => (Vec::new(), &path[1..]),
        "crate" if !binary => (Vec::new(), &path[1..]),
        "self" if !binary => (scope.to_vec(), &path[1..]),
        "super" if !binary => {
            let mut base = scope.to_vec();
            let mut k = 0;
            while path.get(k).is_some_and(|s| s == "super") {
                base.pop();
                k += 1;
            }
            (base, &path[k..])
        }
        _ if !binary => {
            let mut child = scope.to_vec();
            child.push(first.clone());
            if !modules.contains(&child) {
                return None;
            }
            (scope.to_vec(), path)
        }
        _ => return None,
    };
    let start = base.len();
    let mut found = None;
    for seg in rest {
        base.push(seg.clone());
        if modules.contains(&base) {
            found = Some(base.clone());
        } else {
            break;
        }
    }
    // A path that names nothing under its start (`crate::Item`, `super::Item`) reaches the
    // start itself.
    found.or_else(|| (start > 0 || !rest.is_empty()).then(|| base[..start].to_vec()))
}

/// Strongly connected components with more than one member (Tarjan), members sorted.
fn circles(edges: &BTreeMap<String, BTreeSet<(String, usize)>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<(String, usize)>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on.insert(v);
        if let Some(tos) = w.edges.get(v) {
            for (to, _) in tos {
                let to = to.as_str();
                if !w.index.contains_key(to) {
                    visit(w, to);
                    let l = w.low[to].min(w.low[v]);
                    w.low.insert(v, l);
                } else if w.on.contains(to) {
                    let l = w.index[to].min(w.low[v]);
                    w.low.insert(v, l);
                }
            }
        }
        if w.low[v] == w.index[v] {
            let mut c = Vec::new();
            while let Some(x) = w.stack.pop() {
                w.on.remove(x);
                c.push(x.to_string());
                if x == v {
                    break;
                }
            }
            if c.len() > 1 {
                c.sort();
                w.out.push(c);
            }
        }
    }
    let mut w = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    let all: Vec<&str> = edges
        .iter()
        .flat_map(|(f, t)| std::iter::once(f.as_str()).chain(t.iter().map(|(x, _)| x.as_str())))
        .collect();
    for v in all {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.out.sort();
    w.out
}
