//! `/servers/:server_id/conversations/:member_id`: the direct conversation with another member
//! of the server (opened — found or created — on the way in).

use leptos::prelude::*;
use shared::AppError;
use shared::calls::CallRoom;
use shared::ids::{MemberId, ServerId};
use shared::live::Thread;

use super::member_list::PresenceDot;
use super::state::CurrentServer;
use crate::calls::CallView;
use crate::chat::{LiveIndicator, MessageView, PinsButton};
use crate::messages::api::open_conversation;
use crate::not_found::NotFound;
use crate::presence::Presence;
use crate::route_param::route_param;
use crate::search::SearchBox;
use crate::ui::{Avatar, NavToggle};

/// Where the conversation with `member_id` lives.
pub fn conversation_path(server_id: ServerId, member_id: MemberId) -> String {
    format!("/servers/{server_id}/conversations/{member_id}")
}

#[component]
pub fn ConversationPage() -> impl IntoView {
    let member_id = route_param::<MemberId>("member_id");
    let current = CurrentServer::get();
    // Loaded in the browser only (and shown without a `Suspense`, which would wait for it on
    // the server): a resource here would be created once per render of the server layout's
    // `Suspend`, which the server renders twice.
    let conversation = LocalResource::new(move || {
        let ids = (current.id.get(), member_id.get());
        async move {
            match ids {
                (Some(server_id), Some(member_id)) => open_conversation(server_id, member_id).await,
                _ => Err(AppError::NotFound),
            }
        }
    });
    move || match conversation.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(AppError::Validation(message))) => view! {
            <section class="channel-start">
                <p class="form-error" role="alert">{message}</p>
            </section>
        }
        .into_any(),
        Some(Err(_)) => view! { <NotFound /> }.into_any(),
        Some(Ok(c)) => {
            let (presence, other) = (Presence::get(), c.other.profile_id);
            let name = c.other.name.clone();
            let label = format!("Message @{name}");
            view! {
                <header class="channel-header">
                <NavToggle />
                    <span class="avatar-with-status">
                        <Avatar name=c.other.name.clone() image_url=c.other.image_url.clone() />
                        {move || view! { <PresenceDot status=presence.status(other) /> }}
                    </span>
                    <h1>{name.clone()}</h1>
                    <LiveIndicator />
                    <SearchBox />
                    <PinsButton thread=Thread::Conversation(c.id) />
                </header>
                // The call sits above the conversation, which stays usable during it.
                <div class="call-page direct">
                    <CallView
                        room=CallRoom::Conversation(c.id)
                        video=true
                        name=Signal::stored(name.clone())
                        join="Start a video call"
                    />
                    <div class="call-chat">
                        <MessageView
                            thread=Thread::Conversation(c.id)
                            composer_label=Signal::stored(label)
                            start=move || view! {
                                <h2>{name.clone()}</h2>
                                <p>{format!("This is the start of your direct messages with {name}.")}</p>
                            }
                        />
                    </div>
                </div>
            }
            .into_any()
        }
    }
}
