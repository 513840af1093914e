//! A small page layout for octroi's documents (award letters now; coach invoices and reports next):
//! paragraphs wrapped on the fonts' real widths, headings, two-column amount tables aligned on the
//! decimal, boxes, rules, and a footer on every page that knows the page count. Letter-size pages, DejaVu
//! Sans regular and bold, embedded and subset by printpdf. Pure: the same calls give the same operations.

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfFontHandle, PdfPage, Point, Pt, Rect,
    TextItem,
};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces, parsed once per process (parsing a font's tables costs more than a letter).
pub(super) fn fonts() -> &'static [ParsedFont; 2] {
    static PARSED: std::sync::LazyLock<[ParsedFont; 2]> = std::sync::LazyLock::new(|| {
        [REGULAR, BOLD].map(|bytes| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("a bundled font parses"))
    });
    &PARSED
}

/// The font resource names the pages use, in the order of [`fonts`].
pub(super) const FONT_IDS: [&str; 2] = ["F1", "F2"];

/// US Letter, the paper Québec offices print on.
pub const PAGE_WIDTH: f32 = 612.0;
pub const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 64.0;
const TOP: f32 = PAGE_HEIGHT - 56.0;
/// The lowest a line of the body may sit; the footer is below.
const BOTTOM: f32 = 72.0;
const FOOTER: f32 = 36.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// A run of text's look: its face and size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
}

impl Style {
    pub const BODY: Style = Style { face: Face::Regular, size: 10.0 };
    pub const STRONG: Style = Style { face: Face::Bold, size: 10.0 };
    pub const SMALL: Style = Style { face: Face::Regular, size: 8.0 };
    pub const HEADING: Style = Style { face: Face::Bold, size: 11.0 };
    pub const TITLE: Style = Style { face: Face::Bold, size: 15.0 };
    pub const LETTERHEAD: Style = Style { face: Face::Bold, size: 20.0 };

    fn leading(self) -> f32 {
        self.size * 1.4
    }
}

/// One row of an amounts table: a label on the left, an amount right-aligned (so aligned on the decimal:
/// every amount has two decimals and the same currency sign), bold for a total.
pub struct AmountRow {
    pub label: String,
    pub amount: String,
    pub total: bool,
}

/// Width of `text` in `style`, in points, from the font's advance widths (printpdf shows glyphs with
/// their advances and no kerning, so this is the width drawn).
pub fn width(text: &str, style: Style) -> f32 {
    let font = &fonts()[style.face as usize];
    let per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| u32::from(font.get_horizontal_advance(font.lookup_glyph_index(c as u32).unwrap_or(0))))
        .sum();
    units as f32 * style.size / per_em
}

/// Breaks `text` into lines no wider than `max` points, at ordinary spaces (never at a non-breaking one).
pub fn wrap(text: &str, style: Style, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && width(&candidate, style) > max {
            out.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    out.push(line);
    out
}

/// Pages being laid out, top to bottom.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The baseline of the next line, in points from the bottom of the page.
    y: f32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { pages: Vec::new(), ops: Vec::new(), y: TOP }
    }
}

impl Layout {
    /// Starts a new page unless `height` points still fit on this one.
    pub fn keep(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.pages.push(std::mem::take(&mut self.ops));
            self.y = TOP;
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// `text` on one line at `x` (from the left margin) on the current line, without moving down.
    pub fn text_at(&mut self, x: f32, text: &str, style: Style) {
        draw_text(&mut self.ops, MARGIN + x, self.y, text, style);
    }

    /// `text` on one line, right-aligned on the right margin, without moving down.
    pub fn text_right(&mut self, text: &str, style: Style) {
        let x = CONTENT_WIDTH - width(text, style);
        self.text_at(x, text, style);
    }

    /// A paragraph wrapped to the content width, indented by `indent` points; a paragraph moves to the
    /// next page whole when it has three lines or fewer, else line by line.
    pub fn paragraph_indented(&mut self, indent: f32, text: &str, style: Style) {
        let lines = wrap(text, style, CONTENT_WIDTH - indent);
        if lines.len() <= 3 {
            self.keep(lines.len() as f32 * style.leading());
        }
        for line in lines {
            self.keep(style.leading());
            self.y -= style.size;
            self.text_at(indent, &line, style);
            self.y -= style.leading() - style.size;
        }
    }

    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.paragraph_indented(0.0, text, style);
    }

    /// A numbered section: its number and heading in bold, its text indented under the heading; the
    /// heading never ends a page alone (it goes with its text, or the text's first two lines).
    pub fn section(&mut self, number: usize, heading: &str, text: &str) {
        let lines = wrap(text, Style::BODY, CONTENT_WIDTH - 18.0).len();
        let kept = if lines <= 3 { lines } else { 2 };
        self.keep(Style::HEADING.leading() + kept as f32 * Style::BODY.leading());
        self.y -= Style::HEADING.size;
        self.text_at(0.0, &format!("{number}."), Style::HEADING);
        self.text_at(18.0, heading, Style::HEADING);
        self.y -= Style::HEADING.leading() - Style::HEADING.size;
        self.paragraph_indented(18.0, text, Style::BODY);
    }

