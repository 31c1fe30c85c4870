//! What the signed-in person has not read: the server functions (the badges that show it are
//! still to build).

pub mod api;
