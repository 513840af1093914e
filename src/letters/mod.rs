//! The award letter (lettre d'octroi), a PDF made with printpdf and laid out as an official letter
//! ([`layout`]): letterhead, date written out, reference, the organism as addressee, subject, salutation,
//! the amounts and funding sources in tables aligned on the decimal, numbered conditions, the program's
//! signatory, an acceptance block, and page numbers. It states the usual parts of DOMAIN.md, in French,
//! or in English for an organism that prefers it. The fonts are DejaVu Sans regular and bold (free
//! licence, `assets/fonts/`), embedded and subset to the glyphs used. The same award always gives the
//! same bytes: the document's dates are the award's and its file identifier is derived from its content,
//! so that the SHA-256 recorded at award time identifies the letter. The metadata claims no conformance
//! it does not have: printpdf's PDF/A output intent is a 650 KB CMYK profile, far over a letter's budget.

pub mod layout;

use printpdf::{FontId, PdfDocument, PdfFont, PdfSaveOptions};

use crate::domain::{GrantId, Hours, Language, Money};
use crate::i18n;
use layout::{AmountRow, Layout, Style};

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
    pub hourly_rate: Money,
    /// (envelope, category code, amount)
    pub parts: Vec<(String, String, Money)>,
    /// The envelopes' names: (code, French name, English name).
    pub envelopes: Vec<(String, String, String)>,
    /// Who signs for the operator: (name, French title, English title).
    pub signatory: (String, String, String),
    /// Who accepted the letter, once accepted.
    pub accepted: Option<Accepted>,
}

/// The acceptance a letter shows once the organism accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub name: String,
    pub title: String,
    /// `2026-12-01…`
    pub at: String,
    /// The SHA-256 of the letter accepted (as awarded, without this block).
    pub letter_sha256: String,
}

impl LetterData {
    pub fn total(&self) -> Money {
        Money::from_cents(self.equipment.cents() + self.software.cents() + self.coaching.cents())
    }

    /// The letter as awarded, without its acceptance: what the SHA-256 recorded at award time identifies.
    pub fn as_awarded(&self) -> LetterData {
        LetterData { accepted: None, ..self.clone() }
    }

    fn envelope_name(&self, code: &str, lang: Language) -> String {
        self.envelopes
            .iter()
            .find(|(c, ..)| c == code)
            .map(|(_, fr, en)| format!("{} ({code})", if lang == Language::En { en } else { fr }))
            .unwrap_or_else(|| code.to_string())
    }
}

