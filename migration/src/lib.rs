//! The schema, as ordered migrations. Each is reversible; tests run them all up, down and up again.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_accounts;
mod m20261125_000002_communities;
mod m20261125_000003_messages;
mod m20261125_000004_member_departures;
mod m20261127_000001_bans;
mod m20261127_000002_uploads;
mod m20261127_000003_default_avatars;
mod m20261127_000004_call_lines;
mod m20261127_000005_read_state;
mod m20261127_000006_mentions;
mod m20261127_000007_notify_settings;
mod m20261128_000001_unread_upkeep;
mod m20261128_000002_reactions;
mod m20261128_000003_replies;
mod m20261128_000004_pins;
mod m20261128_000005_deployment;
mod m20261128_000006_search;
mod m20261129_000001_channels_version;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_accounts::Migration),
            Box::new(m20261125_000002_communities::Migration),
            Box::new(m20261125_000003_messages::Migration),
            Box::new(m20261125_000004_member_departures::Migration),
            Box::new(m20261127_000001_bans::Migration),
            Box::new(m20261127_000002_uploads::Migration),
            Box::new(m20261127_000003_default_avatars::Migration),
            Box::new(m20261127_000004_call_lines::Migration),
            Box::new(m20261127_000005_read_state::Migration),
            Box::new(m20261127_000006_mentions::Migration),
            Box::new(m20261127_000007_notify_settings::Migration),
            Box::new(m20261128_000001_unread_upkeep::Migration),
            Box::new(m20261128_000002_reactions::Migration),
            Box::new(m20261128_000003_replies::Migration),
            Box::new(m20261128_000004_pins::Migration),
            Box::new(m20261128_000005_deployment::Migration),
            Box::new(m20261128_000006_search::Migration),
            Box::new(m20261129_000001_channels_version::Migration),
        ]
    }
}
