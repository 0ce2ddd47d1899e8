//! What the Issues and Pull requests panels share as search tabs: the title line with the
//! sections (the visible one in brackets), the scope and what the search counted, the empty
//! message that names the query, and the repository column when rows span several.

use crate::app::sections::{scope_qualifier, RepoColumn, Tabs};
use crate::app::state::{AppState, Loaded, PanelId, Scope};
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

/// Where the sections search, in a few words.
fn scope_label(state: &AppState) -> String {
    if state.search_all {
        return "all repos".into();
    }
    match (state.scope, &state.ctx.repo) {
        (Scope::Watched, _) => format!("{} watched repos", state.ctx.watched.len() + 1),
        (Scope::Here, Some(r)) => r.name.clone(),
        (Scope::Here, None) => String::new(),
    }
}

/// The panel frame: number and name, the tabs, the scope, the count, and loading / stale.
/// All the tabs when they fit in `width`; else the visible one with its place (`[Mine] 1/3`),
/// and the scope goes before the count does.
pub fn block<'a, T>(
    id: PanelId,
    tabs: &Tabs<T>,
    loaded: &Loaded<Vec<T>>,
    state: &AppState,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> Block<'a> {
    // While a `/` filter is on, its query and count take the title; the tab is the subtitle.
    let f = &state.filters[id.index()];
    if f.active() || f.typing {
        let tab = tabs.current().map(|s| s.title.as_str()).unwrap_or_default();
        return super::list_block(state, id, tab, loaded, focused, theme);
    }
    let head = Span::styled(
        format!(" {} {}", id.index() + 1, id.title()),
        theme.title(focused),
    );
    let name = |i: usize| tabs.list[i].title.as_str();
    let all: Vec<Span> = (0..tabs.list.len())
        .map(|i| match i == tabs.active {
            true => Span::styled(format!(" [{}]", name(i)), theme.title(focused)),
            false => Span::styled(format!(" {}", name(i)), theme.dim()),
        })
        .collect();
    let mut one = Vec::new();
    if tabs.current().is_some() {
        one.push(Span::styled(
            format!(" [{}]", name(tabs.active)),
            theme.title(focused),
        ));
        if tabs.list.len() > 1 {
            let place = format!(" {}/{}", tabs.active + 1, tabs.list.len());
            one.push(Span::styled(place, theme.dim()));
        }
    }
    let scope = scope_label(state);
    let scope = (!scope.is_empty())
        .then(|| Span::styled(format!(" · {}", sanitize_line(&scope)), theme.dim()));
    let mut count = Vec::new();
    if let Some(rows) = loaded.data.as_ref() {
        let n = rows.len();
        let text = match tabs.count {
            Some(c) if c.total > n as u64 + c.unreadable as u64 => format!(" ({n} of {})", c.total),
            _ => format!(" ({n})"),
        };
        count.push(Span::styled(text, theme.dim()));
        if let Some(c) = tabs.count {
            if c.incomplete {
                count.push(Span::styled(" incomplete", theme.warn()));
            }
            if c.unreadable > 0 {
                count.push(Span::styled(
                    format!(" {} unreadable", c.unreadable),
                    theme.warn(),
                ));
            }
        }
    }
    let marker = if loaded.data.is_some() && loaded.error.is_some() {
        Some(Span::styled(" stale ", theme.bad()))
    } else if loaded.loading || (loaded.data.is_none() && loaded.error.is_none()) {
        Some(Span::styled(" loading… ", theme.dim()))
    } else {
        None
    };
    // Inside the corners, beside the marker on the right.
    let room =
        usize::from(width.saturating_sub(2)).saturating_sub(marker.as_ref().map_or(0, Span::width));
    let wide = |parts: &[&[Span]]| {
        parts
            .iter()
            .flat_map(|p| p.iter())
            .map(Span::width)
            .sum::<usize>()
            + 1
    };
    let scoped: Vec<Span> = scope.into_iter().collect();
    let mut title: Vec<Span> =
        if wide(&[std::slice::from_ref(&head), &all, &scoped, &count]) <= room {
            [vec![head], all, scoped, count].concat()
        } else if wide(&[std::slice::from_ref(&head), &one, &scoped, &count]) <= room {
            [vec![head], one, scoped, count].concat()
        } else {
            [vec![head], one, count].concat()
        };
    title.push(Span::raw(" "));
    let mut b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(focused))
        .title(Line::from(title));
    if let Some(m) = marker {
        b = b.title_top(Line::from(m).right_aligned());
    }
    b
}

/// What an empty section says: that its search found nothing, and which search.
pub fn empty_text<T>(what: &str, tabs: &Tabs<T>, state: &AppState) -> String {
    let Some(section) = tabs.current() else {
        return format!("No {what}.");
    };
    let scope = match scope_qualifier(state) {
        Some(s) if !s.is_empty() => format!(" {s}"),
        _ => String::new(),
    };
    format!(
        "No {what} in “{}”: GitHub's search for {}{scope} found none. [ and ] switch sections.",
        section.title.trim(),
        section.filter.trim(),
    )
}

pub const REPO_COLUMN_WIDTH: u16 = 16;

/// A row's repository as the repository column shows it.
pub fn repo_text(col: RepoColumn, repo: Option<(&str, &str)>) -> String {
    let Some((owner, name)) = repo else {
        return "?".into();
    };
    let shown = match col {
        RepoColumn::Full => format!("{owner}/{name}"),
        RepoColumn::Name => name.to_string(),
    };
    super::fit(&sanitize_line(&shown), usize::from(REPO_COLUMN_WIDTH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_column_shows_the_name_or_owner_and_name() {
        let rocket = Some(("acme", "rocket"));
        assert_eq!(repo_text(RepoColumn::Name, rocket), "rocket");
        assert_eq!(repo_text(RepoColumn::Full, rocket), "acme/rocket");
        assert_eq!(repo_text(RepoColumn::Name, None), "?");
    }
}
