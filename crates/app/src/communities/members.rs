//! Manage members: switch GUEST and MODERATOR, kick with or without a ban (ADMIN; never
//! themself or the owner), hand the server over to a moderator or admin (the owner), and the
//! list of bans with a way to lift each.

use leptos::prelude::*;
use shared::community::{BanInfo, MemberInfo, ServerDetails};
use shared::ids::ServerId;
use shared::permissions::{Action, Role};

use super::api::{KickMember, LiftBan, SetMemberRole, TransferOwnership, server_bans};
use super::confirm::InlineConfirm;
use super::state::{OpenDialog, Refresh};
use crate::auth::pages::FormError;
use crate::ui::{Avatar, Glyph, Icon, Modal};

#[component]
pub fn MembersModal(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let refresh = Refresh::get();
    let set_role = ServerAction::<SetMemberRole>::new();
    let kick = ServerAction::<KickMember>::new();
    let transfer = ServerAction::<TransferOwnership>::new();
    // After a change the server reloads and this dialog is drawn again from the fresh list.
    let members = details.members.clone();
    Effect::new(move |_| {
        if matches!(set_role.value().get(), Some(Ok(())))
            || matches!(kick.value().get(), Some(Ok(())))
            || matches!(transfer.value().get(), Some(Ok(())))
        {
            refresh.bump();
        }
    });
    let working =
        move || set_role.pending().get() || kick.pending().get() || transfer.pending().get();
    let error = Signal::derive(move || {
        match (
            set_role.value().get(),
            kick.value().get(),
            transfer.value().get(),
        ) {
            (Some(Err(e)), _, _) | (_, Some(Err(e)), _) | (_, _, Some(Err(e))) => {
                Some(Err::<(), _>(e))
            }
            _ => None,
        }
    });
    let owner_view = details.can(Action::TransferOwnership);
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
                            move |ban: bool| {
                                kick.dispatch(KickMember { server_id, member_id, ban });
                            }
                        })
                        on_transfer=(owner_view
                            && !member.is_owner
                            && member.role != Role::Guest)
                            .then(|| {
                                let server_id = details.with_value(|d| d.server.id);
                                let member_id = member.id;
                                Callback::new(move |()| {
                                    transfer.dispatch(TransferOwnership { server_id, member_id });
                                })
                            })
                        disabled=Signal::derive(working)
                    />
                </For>
            </ul>
            {details
                .with_value(|d| d.can(Action::ManageBans))
                .then(|| view! { <Bans server_id=details.with_value(|d| d.server.id) /> })}
        </Modal>
    }
}

/// Who is banned, each with a button that lifts the ban. Reloads after every kick or lift.
#[component]
fn Bans(server_id: ServerId) -> impl IntoView {
    let refresh = Refresh::get();
    let lift = ServerAction::<LiftBan>::new();
    let bans = Resource::new(
        move || (refresh.0.get(), lift.version().get()),
        move |_| server_bans(server_id),
    );
    view! {
        <section class="bans" aria-labelledby="bans-heading">
            <h2 id="bans-heading">"Banned"</h2>
            <FormError value=lift.value() />
            <Transition fallback=|| view! { <p class="hint">"Loading bans…"</p> }>
                {move || Suspend::new(async move {
                    match bans.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="hint">"Nobody is banned."</p> }.into_any()
                        }
                        Ok(list) => view! {
                            <ul class="member-rows">
                                {list
                                    .into_iter()
                                    .map(|ban| view! { <BanRow ban server_id lift /> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }
                            .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BanRow(ban: BanInfo, server_id: ServerId, lift: ServerAction<LiftBan>) -> impl IntoView {
    let profile_id = ban.profile_id;
    view! {
        <li class="member-row">
            <Avatar name=ban.name.clone() image_url=ban.image_url.clone() />
            <span class="member-name">{ban.name.clone()}</span>
            <button
                type="button"
                class="small"
                disabled=move || lift.pending().get()
                aria-label=format!("Lift the ban on {}", ban.name)
                on:click=move |_| {
                    lift.dispatch(LiftBan { server_id, profile_id });
                }
            >
                "Unban"
            </button>
        </li>
    }
}

#[component]
fn MemberRow(
    member: MemberInfo,
    manageable: bool,
    on_role: Callback<Role>,
    on_kick: Callback<bool>,
    /// Set when the viewer owns the server and may hand it to this member.
    on_transfer: Option<Callback<()>>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let select_id = format!("role-{}", member.id);
    let ban_id = format!("ban-{}", member.id);
    let name = member.name.clone();
    let confirming = RwSignal::new(false);
    let ban = RwSignal::new(false);
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
                            aria-expanded=move || confirming.get().to_string()
                            on:click=move |_| confirming.set(true)
                        >
                            "Kick"
                        </button>
                        <InlineConfirm
                            label=format!("Kick {name}?")
                            confirming
                            disabled
                            confirm=Signal::derive(move || if ban.get() { "Kick and Ban" } else { "Kick Member" })
                            on_confirm=Callback::new(move |()| on_kick.run(ban.get_untracked()))
                        >
                            <p>{format!("Remove {name} from the server?")}</p>
                            <label for=ban_id.clone()>
                                <input
                                    type="checkbox"
                                    id=ban_id.clone()
                                    prop:checked=move || ban.get()
                                    on:change=move |ev| ban.set(event_target_checked(&ev))
                                />
                                {format!(" Also ban {name}: no invite lets them back until the ban is lifted")}
                            </label>
                        </InlineConfirm>
                    }
                })}
            {on_transfer.map(|transfer| view! { <HandOver name=member.name.clone() transfer disabled /> })}
        </li>
    }
}

/// "Make owner", confirmed first.
#[component]
fn HandOver(name: String, transfer: Callback<()>, disabled: Signal<bool>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="secondary small"
            disabled=move || disabled.get()
            aria-label=format!("Make {name} the owner")
            aria-expanded=move || confirming.get().to_string()
            on:click=move |_| confirming.set(true)
        >
            "Make owner"
        </button>
        <InlineConfirm
            label=format!("Make {name} the owner?")
            confirming
            disabled
            confirm="Hand over"
            on_confirm=transfer
        >
            <p>{format!("Hand the server over to {name}? They become an admin and its owner; you stay an admin.")}</p>
        </InlineConfirm>
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
