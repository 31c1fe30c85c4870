//! Community server functions. Each one: who is signed in, parse the input, call the domain.

use leptos::prelude::*;
use shared::AppError;
use shared::community::{BanInfo, ChannelInfo, InvitePreview, ServerDetails, ServerSummary};
use shared::ids::{ChannelId, MemberId, ProfileId, ServerId};
use shared::permissions::Role;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// The servers the signed-in person belongs to.
#[server(prefix = "/api", endpoint = "servers")]
pub async fn my_servers() -> Result<Vec<ServerSummary>, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::list_mine(&domain()?, me.id).await?)
}

/// One server as the signed-in person sees it.
#[server(prefix = "/api", endpoint = "load_server")]
pub async fn load_server(server_id: ServerId) -> Result<ServerDetails, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::details(&domain()?, me.id, server_id).await?)
}

#[server(prefix = "/api", endpoint = "create_server")]
pub async fn create_server(
    name: String,
    image_url: Option<String>,
) -> Result<ServerSummary, AppError> {
    let me = require_user().await?;
    let name = shared::community::ServerName::parse(&name)?;
    let image = domain::files::FileKey::from_form(image_url.as_deref())?;
    Ok(domain::communities::servers::create(&domain()?, me.id, name, image).await?)
}

#[server(prefix = "/api", endpoint = "update_server")]
pub async fn update_server(
    server_id: ServerId,
    name: String,
    image_url: Option<String>,
) -> Result<ServerSummary, AppError> {
    let me = require_user().await?;
    let name = shared::community::ServerName::parse(&name)?;
    let image = domain::files::FileKey::from_form(image_url.as_deref())?;
    Ok(domain::communities::servers::update(&domain()?, me.id, server_id, name, image).await?)
}

/// Replaces the invite code; old links stop working.
#[server(prefix = "/api", endpoint = "regenerate_invite")]
pub async fn regenerate_invite(server_id: ServerId) -> Result<String, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::regenerate_invite(&domain()?, me.id, server_id).await?)
}

#[server(prefix = "/api", endpoint = "delete_server")]
pub async fn delete_server(server_id: ServerId) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::delete(&domain()?, me.id, server_id).await?)
}

/// The server behind an invite code, shown before joining.
#[server(prefix = "/api", endpoint = "invite_preview")]
pub async fn preview_invite(code: String) -> Result<InvitePreview, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::preview_invite(&domain()?, me.id, &code).await?)
}

/// Joins by invite code; returns the server to open.
#[server(prefix = "/api", endpoint = "join_server")]
pub async fn join_server(code: String) -> Result<ServerId, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::join_by_invite(&domain()?, me.id, &code).await?)
}

#[server(prefix = "/api", endpoint = "leave_server")]
pub async fn leave_server(server_id: ServerId) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(domain::communities::servers::leave(&domain()?, me.id, server_id).await?)
}

#[server(prefix = "/api", endpoint = "set_member_role")]
pub async fn set_member_role(
    server_id: ServerId,
    member_id: MemberId,
    role: Role,
) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(
        domain::communities::members::set_role(&domain()?, me.id, server_id, member_id, role)
            .await?,
    )
}

/// Removes a member; with `ban`, they cannot rejoin by any invite until the ban is lifted.
#[server(prefix = "/api", endpoint = "kick_member")]
pub async fn kick_member(
    server_id: ServerId,
    member_id: MemberId,
    #[server(default)] ban: bool,
) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(domain::communities::members::kick(&domain()?, me.id, server_id, member_id, ban).await?)
}

/// Hands the server over to a moderator or admin (owner only).
#[server(prefix = "/api", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(server_id: ServerId, member_id: MemberId) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(
        domain::communities::members::transfer_ownership(&domain()?, me.id, server_id, member_id)
            .await?,
    )
}

/// The server's bans (ADMIN).
#[server(prefix = "/api", endpoint = "server_bans")]
pub async fn server_bans(server_id: ServerId) -> Result<Vec<BanInfo>, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::bans::list(&domain()?, me.id, server_id).await?)
}

/// Lifts a ban (ADMIN): the person may join again by an invite.
#[server(prefix = "/api", endpoint = "lift_ban")]
pub async fn lift_ban(server_id: ServerId, profile_id: ProfileId) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(domain::communities::bans::lift(&domain()?, me.id, server_id, profile_id).await?)
}

#[server(prefix = "/api", endpoint = "create_channel")]
pub async fn create_channel(
    server_id: ServerId,
    name: String,
    kind: String,
) -> Result<ChannelInfo, AppError> {
    let me = require_user().await?;
    let name = shared::community::ChannelName::parse(&name)?;
    let kind = shared::community::ChannelKind::parse(&kind)?;
    Ok(domain::communities::channels::create(&domain()?, me.id, server_id, name, kind).await?)
}

#[server(prefix = "/api", endpoint = "update_channel")]
pub async fn update_channel(
    channel_id: ChannelId,
    name: String,
    kind: String,
) -> Result<ChannelInfo, AppError> {
    let me = require_user().await?;
    let name = shared::community::ChannelName::parse(&name)?;
    let kind = shared::community::ChannelKind::parse(&kind)?;
    Ok(domain::communities::channels::update(&domain()?, me.id, channel_id, name, kind).await?)
}

#[server(prefix = "/api", endpoint = "delete_channel")]
pub async fn delete_channel(channel_id: ChannelId) -> Result<ServerId, AppError> {
    let me = require_user().await?;
    Ok(domain::communities::channels::delete(&domain()?, me.id, channel_id).await?)
}
