//! `GET /pkg/{file}`: the compiled site (the WASM, its JavaScript glue and the stylesheet) under
//! names that change with their content, so a browser keeps each for a year and asks again only
//! after a release; served precompressed (brotli or gzip, as `Accept-Encoding` allows) when the
//! build left `.br`/`.gz` files beside them. The plain names stay reachable and are revalidated on
//! every use (a dev server rebuilds them in place, and its pages name them so).
//! `GET /vendor/{file}`: scripts loaded only when needed (the LiveKit client), revalidated.

use std::collections::HashMap;
use std::io;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The name cargo-leptos gives the site's files (`output-name`).
const OUTPUT_NAME: &str = "chatterhub";
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// How the files of `site_root/vendor` (scripts loaded only when needed) are named here.
const VENDOR: &str = "vendor/";

/// The site's files by the names pages use for them.
#[derive(Debug, Default)]
pub struct SiteFiles {
    by_name: HashMap<String, SiteFile>,
    output_name: String,
    stylesheet: String,
}

#[derive(Debug)]
struct SiteFile {
    path: PathBuf,
    versioned: bool,
}

impl SiteFiles {
    /// Reads `site_root/pkg` and `site_root/vendor` once. With `plain_names` (a dev server whose
    /// files are rebuilt under it) pages name the files as they are on disk. A site without
    /// `pkg/` serves nothing from it.
    pub fn load(site_root: &FsPath, plain_names: bool) -> io::Result<Self> {
        let pkg = site_root.join("pkg");
        let mut files = Self {
            by_name: HashMap::new(),
            output_name: OUTPUT_NAME.to_owned(),
            stylesheet: format!("/pkg/{OUTPUT_NAME}.css"),
        };
        files.add_folder(&pkg, "")?;
        files.add_folder(&site_root.join("vendor"), VENDOR)?;
        if !plain_names {
            files.version(&pkg)?;
        }
        Ok(files)
    }

    /// Every file of `folder` (but the compressed copies) under its own name after `prefix`.
    fn add_folder(&mut self, folder: &FsPath, prefix: &str) -> io::Result<()> {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if entry.file_type()?.is_file() && !name.ends_with(".br") && !name.ends_with(".gz") {
                self.add(format!("{prefix}{name}"), entry.path(), false);
            }
        }
        Ok(())
    }

    /// What `HydrationScripts` loads: `{output_name}.js` and `{output_name}.wasm`.
    pub fn output_name(&self) -> &str {
        &self.output_name
    }

    /// The stylesheet's URL.
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    fn add(&mut self, name: String, path: PathBuf, versioned: bool) {
        self.by_name.insert(name, SiteFile { path, versioned });
    }

    /// Adds the content-named copies. The script and the WASM share one name (the script is
    /// told where the WASM is by that name), so one hash covers both. The WASM also answers to
    /// the `_bg` name a build outside cargo-leptos asks for.
    fn version(&mut self, pkg: &FsPath) -> io::Result<()> {
        let js = pkg.join(format!("{OUTPUT_NAME}.js"));
        let wasm = [
            format!("{OUTPUT_NAME}.wasm"),
            format!("{OUTPUT_NAME}_bg.wasm"),
        ]
        .into_iter()
        .map(|name| pkg.join(name))
        .find(|path| path.is_file());
        if let (true, Some(wasm)) = (js.is_file(), wasm) {
            let stem = format!("{OUTPUT_NAME}.{}", content_hash(&[&js, &wasm])?);
            self.add(format!("{stem}.js"), js, true);
            self.add(format!("{stem}.wasm"), wasm.clone(), true);
            self.add(format!("{stem}_bg.wasm"), wasm, true);
            self.output_name = stem;
        }
        let css = pkg.join(format!("{OUTPUT_NAME}.css"));
        if css.is_file() {
            let name = format!("{OUTPUT_NAME}.{}.css", content_hash(&[&css])?);
            self.stylesheet = format!("/pkg/{name}");
            self.add(name, css, true);
        }
        Ok(())
    }
}

