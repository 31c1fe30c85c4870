//! Uploaded files in an object store (a local folder by default; S3, GCS or Azure by URL).
//! The real type is read from the first bytes, never taken from the name or the browser's word.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use shared::AppError;
use uuid::Uuid;

use crate::limits::RateLimited;

pub use shared::files::{ATTACHMENT_MAX_MB, IMAGE_MAX_MB};

/// The kinds of file ChatterHub accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
}

impl FileKind {
    pub const IMAGES: &[FileKind] = &[FileKind::Png, FileKind::Jpeg, FileKind::Gif, FileKind::Webp];
    pub const ATTACHMENTS: &[FileKind] = &[
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Pdf,
    ];
    const ALL: [FileKind; 5] = [
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Pdf,
    ];

    /// The kind the bytes really are, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        let mime = infer::get(bytes)?.mime_type();
        Self::ALL.into_iter().find(|k| k.content_type() == mime)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Gif => "gif",
            FileKind::Webp => "webp",
            FileKind::Pdf => "pdf",
        }
    }

    fn from_extension(ext: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.extension() == ext)
    }
}

/// A stored file's name: a random UUID and the extension of its real type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey {
    id: Uuid,
    kind: FileKind,
}

impl FileKey {
    pub const URL_PREFIX: &str = "/files/";

    /// Parses `"<uuid>.<ext>"`; anything else (paths, other names) is refused.
    pub fn parse(raw: &str) -> Option<FileKey> {
        let (id, ext) = raw.split_once('.')?;
        Some(FileKey {
            id: Uuid::parse_str(id).ok()?,
            kind: FileKind::from_extension(ext)?,
        })
    }

    /// Parses one of our own file URLs (`/files/<key>`), as a client hands it back.
    pub fn from_url(url: &str) -> Option<FileKey> {
        Self::parse(url.strip_prefix(Self::URL_PREFIX)?)
    }

    /// An optional file URL a client hands back in a form: empty means none; anything else
    /// must be one of our own `/files/` URLs.
    pub fn from_form(url: Option<&str>) -> Result<Option<FileKey>, FileError> {
        match url.map(str::trim) {
            None | Some("") => Ok(None),
            Some(url) => Self::from_url(url).map(Some).ok_or(FileError::Foreign),
        }
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn url(&self) -> String {
        format!("{}{}", Self::URL_PREFIX, self)
    }

    fn path(&self) -> StorePath {
        StorePath::from(self.to_string())
    }
}

impl std::fmt::Display for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.id.simple(), self.kind.extension())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("The file is larger than {0} MB.")]
    TooLarge(usize),
    #[error("This file type is not allowed. Use {0}.")]
    WrongType(String),
    #[error("The file is empty.")]
    Empty,
    #[error("Upload the file here first.")]
    Foreign,
    #[error("Your storage is full ({0} MB). Delete messages with files to make room.")]
    QuotaFull(u64),
    #[error(transparent)]
    Throttled(#[from] RateLimited),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<FileError> for AppError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Unexpected(e) => {
                tracing::error!(error = ?e, "file storage failed");
                AppError::Internal
            }
            FileError::Throttled(limited) => limited.into(),
            other => AppError::Validation(other.to_string()),
        }
    }
}

/// A stored file's bytes as they are read.
pub type ByteStream = futures_util::stream::BoxStream<'static, object_store::Result<bytes::Bytes>>;

/// The store uploaded files go to.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

