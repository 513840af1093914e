//! What a person typed, field by field, and why a field was refused: collected so that one answer lists
//! every refused field, in the order and the words each door shows (a page's summary, the API's list).

use validator::{ValidationErrors, ValidationErrorsKind};

use crate::app::AppError;
use crate::domain::account::PasswordError;
use crate::domain::{Hours, Language, Money, MoneyError, NumberStyle, OrganismError};
use crate::i18n;

/// Why one field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong {
        max: u64,
    },
    Organism(OrganismError),
    /// An amount or hours refused, and the form expected where it was typed (a page's language, or the
    /// API's `1234.56`).
    Amount(MoneyError, NumberStyle),
    OutOfRange,
    /// Not one of the offered choices.
    Choice,
    /// A whole number from 1 to `max`.
    Quantity {
        max: u64,
    },
    TooMany {
        max: u64,
    },
    Password(PasswordError),
    /// The two passwords typed differ.
    PasswordMismatch,
    /// Someone else saved first.
    Conflict,
    /// Neither a line with an amount nor coaching hours.
    NothingRequested,
    /// An approval that proposes no money and no coaching.
    NothingProposed,
    /// A score that is not a whole number on the rubric's scale.
    Score {
        min: i64,
        max: i64,
    },
    /// A proposal above the program's per-bourse cap.
    AboveCap {
        cap: crate::domain::Money,
    },
    /// The password typed is not the account's.
    WrongPassword,
    /// Too many tries: wait before trying again.
    TooManyAttempts,
    /// A line break, tab or other control character in a one-line field.
    ControlCharacters,
    /// An address holding a parameter the list does not know (an old or mistyped link).
    UnknownFilter,
    /// A list left on its blank choice: "Choisissez une région" (`problem-choose-{what}`).
    NotChosen(&'static str),
    /// Going past a failed eligibility rule without saying why.
    RuleOverride,
    /// A file refused by the document store, by its name.
    Document {
        file: String,
        problem: crate::documents::DocumentError,
    },
    /// More files than one message takes.
    TooManyFiles {
        max: u64,
    },
    /// A GST or QST registration number not in its official shape.
    TaxNumber,
    /// A purchase of this price comes with this many quotes.
    QuotesNeeded {
        needed: u64,
    },
    /// A receipt of nothing.
    NothingReceived,
    /// More units than the line still expects.
    MoreThanOrdered {
        left: u64,
    },
    /// One serial number per unit of equipment received.
    Serials {
        expected: u64,
    },
    /// A serial number typed twice in one receipt.
    DuplicateSerial {
        serial: String,
    },
    /// An invoice number this organism already recorded for this vendor.
    DuplicateInvoice,
    /// An invoice dated in the future or before the award.
    InvoiceDate {
        awarded: String,
    },
    /// Not a date written `2026-11-30`.
    Date,
    /// A return gives back more than the purchase spent in its category.
    ReturnTooLarge {
        spent: crate::domain::Money,
    },
    /// A serial number given back that the purchase did not receive as equipment, or gave back already.
    SerialNotReturnable {
        serial: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

impl FieldProblem {
    pub fn code(&self) -> &'static str {
        match self {
            FieldProblem::Required => "required",
            FieldProblem::TooLong { .. } => "too-long",
            FieldProblem::Organism(OrganismError::NeqShape | OrganismError::NeqLegalForm) => "invalid-neq",
            FieldProblem::Organism(OrganismError::Region) => "invalid-region",
            FieldProblem::Organism(OrganismError::Email) => "invalid-email",
            FieldProblem::Organism(OrganismError::PostalCode) => "invalid-postal-code",
            FieldProblem::Organism(OrganismError::Language) => "invalid-language",
            FieldProblem::Amount(MoneyError::Ambiguous(_), _) => "ambiguous-amount",
            FieldProblem::Amount(..) => "invalid-amount",
            FieldProblem::OutOfRange => "out-of-range",
            FieldProblem::Choice => "invalid-choice",
            FieldProblem::Quantity { .. } => "invalid-quantity",
            FieldProblem::TooMany { .. } => "too-many",
            FieldProblem::Password(_) => "weak-password",
            FieldProblem::PasswordMismatch => "password-mismatch",
            FieldProblem::Conflict => "version-conflict",
            FieldProblem::NothingRequested => "nothing-requested",
            FieldProblem::NothingProposed => "nothing-proposed",
            FieldProblem::RuleOverride => "rule-override",
            FieldProblem::Document { .. } => "document-refused",
            FieldProblem::TooManyFiles { .. } => "too-many-files",
            FieldProblem::Score { .. } => "invalid-score",
            FieldProblem::AboveCap { .. } => "above-cap",
            FieldProblem::WrongPassword => "wrong-password",
            FieldProblem::TooManyAttempts => "too-many-attempts",
            FieldProblem::ControlCharacters => "control-characters",
            FieldProblem::UnknownFilter => "unknown-filter",
            FieldProblem::NotChosen(_) => "not-chosen",
            FieldProblem::TaxNumber => "invalid-tax-number",
            FieldProblem::QuotesNeeded { .. } => "quotes-needed",
            FieldProblem::NothingReceived => "nothing-received",
            FieldProblem::MoreThanOrdered { .. } => "more-than-ordered",
            FieldProblem::Serials { .. } => "serials-needed",
            FieldProblem::DuplicateSerial { .. } => "duplicate-serial",
            FieldProblem::DuplicateInvoice => "duplicate-invoice",
            FieldProblem::InvoiceDate { .. } => "invoice-date",
            FieldProblem::ReturnTooLarge { .. } => "return-too-large",
            FieldProblem::SerialNotReturnable { .. } => "serial-not-returnable",
            FieldProblem::Date => "invalid-date",
        }
    }

    pub fn message(&self, lang: Language) -> String {
        match self {
            FieldProblem::Required => i18n::t(lang, "problem-this-field-is-required"),
            FieldProblem::TooLong { max } => {
                i18n::t_args(lang, "problem-at-most-characters", &[("max", i18n::count(lang, *max))])
            }
            FieldProblem::Organism(e) => match e {
                OrganismError::NeqShape => i18n::t(lang, "problem-a-neq-is-exactly-10-digits"),
                OrganismError::NeqLegalForm => i18n::t(lang, "problem-a-neq-starts-with-11-22"),
                OrganismError::Region => i18n::t(lang, "problem-the-region-is-a-code-from"),
                OrganismError::Email => i18n::t(lang, "problem-the-e-mail-address-must-look"),
                OrganismError::PostalCode => i18n::t(lang, "problem-the-postal-code-must-look-like"),
                OrganismError::Language => i18n::t(lang, "problem-the-language-is-fr-or-en"),
            },
            FieldProblem::Amount(e, style) => match e {
                MoneyError::NotANumber => {
                    i18n::t_args(lang, "problem-not-a-number-write-it-like", &[("form", style.example().into())])
                }
                MoneyError::Ambiguous(form) => {
                    i18n::t_args(lang, "problem-ambiguous-amount", &[("form", form.to_string())])
                }
                MoneyError::TooPrecise => i18n::t(lang, "problem-at-most-two-decimals"),
                MoneyError::Negative => i18n::t(lang, "problem-must-not-be-negative"),
                MoneyError::TooLarge => i18n::t(lang, "problem-too-large"),
            },
            FieldProblem::OutOfRange => i18n::t(lang, "problem-value-out-of-the-allowed-range"),
            FieldProblem::Choice => i18n::t(lang, "problem-choose-one-of-the-options-offered"),
            FieldProblem::Quantity { max } => {
                i18n::t_args(lang, "problem-a-whole-number-from-1-to", &[("max", i18n::count(lang, *max))])
            }
            FieldProblem::TooMany { max } => {
                i18n::t_args(lang, "problem-at-most-lines", &[("max", i18n::count(lang, *max))])
            }
            FieldProblem::Password(PasswordError::TooShort) => i18n::t(lang, "problem-the-password-has-at-least-12"),
            FieldProblem::Password(PasswordError::TooLong) => i18n::t(lang, "problem-the-password-has-at-most-256"),
            FieldProblem::PasswordMismatch => i18n::t(lang, "problem-the-two-passwords-differ"),
            FieldProblem::Conflict => i18n::t(lang, "problem-someone-else-changed-this-application-reload"),
            FieldProblem::NothingRequested => i18n::t(lang, "problem-nothing-requested"),
            FieldProblem::NothingProposed => i18n::t(lang, "problem-nothing-proposed"),
            FieldProblem::RuleOverride => i18n::t(lang, "problem-rule-override"),
            FieldProblem::Document { file, problem } => {
                use crate::documents::DocumentError;
                let why = match problem {
                    DocumentError::Empty => i18n::t(lang, "problem-document-empty"),
                    DocumentError::TooLarge => i18n::t(lang, "problem-document-too-large"),
                    DocumentError::NotAccepted => i18n::t(lang, "problem-document-kind"),
                    DocumentError::Store(_) => i18n::t(lang, "problem-document-store"),
                };
                let quoted = match lang {
                    Language::Fr => format!("«\u{a0}{file}\u{a0}»"),
                    Language::En => format!("“{file}”"),
                };
                i18n::labelled(lang, &quoted, &why)
            }
            FieldProblem::TooManyFiles { max } => {
                i18n::t_args(lang, "problem-too-many-files", &[("max", i18n::count(lang, *max))])
            }
            FieldProblem::Score { min, max } => {
                i18n::t_args(lang, "problem-score-on-scale", &[("min", min.to_string()), ("max", max.to_string())])
            }
            FieldProblem::AboveCap { cap } => {
                i18n::t_args(lang, "problem-above-cap", &[("cap", i18n::money(lang, *cap))])
            }
            FieldProblem::WrongPassword => i18n::t(lang, "problem-wrong-password"),
            FieldProblem::TooManyAttempts => i18n::t(lang, "problem-too-many-attempts-detail"),
            FieldProblem::ControlCharacters => i18n::t(lang, "problem-control-characters"),
            FieldProblem::UnknownFilter => i18n::t(lang, "problem-unknown-filter"),
            FieldProblem::NotChosen(what) => i18n::t(lang, &format!("problem-choose-{what}")),
            FieldProblem::TaxNumber => i18n::t(lang, "problem-tax-number"),
            FieldProblem::QuotesNeeded { needed } => {
                i18n::t_args(lang, "problem-quotes-needed", &[("count", i18n::count(lang, *needed))])
            }
            FieldProblem::NothingReceived => i18n::t(lang, "problem-nothing-received"),
            FieldProblem::MoreThanOrdered { left } => {
                i18n::t_args(lang, "problem-more-than-ordered", &[("left", i18n::count(lang, *left))])
            }
            FieldProblem::Serials { expected } => {
                i18n::t_args(lang, "problem-serials-needed", &[("count", i18n::count(lang, *expected))])
            }
            FieldProblem::DuplicateSerial { serial } => {
                i18n::t_args(lang, "problem-duplicate-serial", &[("serial", serial.clone())])
            }
            FieldProblem::DuplicateInvoice => i18n::t(lang, "problem-duplicate-invoice"),
            FieldProblem::InvoiceDate { awarded } => {
                i18n::t_args(lang, "problem-invoice-date", &[("award_day", i18n::long_date(lang, awarded))])
            }
            FieldProblem::Date => i18n::t(lang, "problem-invalid-date"),
            FieldProblem::SerialNotReturnable { serial } => {
                i18n::t_args(lang, "problem-serial-not-returnable", &[("serial", serial.clone())])
            }
            FieldProblem::ReturnTooLarge { spent } => {
                i18n::t_args(lang, "problem-return-too-large", &[("spent", i18n::money(lang, *spent))])
            }
        }
    }
}

/// Collects field errors from `validator` and from domain parsing, so that one answer lists them all.
/// Numbers are read in the machine form (`1234.56`, the API) unless the fields come from a page, which
/// reads them as people write them in its language.
#[derive(Default)]
pub struct Fields {
    errors: Vec<FieldError>,
    numbers: NumberStyle,
}

impl Fields {
    /// The fields of a form on a page in `lang`.
    pub fn for_page(lang: Language) -> Fields {
        Fields::with_numbers(lang.into())
    }

    pub fn with_numbers(numbers: NumberStyle) -> Fields {
        Fields { errors: Vec::new(), numbers }
    }

    /// An amount as typed (blank is refused: callers decide what blank means).
    pub fn money(&mut self, field: &str, typed: &str) -> Option<Money> {
        let (parsed, style) = (Money::parse_as(typed, self.numbers), self.numbers);
        self.parse(field, parsed, |e| FieldProblem::Amount(e, style))
    }

    /// Hours as typed.
    pub fn hours(&mut self, field: &str, typed: &str) -> Option<Hours> {
        let (parsed, style) = (Hours::parse_as(typed, self.numbers), self.numbers);
        self.parse(field, parsed, |e| FieldProblem::Amount(e, style))
    }

    pub fn add(&mut self, field: impl Into<String>, problem: FieldProblem) {
        self.errors.push(FieldError { field: field.into(), problem });
    }

    /// Parses one field into its domain type, recording the error if any.
    pub fn parse<T, E>(
        &mut self,
        field: &str,
        result: Result<T, E>,
        problem: impl FnOnce(E) -> FieldProblem,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, problem(e));
                None
            }
        }
    }

    pub(crate) fn add_validator_errors(&mut self, prefix: &str, errors: &ValidationErrors) {
        for (field, kind) in errors.errors() {
            let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
            match kind {
                ValidationErrorsKind::Field(list) => {
                    for e in list {
                        let problem = match e.code.as_ref() {
                            "length" => match e.params.get("max").and_then(|m| m.as_u64()) {
                                Some(max)
                                    if e.params
                                        .get("value")
                                        .and_then(|v| v.as_str())
                                        .is_some_and(|v| v.chars().count() as u64 > max) =>
                                {
                                    FieldProblem::TooLong { max }
                                }
                                _ => FieldProblem::Required,
                            },
                            "range" => FieldProblem::OutOfRange,
                            _ => FieldProblem::Required,
                        };
                        self.add(path.clone(), problem);
                    }
                }
                ValidationErrorsKind::Struct(inner) => self.add_validator_errors(&path, inner),
                ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        self.add_validator_errors(&format!("{path}[{i}]"), inner);
                    }
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors so far.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// A required text field, trimmed; blank is an error.
    pub fn required(&mut self, field: &str, value: String) -> String {
        let value = value.trim().to_string();
        if !crate::domain::text::says_something(&value) && !self.errors.iter().any(|e| e.field == field) {
            self.add(field, FieldProblem::Required);
        }
        value
    }

    /// Whether a one-line text is free of control characters (a line break in a name or a title would
    /// forge lines in letters and e-mails); records the error if not.
    pub fn single_line(&mut self, field: &str, value: &str) -> bool {
        let clean = !value.chars().any(char::is_control);
        if !clean {
            self.add(field, FieldProblem::ControlCharacters);
        }
        clean
    }

    /// A choice from a list: `None` (recorded as "Choisissez une …", `problem-choose-{what}`) when left
    /// blank, else what `parse` makes of it.
    pub fn chosen<T, E>(
        &mut self,
        field: &str,
        what: &'static str,
        typed: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
        problem: impl FnOnce(E) -> FieldProblem,
    ) -> Option<T> {
        if typed.trim().is_empty() {
            self.add(field, FieldProblem::NotChosen(what));
            return None;
        }
        self.parse(field, parse(typed), problem)
    }

    /// Whether a text has at most `max` characters; records `TooLong` if not.
    pub fn at_most(&mut self, field: &str, value: &str, max: usize) -> bool {
        let fits = value.chars().count() <= max;
        if !fits {
            self.add(field, FieldProblem::TooLong { max: max as u64 });
        }
        fits
    }

    /// A required text of at most `max` characters, trimmed.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = self.required(field, value.to_string());
        self.at_most(field, &value, max);
        value
    }

    /// A required one-line text, trimmed.
    pub fn required_line(&mut self, field: &str, value: String) -> String {
        let value = self.required(field, crate::domain::text::without_format(&value));
        self.single_line(field, &value);
        value
    }

    /// The errors, sorted by field, each once.
    pub fn into_errors(mut self) -> Vec<FieldError> {
        self.errors.sort_by(|a, b| a.field.cmp(&b.field));
        self.errors.dedup();
        self.errors
    }

    /// The application error listing them.
    pub fn into_error(self) -> AppError {
        AppError::Invalid(self.into_errors())
    }

    /// The application error of one refused field.
    pub fn field_error(field: &str, problem: FieldProblem) -> AppError {
        AppError::Invalid(vec![FieldError { field: field.into(), problem }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind of refused field. The match makes adding a kind without an example here a
    /// compile error.
    fn one_of_each() -> Vec<FieldProblem> {
        let all = vec![
            FieldProblem::Required,
            FieldProblem::TooLong { max: 3 },
            FieldProblem::Organism(OrganismError::NeqShape),
            FieldProblem::Organism(OrganismError::NeqLegalForm),
            FieldProblem::Organism(OrganismError::Region),
            FieldProblem::Organism(OrganismError::Email),
            FieldProblem::Organism(OrganismError::PostalCode),
            FieldProblem::Organism(OrganismError::Language),
            FieldProblem::Amount(MoneyError::NotANumber, NumberStyle::French),
            FieldProblem::Amount(MoneyError::Ambiguous("1 234,56"), NumberStyle::French),
            FieldProblem::Amount(MoneyError::TooPrecise, NumberStyle::Machine),
            FieldProblem::Amount(MoneyError::Negative, NumberStyle::English),
            FieldProblem::Amount(MoneyError::TooLarge, NumberStyle::English),
            FieldProblem::OutOfRange,
            FieldProblem::Choice,
            FieldProblem::Quantity { max: 999 },
            FieldProblem::TooMany { max: 50 },
            FieldProblem::Password(PasswordError::TooShort),
            FieldProblem::Password(PasswordError::TooLong),
            FieldProblem::PasswordMismatch,
            FieldProblem::Conflict,
            FieldProblem::NothingRequested,
            FieldProblem::NothingProposed,
            FieldProblem::Score { min: 1, max: 5 },
            FieldProblem::AboveCap { cap: Money::from_cents(2_500_000) },
            FieldProblem::WrongPassword,
            FieldProblem::TooManyAttempts,
            FieldProblem::ControlCharacters,
            FieldProblem::UnknownFilter,
            FieldProblem::NotChosen("region"),
            FieldProblem::NotChosen("category"),
            FieldProblem::RuleOverride,
            FieldProblem::Document { file: "devis.exe".into(), problem: crate::documents::DocumentError::NotAccepted },
            FieldProblem::TooManyFiles { max: 3 },
            FieldProblem::TaxNumber,
            FieldProblem::QuotesNeeded { needed: 2 },
            FieldProblem::NothingReceived,
            FieldProblem::MoreThanOrdered { left: 1 },
            FieldProblem::Serials { expected: 2 },
            FieldProblem::DuplicateSerial { serial: "PF3X9K2".into() },
            FieldProblem::DuplicateInvoice,
            FieldProblem::InvoiceDate { awarded: "2026-11-01".into() },
            FieldProblem::Date,
            FieldProblem::ReturnTooLarge { spent: crate::domain::Money::from_cents(97_813) },
            FieldProblem::SerialNotReturnable { serial: "PF3X9K2".into() },
        ];
        for p in &all {
            match p {
                FieldProblem::Required
                | FieldProblem::TooLong { .. }
                | FieldProblem::Organism(_)
                | FieldProblem::Amount(..)
                | FieldProblem::OutOfRange
                | FieldProblem::Choice
                | FieldProblem::Quantity { .. }
                | FieldProblem::TooMany { .. }
                | FieldProblem::Password(_)
                | FieldProblem::PasswordMismatch
                | FieldProblem::Conflict
                | FieldProblem::NothingRequested
                | FieldProblem::NothingProposed
                | FieldProblem::Score { .. }
                | FieldProblem::AboveCap { .. }
                | FieldProblem::WrongPassword
                | FieldProblem::TooManyAttempts
                | FieldProblem::ControlCharacters
                | FieldProblem::UnknownFilter
                | FieldProblem::NotChosen(_)
                | FieldProblem::RuleOverride
                | FieldProblem::Document { .. }
                | FieldProblem::TooManyFiles { .. }
                | FieldProblem::TaxNumber
                | FieldProblem::QuotesNeeded { .. }
                | FieldProblem::NothingReceived
                | FieldProblem::MoreThanOrdered { .. }
                | FieldProblem::Serials { .. }
                | FieldProblem::DuplicateSerial { .. }
                | FieldProblem::DuplicateInvoice
                | FieldProblem::InvoiceDate { .. }
                | FieldProblem::Date
                | FieldProblem::ReturnTooLarge { .. }
                | FieldProblem::SerialNotReturnable { .. } => {}
            }
        }
        all
    }

    /// Every refused field has a stable code and a message in each language, written (not a message id
    /// left untranslated) and different from the other language's.
    #[test]
    fn every_field_problem_has_a_code_and_both_languages() {
        for p in one_of_each() {
            assert!(!p.code().is_empty());
            let (fr, en) = (p.message(Language::Fr), p.message(Language::En));
            assert!(!fr.starts_with("problem-") && !en.starts_with("problem-"), "{p:?}: {fr} / {en}");
            assert_ne!(fr, en, "{p:?}");
        }
    }
}
