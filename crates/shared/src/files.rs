//! Upload limits, enforced by the server and checked by the browser before sending.

/// The largest image (server icon) accepted, in megabytes.
pub const IMAGE_MAX_MB: usize = 4;

/// The largest message attachment accepted, in megabytes.
pub const ATTACHMENT_MAX_MB: usize = 8;
