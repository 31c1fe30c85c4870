//! The first load: the release WASM's compressed size, and server-rendered channel pages under
//! 48 simultaneous loads.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use futures_util::future::join_all;
use tokio::time::Instant;

use crate::room::Room;
use crate::stats::{Latency, new_histogram};

const CONCURRENT: usize = 48;
const LOADS_EACH: usize = 20;

/// The site's WASM: raw, at gzip level 9, and as the server sends it to browsers that take
/// brotli (the build's `.br` copy, when there is one).
#[derive(Debug, Clone, Copy)]
pub struct WasmSizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: Option<u64>,
}

pub fn wasm_sizes(site_root: &Path) -> anyhow::Result<WasmSizes> {
    let wasm = std::fs::read_dir(site_root.join("pkg"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
        .context("no .wasm in the site's pkg folder: build the site first")?;
    let bytes = std::fs::read(&wasm)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let brotli = std::fs::metadata(wasm.with_extension("wasm.br")).ok();
    Ok(WasmSizes {
        raw: bytes.len() as u64,
        gzip: gz.finish()?.len() as u64,
        brotli: brotli.map(|m| m.len()),
    })
}

/// Loads the room's channel page, 48 at a time, 20 times each.
pub async fn channel_page(room: &Room) -> anyhow::Result<Latency> {
    let path = format!("/servers/{}/channels/{}", room.server, room.channel);
    let latencies = Arc::new(Mutex::new(new_histogram()));
    let loaders = (0..CONCURRENT).map(|_| {
        let (path, latencies) = (path.clone(), Arc::clone(&latencies));
        async move {
            for _ in 0..LOADS_EACH {
                let started = Instant::now();
                let response = room.api.get(&room.owner, &path).await?;
                let status = response.status();
                let body = response.text().await?;
                anyhow::ensure!(status.is_success(), "{path}: {status}");
                anyhow::ensure!(body.contains("<html"), "{path}: not a page");
                let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                latencies
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .saturating_record(took.max(1));
            }
            anyhow::Ok(())
        }
    });
    for l in join_all(loaders).await {
        l?;
    }
    let h = latencies
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(Latency::of(&h))
}
