//! The document store (DESIGN.md, decision 11): quotes, statements, invoices and reports that people
//! attach, kept through the `object_store` crate in a folder under the data directory by default, or in
//! an S3-compatible bucket (`s3://bucket/prefix`, credentials from the `AWS_*` variables) when several
//! instances run. A document is accepted by what its bytes are (PDF, PNG or JPEG, whatever its name
//! says), up to [`MAX_BYTES`]; it is stored under its SHA-256, so that a file is never overwritten (the
//! same bytes are the same file) and what was downloaded can be checked. Who may read one is its record's
//! business: the database links each document to its grant, and downloads are authorized like the grant.

use std::sync::Arc;

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

/// The largest document accepted: 10 MB.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of document accepted, recognised by their first bytes.
const KINDS: [(&[u8], &str, &str); 3] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xFF\xD8\xFF", "image/jpeg", "jpg"),
];

/// What a file's bytes are, if it is a kind accepted: (media type, usual extension).
pub fn kind_of(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    KINDS.iter().find(|(magic, ..)| bytes.starts_with(magic)).map(|(_, media, ext)| (*media, *ext))
}

/// A file's name as typed, made fit to show and to offer for download: its last path part, without
/// control or format characters (U+202E would show `fdp.exe` as `exe.pdf`) or quotes, at most 120
/// characters; `document` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !crate::domain::text::is_format(*c) && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() { "document".into() } else { cleaned.into() }
}

/// The name a stored document is offered under: [`clean_name`], ending in the extension of the type its
/// content was recognised as, whatever the uploader called it. A PDF named `facture.html` is offered as
/// `facture.pdf`, `facture.pdf.cmd` as `facture.pdf`, a PNG named `logo.svg` as `logo.png`: what opens
/// it is what it is.
pub fn named_as(name: &str, media_type: &str) -> String {
    let name = clean_name(name);
    let Some((_, _, ext)) = KINDS.iter().find(|(_, media, _)| *media == media_type) else { return name };
    let fits = |e: &str| e.eq_ignore_ascii_case(ext) || (*ext == "jpg" && e.eq_ignore_ascii_case("jpeg"));
    let mut stem = name.as_str();
    if let Some((before, last)) = stem.rsplit_once('.') {
        if fits(last) {
            return name;
        }
        // Another kind's extension goes; a dot in a name (`rapport.2024`) stays.
        if !before.is_empty() && last.chars().any(|c| c.is_ascii_alphabetic()) {
            stem = before;
        }
    }
    match stem.rsplit_once('.') {
        Some((_, last)) if fits(last) => stem.to_string(),
        _ => format!("{stem}.{ext}"),
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the file is not a PDF, PNG or JPEG")]
    NotAccepted,
    #[error("the document store failed: {0}")]
    Store(String),
}

/// A document as stored: its SHA-256 (its name in the store), what it is and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub media_type: &'static str,
    pub size: i64,
}

#[derive(Clone)]
pub struct DocumentStore {
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
}

impl std::fmt::Debug for DocumentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentStore").field("store", &self.store.to_string()).field("prefix", &self.prefix).finish()
    }
}

impl DocumentStore {
    /// The store `url` names: `file:///srv/octroi/documents` (created if missing) or `s3://bucket/prefix`.
    pub fn open(url: &str) -> anyhow::Result<DocumentStore> {
        use anyhow::Context as _;
        let parsed = url::Url::parse(url).with_context(|| format!("documents URL {url:?} is not a URL"))?;
        if parsed.scheme() == "file" {
            let folder = parsed.to_file_path().map_err(|_| anyhow::anyhow!("documents URL {url:?} is not a folder"))?;
            // For the service's user only, as the rest of the data folder.
            crate::storage::private_dir(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(&folder)
                .with_context(|| format!("cannot use {} for documents", folder.display()))?;
            return Ok(DocumentStore { store: Arc::new(store), prefix: StorePath::default() });
        }
        let (store, prefix) = object_store::parse_url_opts(&parsed, std::env::vars())
            .with_context(|| format!("documents URL {url:?}: file:///PATH or s3://BUCKET/PREFIX"))?;
        Ok(DocumentStore { store: Arc::from(store), prefix })
    }

    fn path(&self, sha256: &str) -> StorePath {
        self.prefix.child(&sha256[..2]).child(sha256)
    }

    /// Checks and stores a document; storing the same bytes again is the same document.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<Stored, DocumentError> {
        if bytes.is_empty() {
            return Err(DocumentError::Empty);
        }
        if bytes.len() > MAX_BYTES {
            return Err(DocumentError::TooLarge);
        }
        let (media_type, _) = kind_of(&bytes).ok_or(DocumentError::NotAccepted)?;
        let sha256 = crate::domain::sha256_hex(&bytes);
        let size = bytes.len() as i64;
        let options = PutOptions { mode: PutMode::Create, ..PutOptions::default() };
        match self.store.put_opts(&self.path(&sha256), PutPayload::from(bytes), options).await {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(Stored { sha256, media_type, size }),
            Err(e) => Err(DocumentError::Store(e.to_string())),
        }
    }

    /// Deletes the files stored before `before` that `named` does not know (by SHA-256); how many.
    pub async fn sweep(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        named: impl Fn(&str) -> bool,
    ) -> Result<usize, DocumentError> {
        let store = |e: object_store::Error| DocumentError::Store(e.to_string());
        // Files lie one folder down (the first two characters of their SHA-256).
        let mut files = Vec::new();
        for folder in self.store.list_with_delimiter(Some(&self.prefix)).await.map_err(store)?.common_prefixes {
            files.extend(self.store.list_with_delimiter(Some(&folder)).await.map_err(store)?.objects);
        }
        let mut swept = 0;
        for file in files {
            let Some(sha256) = file.location.filename() else { continue };
            let is_document = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if is_document && file.last_modified < before && !named(sha256) {
                self.store.delete(&file.location).await.map_err(store)?;
                swept += 1;
            }
        }
        Ok(swept)
    }