impl FileStore {
    /// A folder on this machine (created if missing).
    pub fn local(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the uploads folder {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("cannot use the uploads folder {}", dir.display()))?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    /// Any store `object_store` understands by URL (`s3://`, `gs://`, `az://`, `file://`, `memory://`),
    /// configured from the environment as that store documents (e.g. `AWS_ACCESS_KEY_ID`).
    pub fn from_url(url: &url::Url) -> anyhow::Result<Self> {
        let options: Vec<(String, String)> = std::env::vars().collect();
        let (store, prefix) = object_store::parse_url_opts(url, options)
            .with_context(|| format!("cannot use the storage URL {url}"))?;
        let store: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
            Arc::from(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self { store })
    }

    /// Kept in memory only (tests).
    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
        }
    }

    /// Stores `bytes` if their real type is one of `allowed` and they fit in `max_mb` megabytes.
    pub async fn put(
        &self,
        bytes: Vec<u8>,
        allowed: &[FileKind],
        max_mb: usize,
    ) -> Result<FileKey, FileError> {
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        if bytes.len() > max_mb * 1024 * 1024 {
            return Err(FileError::TooLarge(max_mb));
        }
        let kind = FileKind::sniff(&bytes)
            .filter(|k| allowed.contains(k))
            .ok_or_else(|| FileError::WrongType(names(allowed)))?;
        let key = FileKey {
            id: Uuid::new_v4(),
            kind,
        };
        self.store
            .put(&key.path(), PutPayload::from(bytes))
            .await
            .context("store the upload")?;
        Ok(key)
    }

    /// The file's size and a stream of its bytes, or `None` when there is no such file.
    pub async fn open(&self, key: &FileKey) -> Result<Option<(u64, ByteStream)>, FileError> {
        match self.store.get(&key.path()).await {
            Ok(found) => Ok(Some((found.meta.size, found.into_stream()))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context("open the upload").into()),
        }
    }

    /// Removes the file; a file already gone is fine. Failures are logged, not returned: the
    /// record that pointed at it is gone either way.
    pub async fn delete(&self, key: &FileKey) {
        match self.store.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, %key, "could not remove a stored file"),
        }
    }
}

fn names(kinds: &[FileKind]) -> String {
    kinds
        .iter()
        .map(|k| k.extension().to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
    ];

    proptest::proptest! {
        /// A key or URL from a client: parsed only when it is exactly one of ours, and then it
        /// prints back to a key that parses to the same file.
        #[test]
        fn file_keys_parse_only_our_own(raw in "\\PC{0,80}", id in proptest::prelude::any::<[u8; 16]>()) {
            for candidate in [raw.clone(), format!("/files/{raw}")] {
                let parsed = FileKey::parse(&candidate).or_else(|| FileKey::from_url(&candidate));
                if let Some(key) = parsed {
                    proptest::prop_assert_eq!(FileKey::parse(&key.to_string()), Some(key.clone()));
                    proptest::prop_assert!(!key.to_string().contains('/'));
                }
            }
            let key = FileKey { id: Uuid::from_bytes(id), kind: FileKind::Png };
            proptest::prop_assert_eq!(FileKey::from_url(&key.url()), Some(key));
        }
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(FileKind::sniff(PNG), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(FileKind::sniff(b"MZ\x90\x00"), None);
    }

    #[test]
    fn keys_accept_only_our_own_names() {
        let key = FileKey {
            id: Uuid::nil(),
            kind: FileKind::Png,
        };
        assert_eq!(FileKey::parse(&key.to_string()), Some(key.clone()));
        assert_eq!(FileKey::from_url(&key.url()), Some(key));
        for bad in [
            "../etc/passwd",
            "x.png",
            "00000000000000000000000000000000.exe",
            "/files/a/b.png",
        ] {
            assert!(
                FileKey::parse(bad).is_none() && FileKey::from_url(bad).is_none(),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn stores_round_trip_and_refuse_lies_and_excess() {
        let store = FileStore::in_memory();
        let key = store.put(PNG.to_vec(), FileKind::IMAGES, 4).await.unwrap();
        assert_eq!(key.kind(), FileKind::Png);
        let (size, stream) = store.open(&key).await.unwrap().unwrap();
        assert_eq!(size, PNG.len() as u64);
        let chunks: Vec<_> = futures_util::StreamExt::collect(stream).await;
        let bytes: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(bytes, PNG);
        store.delete(&key).await;
        assert!(store.open(&key).await.unwrap().is_none());
        store.delete(&key).await;

        let pdf = store.put(b"%PDF-1.7\n".to_vec(), FileKind::IMAGES, 4).await;
        assert!(matches!(pdf, Err(FileError::WrongType(_))));
        let big = [PNG, &vec![0u8; 1024 * 1024]].concat();
        assert!(matches!(
            store.put(big, FileKind::IMAGES, 1).await,
            Err(FileError::TooLarge(1))
        ));
        assert!(matches!(
            store.put(Vec::new(), FileKind::IMAGES, 1).await,
            Err(FileError::Empty)
        ));
        let missing = FileKey {
            id: Uuid::new_v4(),
            kind: FileKind::Png,
        };
        assert!(store.open(&missing).await.unwrap().is_none());
    }
}