/// The letter's pages.
fn compose(d: &LetterData, lang: Language) -> Vec<printpdf::PdfPage> {
    let m = |money: Money| i18n::money(lang, money);
    let t = |id: &str| i18n::t(lang, id);
    let ta = |id: &str, args: &[(&str, String)]| i18n::t_args(lang, id, args);
    let id = d.grant_id.to_string();
    let mut l = Layout::default();

    // Letterhead: the program, what it is, who runs it; the date on the right.
    l.space(Style::LETTERHEAD.size);
    l.text_at(0.0, &d.program, Style::LETTERHEAD);
    l.text_right(&ta("letter-date", &[("date", i18n::long_date(lang, &d.awarded_on))]), Style::BODY);
    l.space(14.0);
    l.paragraph(&t("letter-letterhead"), Style::SMALL);
    l.paragraph(&d.operator, Style::SMALL);
    l.space(4.0);
    l.rule(1.2);
    l.space(18.0);

    // Addressee and reference.
    l.paragraph(&d.organism, Style::STRONG);
    l.paragraph(&d.address, Style::BODY);
    l.paragraph(&ta("letter-neq", &[("neq", d.neq.clone())]), Style::BODY);
    l.space(12.0);
    l.paragraph(&ta("letter-reference", &[("id", id.clone())]), Style::BODY);
    l.space(14.0);
    l.paragraph(&ta("letter-title", &[("program", d.program.clone())]), Style::TITLE);
    l.space(4.0);
    l.paragraph(
        &ta("letter-subject", &[("program", d.program.clone()), ("project", d.project.clone())]),
        Style::STRONG,
    );
    l.space(12.0);
    l.paragraph(&t("letter-salutation"), Style::BODY);
    l.space(6.0);
    let opening = [
        ("operator", d.operator.clone()),
        ("program", d.program.clone()),
        ("organism", d.organism.clone()),
        ("project", d.project.clone()),
    ];
    l.paragraph(&ta("letter-opening", &opening), Style::BODY);
    l.space(12.0);

    // The amounts, then where they come from.
    l.paragraph(&t("letter-amounts"), Style::HEADING);
    l.space(2.0);
    let coaching = [("hours", i18n::hours(lang, d.coaching_hours)), ("rate", m(d.hourly_rate))];
    let row = |label: String, amount: Money, total| AmountRow { label, amount: m(amount), total };
    l.amounts(
        (&t("letter-column-category"), &t("letter-column-amount")),
        &[
            row(t("category-equipment"), d.equipment, false),
            row(t("category-software"), d.software, false),
            row(ta("letter-coaching", &coaching), d.coaching, false),
            row(t("letter-total"), d.total(), true),
        ],
    );
    l.space(14.0);
    l.paragraph(&ta("letter-sources", &[("year", d.fiscal_year.clone())]), Style::HEADING);
    l.space(2.0);
    let sources: Vec<AmountRow> = d
        .parts
        .iter()
        .map(|(envelope, category, amount)| {
            let label = format!("{} — {}", d.envelope_name(envelope, lang), t(&format!("category-{category}")));
            row(label, *amount, false)
        })
        .chain([row(t("letter-total"), d.parts.iter().map(|p| p.2).sum(), true)])
        .collect();
    l.amounts((&t("letter-column-source"), &t("letter-column-amount")), &sources);
    l.space(16.0);

    // Conditions, numbered.
    l.paragraph(&t("letter-conditions"), Style::HEADING);
    l.space(4.0);
    for (n, key) in ["duration", "eligible", "payments", "obligations", "repayment", "acceptance"].iter().enumerate() {
        l.section(n + 1, &t(&format!("letter-{key}-heading")), &t(&format!("letter-{key}")));
        l.space(6.0);
    }

    // Closing and signature.
    l.space(6.0);
    l.paragraph(&t("letter-closing"), Style::BODY);
    l.keep(70.0);
    l.space(36.0);
    let (name, title_fr, title_en) = &d.signatory;
    l.paragraph(name, Style::STRONG);
    l.paragraph(if lang == Language::En { title_en } else { title_fr }, Style::BODY);
    l.space(18.0);

    // Acceptance.
    let block = match &d.accepted {
        Some(a) => vec![
            (
                ta(
                    "letter-accepted",
                    &[
                        ("organism", d.organism.clone()),
                        ("name", a.name.clone()),
                        ("title", a.title.clone()),
                        ("date", i18n::long_date(lang, &a.at)),
                    ],
                ),
                Style::BODY,
            ),
            (t("letter-accepted-fingerprint"), Style::SMALL),
            (a.letter_sha256.clone(), Style::SMALL),
        ],
        None => vec![(t("letter-acceptance-pending"), Style::BODY)],
    };
    l.framed(&t("letter-acceptance-box"), &block);

    l.finish(|page, pages| {
        ta(
            "letter-footer",
            &[
                ("program", d.program.clone()),
                ("id", id.clone()),
                ("page", page.to_string()),
                ("pages", pages.to_string()),
            ],
        )
    })
}

/// The letter as PDF bytes; the same data and language give the same bytes.
pub fn render(d: &LetterData, lang: Language) -> Vec<u8> {
    let title = i18n::t_args(lang, "letter-title", &[("program", d.program.clone())]);
    let mut doc = PdfDocument::new(&title);
    for (font, id) in layout::fonts().iter().zip(layout::FONT_IDS) {
        doc.resources.fonts.map.insert(FontId(id.to_string()), PdfFont::new(font.clone()));
    }
    let doc = doc.with_pages(compose(d, lang));
    // printpdf compresses every stream at zlib's best level, half of a letter's time; here level 3
    // gives letters 2 % larger in 55 % of the time (measured: 4,4 ms and 18,5 KB a letter → 2,5 ms, 18,9 KB).
    let options = PdfSaveOptions { optimize: false, ..PdfSaveOptions::default() };
    let mut pdf = doc.to_lopdf_document(&options, &mut Vec::new());
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            compress(stream);
        }
    }
    tell_the_truth(&mut pdf, d, &title, lang);
    tag_subsets(&mut pdf);
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).expect("writing to memory cannot fail");
    with_content_identifier(bytes)
}

