//! The sidebar's member list, split into those here (online or idle, with a dot saying which)
//! and those offline; everyone but the reader opens a direct conversation.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::community::{MemberInfo, ServerDetails};
use shared::presence::Status;

use super::conversation_page::conversation_path;
use super::members::RoleBadge;
use crate::presence::Presence;
use crate::ui::Avatar;

#[component]
pub fn MemberList(details: ServerDetails) -> impl IntoView {
    let presence = Presence::get();
    let members = StoredValue::new(details.members.clone());
    let me = details.me.id;
    let server_id = details.server.id;
    // Each member with their status; the reader is here by definition of reading.
    let statuses = Memo::new(move |_| {
        members.with_value(|all| {
            all.iter()
                .map(|m| {
                    let status = match presence.status(m.profile_id) {
                        Status::Offline if m.id == me => Status::Online,
                        other => other,
                    };
                    (m.clone(), status)
                })
                .collect::<Vec<_>>()
        })
    });
    let group = move |here: bool| {
        statuses.with(|all| {
            all.iter()
                .filter(|(_, s)| (*s != Status::Offline) == here)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let section = move |here: bool| {
        let title = if here { "Online" } else { "Offline" };
        move || {
            let people = group(here);
            (!people.is_empty()).then(|| {
                let count = people.len();
                let rows = people
                    .into_iter()
                    .map(|(member, status)| {
                        let href =
                            (member.id != me).then(|| conversation_path(server_id, member.id));
                        view! { <MemberRow member status href /> }
                    })
                    .collect_view();
                view! {
                    <h3 class="section-title">{format!("{title} — {count}")}</h3>
                    <ul class="member-list" aria-label=title>{rows}</ul>
                }
            })
        }
    };
    view! {
        <section class="sidebar-section" aria-label="Members">
            {section(true)}
            {section(false)}
        </section>
    }
}

#[component]
fn MemberRow(member: MemberInfo, status: Status, href: Option<String>) -> impl IntoView {
    let face = view! {
        <span class="avatar-with-status">
            <Avatar name=member.name.clone() image_url=member.image_url.clone() />
            <PresenceDot status />
        </span>
        <span class="member-name">{member.name.clone()}</span>
        <RoleBadge role=member.role is_owner=member.is_owner />
    };
    let row = match href {
        None => view! { <div class="member-link">{face}</div> }.into_any(),
        Some(href) => view! {
            <A href attr:class="member-link" attr:title=format!("Message {}", member.name)>{face}</A>
        }
        .into_any(),
    };
    view! {
        <li class="member-item" class:offline=status == Status::Offline data-status=status.label()>
            {row}
        </li>
    }
}

/// The dot on an avatar: green online, amber idle, grey offline (its word for screen readers).
#[component]
pub fn PresenceDot(status: Status) -> impl IntoView {
    view! {
        <span
            class="presence-dot"
            class:online=status == Status::Online
            class:idle=status == Status::Idle
            role="img"
            aria-label=status.label()
            title=status.label()
        ></span>
    }
}
