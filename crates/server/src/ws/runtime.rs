//! The runtime the live sockets run on, apart from the one serving requests.
//!
//! A message reaches a channel's followers only after its send has gone through the request's
//! steps (the session, the access check, the write and its commit), each of which waits for the
//! database and then for the runtime to take it up again. On one runtime, a fan-out wakes every
//! follower's task at once and each of those steps waits behind all of them: with 1,000
//! followers and 100 messages a second, a send spent 20 ms at p50 in that queue. On a runtime
//! of its own, the sockets' work is a separate thread that the operating system shares the
//! cores with, at a lower priority, and a send's next step runs as soon as it is ready.

use std::sync::Arc;

use tokio::runtime::{Builder, Handle, Runtime};

/// The live runtime: its threads stop when the last clone of it is dropped.
#[derive(Clone)]
pub struct LiveRuntime {
    handle: Handle,
    _owner: Arc<Owner>,
}

struct Owner(Option<Runtime>);

impl Drop for Owner {
    fn drop(&mut self) {
        // Not `Runtime::drop`, which waits for its threads and may not run inside another
        // runtime's task (where the last clone is often dropped).
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl LiveRuntime {
    /// As many worker threads as the request runtime has (one per core the process may use).
    pub fn start() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("chatterhub-live")
            .on_thread_start(yield_to_requests)
            .enable_all()
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            _owner: Arc::new(Owner(Some(runtime))),
        })
    }

    pub fn handle(&self) -> &Handle {
        &self.handle
    }
}

/// How much lower the live threads' priority is than the process's (a nice value).
#[cfg(target_os = "linux")]
const LOWER_BY: i32 = 5;

/// The live threads give way to the request threads and the database driver's: a fan-out is a
/// long run of work that can wait a moment, a send's steps are short and each one holds up
/// everything after it. At a lower priority, the live threads take what the others leave, and a
/// step that becomes ready takes the core at once.
fn yield_to_requests() {
    // A nice value belongs to each thread on Linux: this changes the calling thread only.
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let now = getpriority_process(None).unwrap_or(0);
        if let Err(error) = setpriority_process(None, now + LOWER_BY) {
            tracing::warn!(%error, "cannot lower the live threads' priority");
        }
    }
}