    /// A horizontal rule across the content width.
    pub fn rule(&mut self, thickness: f32) {
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::SetOutlineColor { col: grey(0.35) });
        self.ops.push(Op::DrawLine { line: segment(MARGIN, self.y, MARGIN + CONTENT_WIDTH, self.y) });
    }

    /// A table of amounts under a header row (`header`: the labels' and the amounts' column titles), the
    /// amounts right-aligned; a rule above a total. The table moves to the next page whole.
    pub fn amounts(&mut self, header: (&str, &str), rows: &[AmountRow]) {
        let row = Style::BODY.leading() + 2.0;
        self.keep(row * (rows.len() + 1) as f32 + 4.0);
        self.y -= Style::SMALL.size + 2.0;
        self.text_at(6.0, header.0, Style::SMALL);
        let right = CONTENT_WIDTH - 6.0;
        self.text_at(right - width(header.1, Style::SMALL), header.1, Style::SMALL);
        self.y -= 4.0;
        self.rule(0.6);
        for r in rows {
            let style = if r.total { Style::STRONG } else { Style::BODY };
            if r.total {
                self.y -= 2.0;
                self.rule(0.6);
            }
            self.y -= row - 2.0;
            let room = right - 24.0 - width(&r.amount, style);
            let label = wrap(&r.label, style, room).into_iter().next().unwrap_or_default();
            self.text_at(6.0, &label, style);
            self.text_at(right - width(&r.amount, style), &r.amount, style);
            self.y -= 4.0;
        }
    }

    /// A framed box holding `heading` and paragraphs; it moves to the next page whole.
    pub fn framed(&mut self, heading: &str, paragraphs: &[(String, Style)]) {
        let inner = CONTENT_WIDTH - 24.0;
        let lines: Vec<(String, Style)> = paragraphs
            .iter()
            .flat_map(|(text, style)| wrap(text, *style, inner).into_iter().map(move |l| (l, *style)))
            .collect();
        let height = 14.0 + Style::HEADING.leading() + lines.iter().map(|(_, s)| s.leading()).sum::<f32>() + 8.0;
        self.keep(height);
        let top = self.y;
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
        self.ops.push(Op::SetOutlineColor { col: grey(0.35) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Stroke),
                ..Rect::from_xywh(Pt(MARGIN), Pt(top - height), Pt(CONTENT_WIDTH), Pt(height))
            },
        });
        self.y -= 12.0 + Style::HEADING.size;
        self.text_at(12.0, heading, Style::HEADING);
        self.y -= Style::HEADING.leading() - Style::HEADING.size;
        for (line, style) in lines {
            self.y -= style.size;
            self.text_at(12.0, &line, style);
            self.y -= style.leading() - style.size;
        }
        self.y = top - height;
    }

    /// The pages, each with `footer(page, pages)` centred at its foot.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<PdfPage> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.ops));
        }
        let count = self.pages.len();
        self.pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let text = footer(i + 1, count);
                let x = (PAGE_WIDTH - width(&text, Style::SMALL)) / 2.0;
                draw_text(&mut ops, x, FOOTER, &text, Style::SMALL);
                PdfPage::new(Mm::from(Pt(PAGE_WIDTH)), Mm::from(Pt(PAGE_HEIGHT)), ops)
            })
            .collect()
    }
}

fn draw_text(ops: &mut Vec<Op>, x: f32, y: f32, text: &str, style: Style) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(FontId(FONT_IDS[style.face as usize].to_string())),
        size: Pt(style.size),
    });
    ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } });
    ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
    ops.push(Op::EndTextSection);
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale { percent: level, icc_profile: None })
}

fn segment(x1: f32, y1: f32, x2: f32, y2: f32) -> Line {
    let point = |x, y| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    Line { points: vec![point(x1, y1), point(x2, y2)], is_closed: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_on_measured_widths_and_never_at_a_non_breaking_space() {
        let text = "Les sommes utilisées à d'autres fins doivent être remboursées\u{a0}; le programme peut résilier";
        let lines = wrap(text, Style::BODY, 200.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, Style::BODY) <= 200.0), "{lines:?}");
        assert_eq!(lines.join(" "), text, "nothing lost");
        assert!(lines.iter().all(|l| !l.starts_with(';')), "a semicolon stays with its word: {lines:?}");
        // A bold "W" is wider than a regular "i": widths come from the fonts, not from counting characters.
        assert!(width("W", Style::STRONG) > 2.0 * width("i", Style::BODY));
        assert_eq!(width("1 234,56", Style::BODY), width("9 876,54", Style::BODY), "tabular digits");
    }

    #[test]
    fn every_page_gets_a_footer_that_knows_the_page_count() {
        let mut layout = Layout::default();
        for _ in 0..80 {
            layout.paragraph("Une ligne de texte.", Style::BODY);
        }
        let pages = layout.finish(|page, pages| format!("Page {page} de {pages}"));
        assert_eq!(pages.len(), 2);
        let shown = |page: &PdfPage| {
            page.ops
                .iter()
                .filter_map(|op| match op {
                    Op::ShowText { items } => match &items[0] {
                        TextItem::Text(t) => Some(t.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(&pages[0]).last().unwrap(), "Page 1 de 2");
        assert_eq!(shown(&pages[1]).last().unwrap(), "Page 2 de 2");
        assert_eq!(shown(&pages[0]).len() + shown(&pages[1]).len(), 82);
    }
}
