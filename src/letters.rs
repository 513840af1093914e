//! The award letter (lettre d'octroi), a PDF made with printpdf: the usual parts of DOMAIN.md (parties
//! with NEQ, purpose, amounts per category and per funding source, coaching hours, duration, conditions,
//! payment schedule, acceptance), in French, or in English for an organism that prefers it. The font is
//! DejaVu Sans (free licence, `assets/fonts/`), embedded and subset to the glyphs used. The same award
//! always gives the same bytes: the document's dates are fixed and its file identifier is derived from
//! its content, so that the SHA-256 recorded at award time identifies the letter.

use printpdf::{
    FontId, Mm, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use crate::domain::{GrantId, Hours, Language, Money};
use crate::i18n;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// What a letter states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterData {
    pub grant_id: GrantId,
    pub program: String,
    pub operator: String,
    pub organism: String,
    pub neq: String,
    pub address: String,
    pub project: String,
    /// The award's date, `2026-11-28`.
    pub awarded_on: String,
    pub fiscal_year: String,
    pub equipment: Money,
    pub software: Money,
    pub coaching_hours: Hours,
    pub coaching: Money,
    /// (envelope, category code, amount)
    pub parts: Vec<(String, String, Money)>,
}

impl LetterData {
    pub fn total(&self) -> Money {
        Money::from_cents(self.equipment.cents() + self.software.cents() + self.coaching.cents())
    }
}

/// The letter's lines, in order; an empty line is a paragraph break.
fn lines(d: &LetterData, lang: Language) -> Vec<String> {
    let m = |money: Money| i18n::money(lang, money);
    let t = |id: &str| i18n::t(lang, id);
    let ta = |id: &str, args: &[(&str, String)]| i18n::t_args(lang, id, args);
    let mut out = vec![
        ta("letter-title", &[("program", d.program.clone())]),
        ta("letter-reference", &[("id", d.grant_id.to_string()), ("date", i18n::long_date(lang, &d.awarded_on))]),
        String::new(),
        t("letter-parties"),
        ta("letter-operator", &[("operator", d.operator.clone())]),
        ta("letter-organism", &[("organism", d.organism.clone()), ("neq", d.neq.clone())]),
        d.address.clone(),
        String::new(),
        ta("letter-purpose", &[("project", d.project.clone())]),
        String::new(),
        t("letter-amounts"),
        ta("letter-equipment", &[("amount", m(d.equipment))]),
        ta("letter-software", &[("amount", m(d.software))]),
        ta("letter-coaching", &[("hours", i18n::hours(lang, d.coaching_hours)), ("amount", m(d.coaching))]),
        ta("letter-total", &[("amount", m(d.total()))]),
        String::new(),
        ta("letter-sources", &[("year", d.fiscal_year.clone())]),
    ];
    for (envelope, category, amount) in &d.parts {
        let source = format!("{envelope} · {}", t(&format!("category-{category}")));
        out.push(format!("  {}", i18n::labelled(lang, &source, &m(*amount))));
    }
    for id in ["letter-duration", "letter-conditions", "letter-payments", "letter-obligations", "letter-repayment"] {
        out.push(String::new());
        out.push(t(id));
    }
    out.push(String::new());
    out.push(t("letter-acceptance"));
    out
}

/// Breaks a paragraph into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