/// The first 16 hex digits of the SHA-256 of the files' contents, in order.
fn content_hash(paths: &[&FsPath]) -> io::Result<String> {
    let mut hasher = Sha256::new();
    for path in paths {
        hasher.update(std::fs::read(path)?);
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// `GET /vendor/{file}`: a script the app loads only when it needs it (the LiveKit client),
/// revalidated on every use.
pub async fn serve_vendor(
    State(files): State<Arc<SiteFiles>>,
    Path(name): Path<String>,
    request: Request,
) -> Response {
    serve(State(files), Path(format!("{VENDOR}{name}")), request).await
}

pub async fn serve(
    State(files): State<Arc<SiteFiles>>,
    Path(name): Path<String>,
    request: Request,
) -> Response {
    let Some(file) = files.by_name.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let served = ServeFile::new(&file.path)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await;
    let mut response = match served {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        let cache = if file.versioned {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        headers.insert(header::CACHE_CONTROL, cache);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        for (name, body) in files {
            std::fs::write(dir.path().join("pkg").join(name), body).unwrap();
        }
        dir
    }

    #[test]
    fn names_follow_the_content() {
        let a = site(&[
            ("chatterhub.js", "js"),
            ("chatterhub.wasm", "w1"),
            ("chatterhub.css", "c"),
        ]);
        let b = site(&[
            ("chatterhub.js", "js"),
            ("chatterhub.wasm", "w2"),
            ("chatterhub.css", "c"),
        ]);
        let a = SiteFiles::load(a.path(), false).unwrap();
        let b = SiteFiles::load(b.path(), false).unwrap();
        assert_ne!(
            a.output_name(),
            b.output_name(),
            "a new WASM gets a new name"
        );
        assert_eq!(
            a.stylesheet(),
            b.stylesheet(),
            "the same stylesheet keeps its name"
        );
        let stem = a.output_name();
        assert!(stem.starts_with("chatterhub.") && stem.len() == "chatterhub.".len() + 16);
        for name in [
            format!("{stem}.js"),
            format!("{stem}.wasm"),
            format!("{stem}_bg.wasm"),
        ] {
            assert!(a.by_name[&name].versioned, "{name}");
        }
        assert!(!a.by_name["chatterhub.wasm"].versioned);
        assert!(
            !a.by_name
                .keys()
                .any(|n| n.ends_with(".br") || n.ends_with(".gz"))
        );
    }

    #[test]
    fn a_dev_site_and_a_missing_site_keep_the_plain_names() {
        let dev = site(&[("chatterhub.js", "js"), ("chatterhub.wasm", "w")]);
        let dev = SiteFiles::load(dev.path(), true).unwrap();
        assert_eq!(dev.output_name(), "chatterhub");
        assert_eq!(dev.stylesheet(), "/pkg/chatterhub.css");
        assert_eq!(dev.by_name.len(), 2);
        let none = SiteFiles::load(FsPath::new("/nonexistent/site"), false).unwrap();
        assert_eq!(none.output_name(), "chatterhub");
        assert!(none.by_name.is_empty());
    }

    #[test]
    fn vendor_scripts_keep_their_names() {
        let dir = site(&[("chatterhub.js", "js"), ("chatterhub.wasm", "w")]);
        std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
        std::fs::write(dir.path().join("vendor/livekit-client.js"), "lk").unwrap();
        std::fs::write(dir.path().join("vendor/livekit-client.js.gz"), "gz").unwrap();
        let files = SiteFiles::load(dir.path(), false).unwrap();
        assert!(!files.by_name["vendor/livekit-client.js"].versioned);
        assert!(!files.by_name.contains_key("livekit-client.js"));
        assert!(!files.by_name.contains_key("vendor/livekit-client.js.gz"));
    }
}
