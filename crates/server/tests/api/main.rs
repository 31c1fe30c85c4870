//! Integration tests over real HTTP: each test starts the app on port 0 with a fresh database
//! (a new SQLite file; and a new PostgreSQL database when TEST_DATABASE_URL is set).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report
mod accounts;
mod avatars;
mod bans;
mod calls;
mod cli;
mod communities;
mod cross_site;
mod direct_messages;
mod durability;
mod file_access;
mod files;
mod headers;
mod health;
mod helpers;
mod history;
mod inbox;
mod limits;
mod live;
mod livekit;
mod mentions;
mod messages;
mod migrations;
mod nodes;
mod notifications;
mod pages;
mod pins;
mod presence;
mod reactions;
mod read_state;
mod replies;
mod search;
mod settings;
mod site;
mod typing;
