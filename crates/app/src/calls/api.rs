//! The server functions a call needs besides the socket (which carries who joins and the
//! peer-to-peer signalling).

use leptos::prelude::*;
use shared::AppError;
use shared::calls::LiveKitAccess;
use shared::ids::{ChannelId, ConversationId};

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// A token for the LiveKit room of an audio or video channel (`channel_id`) or of a direct
/// conversation (`conversation_id`): exactly one of the two.
#[server(prefix = "/api", endpoint = "livekit_token")]
pub async fn livekit_token(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
) -> Result<LiveKitAccess, AppError> {
    let me = require_user().await?;
    let room = shared::calls::CallRoom::one_of(channel_id, conversation_id)?;
    Ok(domain::calls::livekit_token(&domain()?, me.id, room).await?)
}