/// The document information says what the letter is and nothing it is not: its title, author (the
/// operator), subject, language, the award's date as creation date, octroi as producer; no PDF/X
/// version nor trapping claim (printpdf writes both by default).
fn tell_the_truth(pdf: &mut lopdf::Document, d: &LetterData, title: &str, lang: Language) {
    use lopdf::{Object, StringFormat};
    let text = |s: &str| {
        let mut utf16 = vec![0xFE, 0xFF];
        utf16.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(utf16, StringFormat::Hexadecimal)
    };
    let date = format!("D:{}000000Z", d.awarded_on.replace('-', ""));
    let info = lopdf::Dictionary::from_iter(vec![
        ("Title", text(title)),
        ("Author", text(&d.operator)),
        ("Subject", text(&format!("{} · {}", d.organism, d.project))),
        ("Creator", text("octroi")),
        ("Producer", text("octroi (printpdf)")),
        ("CreationDate", Object::string_literal(date.clone())),
        ("ModDate", Object::string_literal(date)),
    ]);
    match pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            pdf.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = pdf.add_object(info);
            pdf.trailer.set("Info", id);
        }
    }
    if let Ok(catalog) = pdf.catalog_mut() {
        catalog.set("Lang", Object::string_literal(lang.code()));
    }
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

/// A subset font's name carries a tag of six capital letters (`ABCDEF+DejaVuSans`, ISO 32000 9.6.4) that
/// tells readers it is a subset; printpdf writes its resource name instead (`F1+DejaVuSans`). The tag
/// here is derived from the embedded font program, so that the same glyphs get the same tag.
fn tag_subsets(pdf: &mut lopdf::Document) {
    use lopdf::Object;
    let mut tags = std::collections::BTreeMap::new();
    for object in pdf.objects.values() {
        let Ok(descriptor) = object.as_dict() else { continue };
        let (Ok(name), Ok(file)) = (
            descriptor.get(b"FontName").and_then(Object::as_name),
            descriptor.get(b"FontFile2").and_then(Object::as_reference),
        ) else {
            continue;
        };
        let prefix = name.split(|b| *b == b'+').next().unwrap_or_default().to_vec();
        let Ok(program) = pdf.get_object(file).and_then(Object::as_stream) else { continue };
        let digest = crate::domain::sha256_hex(&program.content);
        let tag: Vec<u8> = digest.bytes().take(6).map(|b| b'A' + b % 26).collect();
        tags.insert(prefix, tag);
    }
    for object in pdf.objects.values_mut() {
        let Ok(dict) = object.as_dict_mut() else { continue };
        for key in [&b"FontName"[..], b"BaseFont"] {
            let Ok(Object::Name(name)) = dict.get_mut(key) else { continue };
            let Some(plus) = name.iter().position(|b| *b == b'+') else { continue };
            if let Some(tag) = tags.get(&name[..plus]) {
                name.splice(..plus, tag.iter().copied());
            }
        }
    }
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
/// commitments in the ledger, and its acceptance once accepted. `None` before the award.
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
    let accepted = state.db.acceptance(grant.id).await?.map(|a| Accepted {
        name: a.signer_name,
        title: a.signer_title,
        at: a.accepted_at,
        letter_sha256: a.letter_sha256,
    });
    let letter = before_award(state, grant, &organism, &amounts).with_award(parts, fiscal_year, &at);
    Ok(Some(LetterData { accepted, ..letter }))
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
        hourly_rate: state.program.coaching_hourly_rate,
        parts: Vec::new(),
        envelopes: state
            .program
            .envelopes
            .iter()
            .map(|e| (e.code.clone(), e.name_fr.clone(), e.name_en.clone()))
            .collect(),
        signatory: {
            let c = &state.program.contact;
            (c.signatory_name.clone(), c.signatory_title_fr.clone(), c.signatory_title_en.clone())
        },
        accepted: None,
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
                    let awarded =
                        if letter.accepted.is_some() { render(&letter.as_awarded(), lang) } else { pdf.clone() };
                    same = recorded.as_deref().is_none_or(|r| r == crate::domain::sha256_hex(&awarded));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A letter with every part: two funding sources, a long project name, accepted or not.
    fn sample(accepted: bool) -> LetterData {
        LetterData {
            grant_id: GrantId(42),
            program: "DATAide".into(),
            operator: "Centraide du Grand Montréal".into(),
            organism: "Cuisine collective d'Hochelaga-Maisonneuve".into(),
            neq: "1100000001".into(),
            address: "2000, rue Ontario Est, Montréal H2K 1V3".into(),
            project: "Un parc informatique pour l'aide alimentaire et le soutien aux personnes seules".into(),
            awarded_on: "2026-11-30".into(),
            fiscal_year: "2026-2027".into(),
            equipment: Money::from_cents(240_000),
            software: Money::from_cents(19_999),
            coaching_hours: Hours::parse("6").unwrap(),
            coaching: Money::from_cents(57_000),
            hourly_rate: Money::from_cents(9_500),
            parts: vec![
                ("FQIS".into(), "equipment".into(), Money::from_cents(240_000)),
                ("FQIS".into(), "software".into(), Money::from_cents(19_999)),
                ("FDMT".into(), "coaching".into(), Money::from_cents(57_000)),
            ],
            envelopes: vec![
                (
                    "FQIS".into(),
                    "Fonds québécois d'initiatives sociales".into(),
                    "Québec Social Initiatives Fund".into(),
                ),
                (
                    "FDMT".into(),
                    "Fonds de développement du marché du travail".into(),
                    "Labour Market Development Fund".into(),
                ),
            ],
            signatory: ("Direction du programme DATAide".into(), "Pour Centraide".into(), "For Centraide".into()),
            accepted: accepted.then(|| Accepted {
                name: "Marie Tremblay".into(),
                title: "Directrice générale".into(),
                at: "2026-12-01T15:04:05Z".into(),
                letter_sha256: "ab".repeat(32),
            }),
        }
    }

    /// The letter's text as `pdftotext -layout` reads it (poppler-utils; `.ci/run` installs it and sets
    /// `OCTROI_REQUIRE_PDFTOTEXT`), or `None` where it is not installed.
    fn pdftotext(pdf: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letter.pdf");
        std::fs::write(&path, pdf).unwrap();
        match std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(&path).arg("-").output() {
            Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
            _ => {
                assert!(std::env::var("OCTROI_REQUIRE_PDFTOTEXT").is_err(), "pdftotext is required and missing");
                None
            }
        }
    }

    #[test]
    fn the_letter_reads_as_an_official_letter_in_both_languages() {
        for (lang, accepted, name) in [
            (Language::Fr, false, "letter-fr"),
            (Language::En, false, "letter-en"),
            (Language::Fr, true, "letter-fr-accepted"),
        ] {
            let pdf = render(&sample(accepted), lang);
            assert_eq!(pdf, render(&sample(accepted), lang), "the same letter, the same bytes");
            let Some(text) = pdftotext(&pdf) else { continue };
            // Trailing spaces are pdftotext's column padding, not the letter's.
            let text: String = text.lines().map(|l| format!("{}\n", l.trim_end())).collect();
            insta::assert_snapshot!(name, text);
        }
    }

    #[test]
    fn the_letter_is_small_and_its_metadata_claims_nothing_it_is_not() {
        let pdf = render(&sample(true), Language::Fr);
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages = doc.get_pages().len();
        assert!(pages >= 2, "{pages} pages");
        assert!(pdf.len() < 30_000 * pages, "{} bytes for {pages} pages", pdf.len());
        let info = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference).unwrap();
        let info = doc.get_dictionary(info).unwrap();
        for claim in [&b"GTS_PDFXVersion"[..], b"Trapped"] {
            assert!(info.get(claim).is_err(), "claims {}", String::from_utf8_lossy(claim));
        }
        assert!(!String::from_utf8_lossy(&pdf).contains("GTS_PDFX"), "no PDF/X claim anywhere in the file");
        assert_eq!(info.get(b"CreationDate").unwrap().as_str().unwrap(), b"D:20261130000000Z", "the award's date");
        // Every font is embedded as a subset and says so with a six-letter tag (`ABCDEF+DejaVuSans`).
        let mut fonts = 0;
        for object in doc.objects.values() {
            if let Ok(dict) = object.as_dict()
                && dict.get(b"Type").and_then(lopdf::Object::as_name).ok() == Some(&b"FontDescriptor"[..])
            {
                let name = String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).to_string();
                let (tag, base) = name.split_once('+').unwrap_or_else(|| panic!("{name} has no subset tag"));
                assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
                assert!(base.starts_with("DejaVuSans"), "{name}");
                fonts += 1;
            }
        }
        assert_eq!(fonts, 2, "regular and bold");
    }
}