/// The letter as PDF bytes; the same data and language give the same bytes.
pub fn render(d: &LetterData, lang: Language) -> Vec<u8> {
    // Parsed once per process: parsing the font's tables was most of a letter's cost.
    static PARSED: std::sync::LazyLock<ParsedFont> =
        std::sync::LazyLock::new(|| ParsedFont::from_bytes(FONT, 0, &mut Vec::new()).expect("the bundled font parses"));
    let font = PARSED.clone();
    let mut doc = PdfDocument::new(&i18n::t_args(lang, "letter-title", &[("program", d.program.clone())]));
    let font_id = FontId("F1".to_string());
    doc.resources.fonts.map.insert(font_id.clone(), PdfFont::new(font));
    let mut pages = Vec::new();
    let mut ops = Vec::new();
    let start = |ops: &mut Vec<Op>| {
        ops.push(Op::StartTextSection);
        ops.push(Op::SetTextCursor { pos: Point { x: Mm(20.0).into(), y: Mm(262.0).into() } });
        ops.push(Op::SetLineHeight { lh: Pt(14.0) });
        ops.push(Op::SetFont { font: PdfFontHandle::External(font_id.clone()), size: Pt(10.5) });
    };
    start(&mut ops);
    let mut used = 0;
    for paragraph in lines(d, lang) {
        for line in wrap(&paragraph, 95) {
            if used == 50 {
                ops.push(Op::EndTextSection);
                pages.push(PdfPage::new(Mm(215.9), Mm(279.4), std::mem::take(&mut ops)));
                start(&mut ops);
                used = 0;
            }
            ops.push(Op::ShowText { items: vec![TextItem::Text(line)] });
            ops.push(Op::AddLineBreak);
            used += 1;
        }
    }
    ops.push(Op::EndTextSection);
    pages.push(PdfPage::new(Mm(215.9), Mm(279.4), ops));
    let doc = doc.with_pages(pages);
    // printpdf compresses every stream at zlib's best level, half of a letter's time; here level 3
    // gives letters 2 % larger in 55 % of the time (measured: 4,4 ms and 18,5 KB a letter → 2,5 ms, 18,9 KB).
    let options = PdfSaveOptions { optimize: false, ..PdfSaveOptions::default() };
    let mut pdf = doc.to_lopdf_document(&options, &mut Vec::new());
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            compress(stream);
        }
    }
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).expect("writing to memory cannot fail");
    with_content_identifier(bytes)
}

/// Compresses a stream with Flate at `LEVEL`, unless it is filtered already or would not shrink.
fn compress(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(LEVEL));
    let compressed = encoder.write_all(&stream.content).and_then(|_| encoder.finish());
    if let Ok(compressed) = compressed.map_err(|e| tracing::warn!("letter stream not compressed: {e}"))
        && compressed.len() < stream.content.len()
    {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
}

const LEVEL: u32 = 3;

/// [`render`] on the blocking pool: a letter is a few milliseconds of CPU, too long for a request's task.
pub async fn render_off_thread(letter: LetterData, lang: Language) -> Vec<u8> {
    tokio::task::spawn_blocking(move || render(&letter, lang)).await.expect("rendering a letter does not panic")
}

