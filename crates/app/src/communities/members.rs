//! Manage members: switch GUEST and MODERATOR, kick (ADMIN; never themself or the owner).

use leptos::prelude::*;
use shared::community::{MemberInfo, ServerDetails};
use shared::permissions::Role;

use super::api::{KickMember, SetMemberRole};
use super::state::{OpenDialog, Refresh};
use crate::auth::pages::FormError;
use crate::ui::{Avatar, Glyph, Icon, Modal};

#[component]
pub fn MembersModal(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let refresh = Refresh::get();
    let set_role = ServerAction::<SetMemberRole>::new();
    let kick = ServerAction::<KickMember>::new();
    // After a change the server reloads and this dialog is drawn again from the fresh list.
    let members = details.members.clone();
    Effect::new(move |_| {
        if matches!(set_role.value().get(), Some(Ok(())))
            || matches!(kick.value().get(), Some(Ok(())))
        {
            refresh.bump();
        }
    });
    let working = move || set_role.pending().get() || kick.pending().get();
    let error = Signal::derive(move || match (set_role.value().get(), kick.value().get()) {
        (Some(Err(e)), _) | (_, Some(Err(e))) => Some(Err::<(), _>(e)),
        _ => None,
    });
    let count = members.len();
    let details = StoredValue::new(details);
    view! {
        <Modal title="Manage members" on_close=dialog.closer()>
            <p class="subtitle">{format!("{count} members")}</p>
            <Show when=working>
                <p class="hint" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    "Working…"
                </p>
            </Show>
            <FormError value=error />
            <ul class="member-rows">
                <For each=move || members.clone() key=|m| (m.id, m.role) let:member>
                    <MemberRow
                        member=member.clone()
                        manageable=details.with_value(|d| d.can_manage(&member))
                        on_role=Callback::new({
                            let server_id = details.with_value(|d| d.server.id);
                            let member_id = member.id;
                            move |role: Role| {
                                set_role.dispatch(SetMemberRole { server_id, member_id, role });
                            }
                        })
                        on_kick=Callback::new({
                            let server_id = details.with_value(|d| d.server.id);
                            let member_id = member.id;
                            move |()| {
                                kick.dispatch(KickMember { server_id, member_id });
                            }
                        })
                        disabled=Signal::derive(working)
                    />
                </For>
            </ul>
        </Modal>
    }
}

#[component]
fn MemberRow(
    member: MemberInfo,
    manageable: bool,
    on_role: Callback<Role>,
    on_kick: Callback<()>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let select_id = format!("role-{}", member.id);
    let name = member.name.clone();
    view! {
        <li class="member-row">
            <Avatar name=member.name.clone() image_url=member.image_url.clone() />
            <span class="member-name">{member.name.clone()}</span>
            <RoleBadge role=member.role is_owner=member.is_owner />
            {manageable
                .then(|| {
                    view! {
                        <label class="visually-hidden" for=select_id.clone()>
                            {format!("Role of {name}")}
                        </label>
                        <select
                            id=select_id.clone()
                            disabled=move || disabled.get()
                            on:change=move |ev| {
                                let role = if event_target_value(&ev) == "MODERATOR" {
                                    Role::Moderator
                                } else {
                                    Role::Guest
                                };
                                on_role.run(role);
                            }
                        >
                            <option value="GUEST" selected=member.role == Role::Guest>"Guest"</option>
                            <option value="MODERATOR" selected=member.role == Role::Moderator>"Moderator"</option>
                        </select>
                        <button
                            type="button"
                            class="danger small"
                            disabled=move || disabled.get()
                            aria-label=format!("Kick {name}")
                            on:click=move |_| on_kick.run(())
                        >
                            "Kick"
                        </button>
                    }
                })}
        </li>
    }
}

/// The role icon beside a member's name: a crown for the owner, shields for admins and moderators.
#[component]
pub fn RoleBadge(role: Role, is_owner: bool) -> impl IntoView {
    let (glyph, label) = match (is_owner, role) {
        (true, _) => (Glyph::Crown, "Owner"),
        (false, Role::Admin) => (Glyph::Shield, "Admin"),
        (false, Role::Moderator) => (Glyph::Shield, "Moderator"),
        (false, Role::Guest) => return ().into_any(),
    };
    view! {
        <span class=format!("role-badge role-{}", label.to_lowercase()) title=label aria-label=label role="img">
            <Icon glyph />
        </span>
    }
    .into_any()
}
