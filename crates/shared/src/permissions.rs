//! Who may do what in a server. One pure function: the server enforces it, the UI uses it to
//! show only the actions a person can take.

use serde::{Deserialize, Serialize};

/// A member's role in one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Moderator,
    Guest,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Moderator => "Moderator",
            Role::Guest => "Guest",
        }
    }
}

/// The person acting, as seen from one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// `None` when not a member.
    pub role: Option<Role>,
    pub is_owner: bool,
}

impl Actor {
    pub const NON_MEMBER: Actor = Actor {
        role: None,
        is_owner: false,
    };

    pub fn member(role: Role, is_owner: bool) -> Self {
        Self {
            role: Some(role),
            is_owner,
        }
    }
}

/// The member an action is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub is_self: bool,
    pub is_owner: bool,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the server, its channels and members.
    View,
    /// See, copy and regenerate the invite link.
    ManageInvite,
    /// Rename the server or change its icon.
    EditServer,
    DeleteServer,
    /// Hand the server over to another member (who must be an admin or a moderator).
    TransferOwnership,
    LeaveServer,
    /// Switch a member between GUEST and MODERATOR.
    ChangeRole(Target),
    Kick(Target),
    /// See the bans and lift them.
    ManageBans,
    CreateChannel,
    /// `general` is true for the channel named `general`, which never changes.
    EditChannel {
        general: bool,
    },
    DeleteChannel {
        general: bool,
    },
    /// Write in the server's channels.
    SendMessage,
    /// Mention `@everyone` in a channel.
    MentionEveryone,
    /// `own` is true for the author's own message.
    EditMessage {
        own: bool,
    },
    /// `direct` is true in a direct conversation: only the author deletes there (staff of the
    /// server have no say over a private conversation).
    DeleteMessage {
        own: bool,
        direct: bool,
    },
    /// Pin or unpin a message: staff in a channel, either person in a direct conversation.
    PinMessage {
        direct: bool,
    },
}

/// Whether `actor` may do `action`.
pub fn can(actor: Actor, action: Action) -> bool {
    let Some(role) = actor.role else {
        return false;
    };
    let staff = matches!(role, Role::Admin | Role::Moderator);
    match action {
        Action::View => true,
        Action::ManageInvite | Action::CreateChannel | Action::MentionEveryone => staff,
        Action::EditServer | Action::ManageBans => role == Role::Admin,
        Action::DeleteServer | Action::TransferOwnership => actor.is_owner,
        Action::LeaveServer => !actor.is_owner,
        Action::ChangeRole(target) | Action::Kick(target) => {
            role == Role::Admin && !target.is_self && !target.is_owner && target.role != Role::Admin
        }
        Action::EditChannel { general } | Action::DeleteChannel { general } => staff && !general,
        Action::SendMessage => true,
        Action::EditMessage { own } => own,
        Action::DeleteMessage { own, direct } => own || (staff && !direct),
        Action::PinMessage { direct } => staff || direct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Actor = Actor {
        role: Some(Role::Admin),
        is_owner: true,
    };
    const ADMIN: Actor = Actor {
        role: Some(Role::Admin),
        is_owner: false,
    };
    const MODERATOR: Actor = Actor {
        role: Some(Role::Moderator),
        is_owner: false,
    };
    const GUEST: Actor = Actor {
        role: Some(Role::Guest),
        is_owner: false,
    };
    const NOBODY: Actor = Actor::NON_MEMBER;

    /// Actors in column order: owner, admin, moderator, guest, non-member.
    const ACTORS: [Actor; 5] = [OWNER, ADMIN, MODERATOR, GUEST, NOBODY];

    fn target(is_self: bool, is_owner: bool, role: Role) -> Target {
        Target {
            is_self,
            is_owner,
            role,
        }
    }

    #[test]
    fn server_actions_by_role() {
        let table: [(Action, [bool; 5]); 20] = [
            (Action::View, [true, true, true, true, false]),
            (Action::ManageInvite, [true, true, true, false, false]),
            (Action::EditServer, [true, true, false, false, false]),
            (Action::DeleteServer, [true, false, false, false, false]),
            (
                Action::TransferOwnership,
                [true, false, false, false, false],
            ),
            (Action::LeaveServer, [false, true, true, true, false]),
            (Action::CreateChannel, [true, true, true, false, false]),
            (
                Action::EditChannel { general: false },
                [true, true, true, false, false],
            ),
            (
                Action::DeleteChannel { general: false },
                [true, true, true, false, false],
            ),
            (Action::EditChannel { general: true }, [false; 5]),
            (Action::SendMessage, [true, true, true, true, false]),
            (Action::MentionEveryone, [true, true, true, false, false]),
            (
                Action::EditMessage { own: true },
                [true, true, true, true, false],
            ),
            (Action::EditMessage { own: false }, [false; 5]),
            (
                Action::DeleteMessage {
                    own: true,
                    direct: false,
                },
                [true, true, true, true, false],
            ),
            (
                Action::DeleteMessage {
                    own: false,
                    direct: false,
                },
                [true, true, true, false, false],
            ),
            (
                Action::DeleteMessage {
                    own: true,
                    direct: true,
                },
                [true, true, true, true, false],
            ),
            (
                Action::DeleteMessage {
                    own: false,
                    direct: true,
                },
                [false; 5],
            ),
            (
                Action::PinMessage { direct: false },
                [true, true, true, false, false],
            ),
            (
                Action::PinMessage { direct: true },
                [true, true, true, true, false],
            ),
        ];
        for (action, expected) in table {
            for (actor, want) in ACTORS.into_iter().zip(expected) {
                assert_eq!(can(actor, action), want, "{actor:?} {action:?}");
            }
        }
        for actor in ACTORS {
            assert!(
                !can(actor, Action::DeleteChannel { general: true }),
                "{actor:?}"
            );
        }
    }

    #[test]
    fn member_actions_by_role_and_target() {
        let other_guest = target(false, false, Role::Guest);
        let other_moderator = target(false, false, Role::Moderator);
        let owner = target(false, true, Role::Admin);
        let other_admin = target(false, false, Role::Admin);
        let table: [(Target, [bool; 5]); 4] = [
            (other_guest, [true, true, false, false, false]),
            (other_moderator, [true, true, false, false, false]),
            (owner, [false; 5]),
            (other_admin, [false; 5]),
        ];
        for (t, expected) in table {
            for (actor, want) in ACTORS.into_iter().zip(expected) {
                assert_eq!(
                    can(actor, Action::ChangeRole(t)),
                    want,
                    "{actor:?} role {t:?}"
                );
                assert_eq!(can(actor, Action::Kick(t)), want, "{actor:?} kick {t:?}");
            }
        }
        // Nobody acts on themself, whatever their role.
        for (actor, role) in [
            (OWNER, Role::Admin),
            (ADMIN, Role::Admin),
            (MODERATOR, Role::Moderator),
            (GUEST, Role::Guest),
        ] {
            let me = target(true, actor.is_owner, role);
            assert!(!can(actor, Action::Kick(me)), "{actor:?}");
            assert!(!can(actor, Action::ChangeRole(me)), "{actor:?}");
        }
    }
}
