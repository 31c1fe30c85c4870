//! What an idle socket costs the server: authenticated sockets following one channel are opened
//! in steps, and the server's resident memory is read after each step has settled.

use std::time::Duration;

use crate::fanout::connect_all;
use crate::process::Process;
use crate::room::Room;
use crate::wire::Listener;

/// Server memory after `sockets` are open, and what each socket opened since the previous step
/// added to it. Per socket is counted between steps, not from the empty server: memory the
/// allocator kept from the set-up (sign-ups hash passwords in large buffers) is reused by the
/// first sockets and would hide their cost.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub sockets: usize,
    pub rss_mib: f64,
    pub kib_per_socket: f64,
}

const SETTLE: Duration = Duration::from_secs(3);

/// Opens sockets up to each count of `steps` (ascending), measuring after each.
pub async fn run(server: &Process, room: &Room, steps: &[usize]) -> anyhow::Result<Vec<Step>> {
    tokio::time::sleep(SETTLE).await;
    let mut before = (0, server.usage()?.rss_kib);
    let mut open: Vec<Listener> = Vec::new();
    let mut out = Vec::new();
    for &target in steps {
        let more = target.saturating_sub(open.len());
        open.extend(connect_all(room, more).await?);
        tokio::time::sleep(SETTLE).await;
        let rss = server.usage()?.rss_kib;
        let added = open.len().saturating_sub(before.0).max(1);
        out.push(Step {
            sockets: open.len(),
            rss_mib: rss as f64 / 1024.0,
            kib_per_socket: rss.saturating_sub(before.1) as f64 / added as f64,
        });
        before = (open.len(), rss);
    }
    Ok(out)
}