/// printpdf writes a random file identifier (`/ID [(…)(…)]` in the trailer); this replaces both strings,
/// same length, with one derived from the rest of the file, so that equal letters are equal bytes.
fn with_content_identifier(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(start) = find(&bytes, b"/ID[(") else { return bytes };
    let first = start + b"/ID[(".len();
    let Some(first_len) = bytes[first..].iter().position(|b| *b == b')') else { return bytes };
    let second = first + first_len + 2;
    let Some(second_len) = bytes.get(second..).and_then(|rest| rest.iter().position(|b| *b == b')')) else {
        return bytes;
    };
    let (a, b) = (first..first + first_len, second..second + second_len);
    bytes[a.clone()].fill(b'0');
    bytes[b.clone()].fill(b'0');
    let digest = crate::domain::sha256_hex(&bytes).to_ascii_uppercase().into_bytes();
    for range in [a, b] {
        for (slot, byte) in bytes[range].iter_mut().zip(digest.iter().cycle()) {
            *slot = *byte;
        }
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// What the letter of an awarded grant states, from the grant, its organism, the program and its
/// commitments in the ledger. `None` before the award.
pub async fn letter_for(
    state: &crate::AppState,
    grant: &crate::storage::grants::Grant,
) -> Result<Option<LetterData>, crate::storage::StorageError> {
    let (Some(equipment), Some(software), Some(coaching_hours), Some(at)) =
        (grant.awarded_equipment, grant.awarded_software, grant.awarded_coaching, grant.awarded_at.clone())
    else {
        return Ok(None);
    };
    let organism = state.db.organism(grant.organism_id).await?;
    let commitments: Vec<_> = state
        .db
        .ledger_entries_of(grant.id)
        .await?
        .into_iter()
        .filter(|e| e.kind == crate::domain::ledger::EntryKind::Commit)
        .collect();
    let amounts = crate::domain::award::AwardAmounts { equipment, software, coaching_hours };
    let fiscal_year = commitments.first().map(|e| e.account.fiscal_year.clone()).unwrap_or_default();
    let parts = commitments.into_iter().map(|e| (e.account.envelope, e.account.category, e.amount)).collect();
    Ok(Some(before_award(state, grant, &organism, &amounts).with_award(parts, fiscal_year, &at)))
}

/// What a letter states before its funding sources, fiscal year and date are known: the parties, the
/// project, the amounts. [`LetterData::with_award`] completes it.
pub fn before_award(
    state: &crate::AppState,
    grant: &crate::storage::grants::Grant,
    organism: &crate::storage::organisms::Organism,
    amounts: &crate::domain::award::AwardAmounts,
) -> LetterData {
    LetterData {
        grant_id: grant.id,
        program: state.program.name.clone(),
        operator: state.program.operator.clone(),
        organism: organism.legal_name.clone(),
        neq: organism.neq.to_string(),
        address: format!("{}, {} {}", organism.street_address, organism.city, organism.postal_code),
        project: grant.title.clone(),
        awarded_on: String::new(),
        fiscal_year: String::new(),
        equipment: amounts.equipment,
        software: amounts.software,
        coaching_hours: amounts.coaching_hours,
        coaching: amounts.coaching(state.program.coaching_hourly_rate),
        parts: Vec::new(),
    }
}

impl LetterData {
    /// The letter with the parts committed (envelope, category, amount, in the order committed), their
    /// fiscal year and the award's time (`2026-11-28T…`).
    pub fn with_award(mut self, parts: Vec<(String, String, Money)>, fiscal_year: String, at: &str) -> LetterData {
        self.parts = parts;
        self.fiscal_year = fiscal_year;
        self.awarded_on = at.get(..10).unwrap_or(at).to_string();
        self
    }
}

/// What a batch of letters made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Awarded grants whose letters were made.
    pub letters: usize,
    /// PDF files written (a French letter each, and an English one for an organism that prefers it).
    pub files: usize,
    pub bytes: u64,
    /// Grants whose French letter no longer matches the SHA-256 recorded at award time (the organism's
    /// name or address, or the program's wording, changed since).
    pub changed: Vec<GrantId>,
}

/// The file a grant's letter is written to: `lettre-octroi-42-fr.pdf`.
pub fn file_name(grant_id: GrantId, lang: Language) -> String {
    format!("lettre-octroi-{grant_id}-{}.pdf", lang.code())
}

/// Makes again the letters of every awarded grant into `out` (`octroi letters`): read from the database
/// one grant at a time, rendered and written on every core at once. `progress` is told of each grant done.
pub async fn batch(
    state: &crate::AppState,
    out: &std::path::Path,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<BatchReport> {
    use anyhow::Context as _;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let ids = state.db.awarded_grant_ids().await?;
    let total = ids.len() as u64;
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) * 2;
    let mut running = tokio::task::JoinSet::new();
    let mut report = BatchReport::default();
    let mut done = 0;
    let mut collect = |r: Result<anyhow::Result<(GrantId, usize, u64, bool)>, tokio::task::JoinError>| {
        let (grant_id, files, bytes, same) = r??;
        report.letters += 1;
        report.files += files;
        report.bytes += bytes;
        if !same {
            report.changed.push(grant_id);
        }
        done += 1;
        progress(done, total);
        anyhow::Ok(())
    };
    for id in ids {
        let grant = state.db.grant(id).await?;
        let Some(letter) = letter_for(state, &grant).await? else { continue };
        let english = state.db.organism(grant.organism_id).await?.preferred_language == Language::En;
        let (out, recorded) = (out.to_path_buf(), grant.letter_sha256.clone());
        if running.len() >= workers {
            collect(running.join_next().await.expect("a running task"))?;
        }
        running.spawn_blocking(move || {
            let langs: &[Language] = if english { &[Language::Fr, Language::En] } else { &[Language::Fr] };
            let (mut bytes, mut same) = (0, true);
            for &lang in langs {
                let pdf = render(&letter, lang);
                if lang == Language::Fr {
                    same = recorded.as_deref().is_none_or(|r| r == crate::domain::sha256_hex(&pdf));
                }
                let path = out.join(file_name(id, lang));
                std::fs::write(&path, &pdf).with_context(|| format!("cannot write {}", path.display()))?;
                bytes += pdf.len() as u64;
            }
            Ok((id, langs.len(), bytes, same))
        });
    }
    while let Some(r) = running.join_next().await {
        collect(r)?;
    }
    report.changed.sort_unstable();
    Ok(report)
}
