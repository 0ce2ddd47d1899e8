//! GitHub-flavoured Markdown (issue bodies, comments, PR descriptions) as styled terminal
//! lines: headings, emphasis, inline code, fenced code blocks, lists, quotes, links (text
//! plus the URL), task lists, tables as plain rows. Every piece of text is sanitized: a body
//! is written by someone else and must not drive the terminal.

use crate::text::sanitize_line;
use crate::ui::Theme;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Renders `src` into lines no wider than `width` (words wrap; code blocks are cut, not
/// wrapped, like a terminal pager would).
pub fn render(src: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer {
        theme,
        width: usize::from(width.max(10)),
        ..Renderer::default_with(theme)
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(src, opts) {
        r.event(ev);
    }
    r.flush();
    while r.out.last().is_some_and(|l| l.width() == 0) {
        r.out.pop();
    }
    r.out
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    out: Vec<Line<'static>>,
    /// Spans of the paragraph being built (wrapped on flush).
    current: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Indentation prefix for list items and quotes.
    prefix: Vec<String>,
    lists: Vec<Option<u64>>,
    in_code: bool,
    link: Option<String>,
    pending_bullet: Option<String>,
}

impl<'t> Renderer<'t> {
    fn default_with(theme: &'t Theme) -> Renderer<'t> {
        Renderer {
            theme,
            width: 80,
            out: Vec::new(),
            current: Vec::new(),
            styles: vec![Style::new()],
            prefix: Vec::new(),
            lists: Vec::new(),
            in_code: false,
            link: None,
            pending_bullet: None,
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, s: Style) {
        let base = self.style();
        self.styles.push(base.patch(s));
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| l.width() > 0) {
            self.out.push(Line::raw(""));
        }
    }

    fn indent(&self) -> String {
        self.prefix.concat()
    }

    /// Wraps the current spans into lines at word boundaries.
    fn flush(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let indent = self.indent();
        let first = self.pending_bullet.take().unwrap_or_else(|| indent.clone());
        let avail = self.width.saturating_sub(indent.width()).max(8);
        let mut line: Vec<Span<'static>> = vec![Span::raw(first)];
        let mut used = 0usize;
        for span in std::mem::take(&mut self.current) {
            let style = span.style;
            for word in span.content.split_inclusive(' ') {
                let w = word.width();
                if used + w > avail && used > 0 {
                    self.out.push(Line::from(std::mem::take(&mut line)));
                    line.push(Span::raw(indent.clone()));
                    used = 0;
                }
                line.push(Span::styled(word.to_string(), style));
                used += w;
            }
        }
        self.out.push(Line::from(line));
    }

    fn text(&mut self, t: &str) {
        if self.in_code {
            for l in t.lines() {
                let mut s = sanitize_line(l);
                let max = self.width.saturating_sub(4);
                if s.width() > max {
                    s = crate::ui::panels::fit(&s, max);
                }
                self.out.push(Line::from(vec![
                    Span::raw(self.indent()),
                    Span::styled("│ ", self.theme.dim()),
                    Span::styled(s, self.theme.accent()),
                ]));
            }
            return;
        }
        let s = sanitize_line(t);
        let style = self.style();
        self.current.push(Span::styled(s, style));
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(c) => {
                let s = sanitize_line(&c);
                self.current.push(Span::styled(
                    s,
                    self.theme.accent().add_modifier(Modifier::BOLD),
                ));
            }
            Event::SoftBreak => self.current.push(Span::raw(" ")),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.out.push(Line::styled(
                    "─".repeat(self.width.min(60)),
                    self.theme.dim(),
                ));
            }
            Event::TaskListMarker(done) => {
                self.current.push(Span::styled(
                    if done { "[x] " } else { "[ ] " },
                    self.theme.accent(),
                ));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // Shown as text (sanitized): a terminal has no HTML, and hiding it could hide
                // what the author wrote.
                let s = sanitize_line(&h);
                if !s.trim().is_empty() {
                    self.current.push(Span::styled(s, self.theme.dim()));
                }
            }
            Event::FootnoteReference(f) => self
                .current
                .push(Span::raw(format!("[{}]", sanitize_line(&f)))),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                let marks = match level {
                    HeadingLevel::H1 => "# ",
                    HeadingLevel::H2 => "## ",
                    _ => "### ",
                };
                self.current.push(Span::styled(marks, self.theme.dim()));
                self.push_style(self.theme.title(true).add_modifier(Modifier::BOLD));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.prefix.push("▎ ".into());
                self.push_style(self.theme.dim());
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.in_code = true;
                if let CodeBlockKind::Fenced(lang) = kind {
                    let lang = sanitize_line(&lang);
                    if !lang.is_empty() {
                        self.out.push(Line::from(vec![
                            Span::raw(self.indent()),
                            Span::styled(format!("┌ {lang}"), self.theme.dim()),
                        ]));
                    }
                }
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => ["• ", "◦ ", "▪ "][depth % 3].to_string(),
                };
                let pad = " ".repeat(bullet.width());
                self.pending_bullet = Some(format!("{}{bullet}", self.indent()));
                self.prefix.push(pad);
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.link = Some(sanitize_line(&dest_url));
                self.push_style(self.theme.number().add_modifier(Modifier::UNDERLINED));
            }
            Tag::Table(_) => self.flush(),
            Tag::TableRow | Tag::TableHead => {}
            Tag::TableCell if !self.current.is_empty() => {
                self.current.push(Span::styled(" │ ", self.theme.dim()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Heading(_) => {
                self.pop_style();
                self.flush();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.prefix.pop();
                self.pop_style();
                self.blank();
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => {
                self.flush();
                self.prefix.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link | TagEnd::Image => {
                self.pop_style();
                if let Some(url) = self.link.take() {
                    // The URL is shown: a link's text can say anything.
                    let shown = self
                        .current
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>();
                    if !shown.ends_with(&url) {
                        self.current
                            .push(Span::styled(format!(" <{url}>"), self.theme.dim()));
                    }
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => self.flush(),
            TagEnd::Table => {
                self.flush();
                self.blank();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn renders_the_usual_constructs() {
        let md = "# Title\n\nSome *em* and **strong** and `code`.\n\n- one\n- two\n  1. nested\n\n```rust\nfn main() {}\n```\n\n> quoted\n\n[docs](https://example.com/docs)\n\n- [x] done\n- [ ] todo\n";
        let out = text(&render(md, 60, &Theme::mono()));
        for needle in [
            "# Title",
            "Some em and strong and code.",
            "• one",
            "• two",
            "1. nested",
            "┌ rust",
            "│ fn main() {}",
            "▎ quoted",
            "docs <https://example.com/docs>",
            "[x] done",
            "[ ] todo",
        ] {
            assert!(out.contains(needle), "{needle:?} missing in:\n{out}");
        }
    }

    #[test]
    fn wraps_to_the_width() {
        let md = "word ".repeat(40);
        let lines = render(&md, 30, &Theme::mono());
        assert!(lines.len() > 5);
        assert!(
            lines.iter().all(|l| l.width() <= 31),
            "{:?}",
            lines.iter().map(|l| l.width()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn escape_sequences_never_survive() {
        let md = "Hi \u{1b}]52;c;ZXZpbA==\u{7}there\n\n```\n\u{1b}[2Jcode\u{1b}]0;t\u{7}\n```\n\n<b>\u{1b}[31mhtml</b>";
        for l in render(md, 60, &Theme::mono()) {
            for s in &l.spans {
                assert!(
                    !s.content.chars().any(|c| c.is_control()),
                    "{:?}",
                    s.content
                );
            }
        }
    }
}