    /// A stored document's bytes, checked against its SHA-256.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, DocumentError> {
        let store = |e: object_store::Error| DocumentError::Store(e.to_string());
        let bytes = self.store.get(&self.path(sha256)).await.map_err(store)?.bytes().await.map_err(store)?;
        if crate::domain::sha256_hex(&bytes) != sha256 {
            return Err(DocumentError::Store(format!("document {sha256} does not match its SHA-256")));
        }
        Ok(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n% a quote\n";

    fn store() -> (tempfile::TempDir, DocumentStore) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("file://{}", dir.path().join("documents").display());
        (dir, DocumentStore::open(&url).unwrap())
    }

    #[test]
    fn a_file_name_keeps_only_what_a_download_may_say() {
        assert_eq!(clean_name("C:\\Users\\marie\\Devis \"final\".pdf"), "Devis final.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\u{7}\n"), "document");
        assert_eq!(clean_name("facture\u{202E}fdp.exe"), "facturefdp.exe");
        assert_eq!(clean_name("\u{200B}\u{FEFF}"), "document");
    }

    /// Issue 22, item 8: a polyglot keeps no extension of another kind than its content's.
    #[test]
    fn a_document_is_named_by_what_its_content_is() {
        let pdf = "application/pdf";
        for (typed, named) in [
            ("facture.pdf", "facture.pdf"),
            ("Facture.PDF", "Facture.PDF"),
            ("facture.html", "facture.pdf"),
            ("facture.hta", "facture.pdf"),
            ("facture.pdf.cmd", "facture.pdf"),
            ("facture", "facture.pdf"),
            ("rapport.2024", "rapport.2024.pdf"),
            (".htaccess", ".htaccess.pdf"),
            ("facture\u{202E}fdp.exe", "facturefdp.pdf"),
        ] {
            assert_eq!(named_as(typed, pdf), named, "{typed:?}");
        }
        assert_eq!(named_as("logo.svg", "image/png"), "logo.png");
        assert_eq!(named_as("photo.jpeg", "image/jpeg"), "photo.jpeg");
        assert_eq!(named_as("photo.png", "image/jpeg"), "photo.jpg");
    }

    #[tokio::test]
    async fn documents_are_accepted_by_content_and_kept_under_their_sha256() {
        let (_dir, store) = store();
        let stored = store.put(PDF.to_vec()).await.unwrap();
        assert_eq!((stored.media_type, stored.size), ("application/pdf", PDF.len() as i64));
        assert_eq!(stored.sha256, crate::domain::sha256_hex(PDF));
        assert_eq!(store.get(&stored.sha256).await.unwrap(), PDF);
        assert_eq!(store.put(PDF.to_vec()).await.unwrap(), stored, "the same bytes, the same document");
        let png = store.put(b"\x89PNG\r\n\x1a\n....".to_vec()).await.unwrap();
        assert_eq!(png.media_type, "image/png");
        assert_eq!(store.put(b"\xFF\xD8\xFF\xE0 jfif".to_vec()).await.unwrap().media_type, "image/jpeg");
    }

    #[tokio::test]
    async fn what_is_not_a_pdf_png_or_jpeg_or_is_too_large_is_refused() {
        let (_dir, store) = store();
        // A script named like a PDF is still a script.
        assert_eq!(store.put(b"#!/bin/sh\nrm -rf /".to_vec()).await, Err(DocumentError::NotAccepted));
        assert_eq!(store.put(b"<html><script>".to_vec()).await, Err(DocumentError::NotAccepted));
        assert_eq!(store.put(Vec::new()).await, Err(DocumentError::Empty));
        let mut big = PDF.to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(store.put(big).await, Err(DocumentError::TooLarge));
        let mut just = PDF.to_vec();
        just.resize(MAX_BYTES, b' ');
        assert!(store.put(just).await.is_ok(), "10 MB exactly is accepted");
    }

    /// A sweep deletes only the files no document names and stored before its time: a file being
    /// recorded now, or one a document names, stays.
    #[tokio::test]
    async fn a_sweep_deletes_only_old_files_no_document_names() {
        let (_dir, store) = store();
        let kept = store.put(PDF.to_vec()).await.unwrap();
        let orphan = store.put(b"\x89PNG\r\n\x1a\n orphan".to_vec()).await.unwrap();
        let named = |sha256: &str| sha256 == kept.sha256;
        let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
        assert_eq!(store.sweep(an_hour_ago, named).await.unwrap(), 0, "files stored just now stay");
        let soon = chrono::Utc::now() + chrono::Duration::hours(1);
        assert_eq!(store.sweep(soon, named).await.unwrap(), 1);
        assert_eq!(store.get(&kept.sha256).await.unwrap(), PDF);
        assert!(matches!(store.get(&orphan.sha256).await, Err(DocumentError::Store(_))));
        assert_eq!(store.sweep(soon, named).await.unwrap(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_documents_folder_is_the_service_users_only() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, _store) = store();
        let mode = std::fs::metadata(dir.path().join("documents")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[tokio::test]
    async fn a_stored_file_changed_behind_octroi_is_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("documents");
        let store = DocumentStore::open(&format!("file://{}", folder.display())).unwrap();
        let stored = store.put(PDF.to_vec()).await.unwrap();
        let file = folder.join(&stored.sha256[..2]).join(&stored.sha256);
        std::fs::write(&file, b"%PDF-1.4 tampered").unwrap();
        assert!(matches!(store.get(&stored.sha256).await, Err(DocumentError::Store(_))));
    }
}
