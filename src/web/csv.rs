//! Every CSV file octroi writes. They open correctly in a French-Canadian spreadsheet (LibreOffice, Excel
//! set to fr-CA): UTF-8 with a byte-order mark (so that accents survive), `;` between fields, a decimal
//! comma and no thousands separator in amounts (`1234,56`), CRLF line ends, fields quoted when they hold
//! `;`, `"` or a line end. A text cell that a spreadsheet would read as a formula (OWASP's CSV injection:
//! it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`, so that
//! an organism named `=HYPERLINK(…)` reaches finance as text; amounts are left as numbers.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::problem::Problem;

/// An amount as a French-Canadian spreadsheet reads it: `1234,56`.
pub fn csv_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// Whether a cell is a plain number as [`csv_amount`] writes it (`-12,34`, `7`): never a formula.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once(',').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The cell as a spreadsheet must receive it: text that would start a formula gets a leading `'`.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && !is_number(cell) { format!("'{cell}").into() } else { cell.into() }
}

/// The file: a byte-order mark, the header row, then the rows, every cell made safe.
pub fn csv_bytes(header_row: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, Problem> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer =
        ::csv::WriterBuilder::new().delimiter(b';').terminator(::csv::Terminator::CRLF).from_writer(&mut out);
    let mut write = |row: Vec<std::borrow::Cow<'_, str>>| {
        writer.write_record(row.iter().map(|c| c.as_bytes())).map_err(|_| Problem::Internal)
    };
    write(header_row.iter().map(|h| safe_cell(h)).collect())?;
    for row in &rows {
        write(row.iter().map(|c| safe_cell(c)).collect())?;
    }
    writer.flush().map_err(|_| Problem::Internal)?;
    drop(writer);
    Ok(out)
}

pub fn csv_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_reach_the_spreadsheet_as_text() {
        for evil in ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "-"] {
            assert_eq!(safe_cell(evil), format!("'{evil}"), "{evil:?}");
        }
        for plain in ["Centre d'aide", "1234,56", "-1234,56", "0", "-7", "2024-2025", "'quoted", "a=b"] {
            assert_eq!(safe_cell(plain), plain, "{plain:?}");
        }
        let bytes = csv_bytes(&["nom", "montant"], vec![vec!["=1+1".into(), "-12,50".into()]]).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "\u{feff}nom;montant\r\n'=1+1;-12,50\r\n");
    }
}
