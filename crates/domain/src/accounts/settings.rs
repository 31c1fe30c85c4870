//! What a person changes about their own account: their name and picture (told live to every
//! server they are in, so everyone who shares one sees the change), their password (the current
//! one required; their other sessions may end with it), their other sessions, and the account
//! itself — deleted with its password, refused while they own a server; their messages stay,
//! under "Deleted user".

use anyhow::Context;
use chrono::Utc;
use entity::{account, member, profile, server, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use shared::account::{CurrentUser, DisplayName, Password};
use shared::ids::{MemberId, ProfileId, ServerId};
use shared::live::ServerEvent;

use super::{AccountError, avatar, password, to_current_user, token};
use crate::Domain;
use crate::files::FileKey;
use crate::limits::Rule;
use crate::uploads::{self, Usage};
use crate::writer::Outbox;

/// The name a deleted account's messages are shown under.
pub const DELETED_NAME: &str = "Deleted user";

/// Changes `me`'s display name and picture (`picture`: their own fresh upload, or the one they
/// have, or none for the default). The picture it replaces is removed.
pub async fn update_profile(
    domain: &Domain,
    me: ProfileId,
    name: DisplayName,
    picture: Option<FileKey>,
) -> Result<CurrentUser, AccountError> {
    domain.limits.check(Rule::Account, me)?;
    let (user, replaced) = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let found = profile::Entity::find_by_id(me.0)
                    .one(txn)
                    .await?
                    .context("no profile")?;
                let old = found.image_url.as_deref().and_then(FileKey::from_url);
                let replaced = if picture == old {
                    None
                } else {
                    if let Some(key) = &picture {
                        uploads::claim(txn, me, key, Usage::Avatar { profile: me })
                            .await
                            .map_err(|e| AccountError::Refused(e.to_string()))?;
                    }
                    old
                };
                let mut active = found.into_active_model();
                active.name = Set(name.as_str().to_owned());
                active.image_url = Set(picture.as_ref().map(FileKey::url));
                active.updated_at = Set(Utc::now());
                let updated = active.update(txn).await?;
                announce(txn, outbox, &updated).await?;
                Ok::<_, AccountError>((to_current_user(updated), replaced))
            })
        })
        .await?;
    uploads::remove(domain, replaced).await;
    Ok(user)
}

/// Tells every server `profile` is in what it is now called and looks like.
async fn announce(
    db: &impl ConnectionTrait,
    outbox: &Outbox,
    profile: &profile::Model,
) -> Result<(), AccountError> {
    for server_id in servers_of(db, ProfileId(profile.id)).await? {
        outbox.publish(ServerEvent::ProfileUpdated {
            server_id,
            profile_id: ProfileId(profile.id),
            name: profile.name.clone(),
            image_url: Some(avatar::image_url(profile)),
        });
    }
    Ok(())
}

async fn servers_of(
    db: &impl ConnectionTrait,
    me: ProfileId,
) -> Result<Vec<ServerId>, AccountError> {
    Ok(member::Entity::find()
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| ServerId(m.server_id))
        .collect())
}

/// Checks `me`'s current password (as costly as a sign-in, and limited like one).
async fn check_password(domain: &Domain, me: ProfileId, current: &str) -> Result<(), AccountError> {
    domain.limits.check(Rule::Account, me)?;
    if current.chars().count() > Password::MAX_CHARS {
        return Err(AccountError::WrongPassword);
    }
    let account = account::Entity::find_by_id(me.0)
        .one(&domain.db)
        .await?
        .context("no account")?;
    if password::verify(
        &domain.password_work,
        current.to_owned(),
        account.password_hash,
    )
    .await?
    {
        Ok(())
    } else {
        Err(AccountError::WrongPassword)
    }
}

/// Replaces `me`'s password (the current one required); with `end_others`, every session but
/// `keep` (the token of the one asking) ends too.
pub async fn change_password(
    domain: &Domain,
    me: ProfileId,
    keep: &str,
    current: &str,
    new: Password,
    end_others: bool,
) -> Result<(), AccountError> {
    check_password(domain, me, current).await?;
    let hash = password::hash(&domain.password_work, new).await?;
    let keep = token::hash(keep);
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                account::Entity::update_many()
                    .col_expr(account::Column::PasswordHash, hash.into())
                    .col_expr(account::Column::UpdatedAt, Utc::now().into())
                    .filter(account::Column::ProfileId.eq(me.0))
                    .exec(txn)
                    .await?;
                if end_others {
                    end_sessions(txn, outbox, me, Some(&keep)).await?;
                }
                Ok::<_, AccountError>(())
            })
        })
        .await
}

/// Ends every session of `me` but `keep` (a token); how many ended.
pub async fn end_other_sessions(
    domain: &Domain,
    me: ProfileId,
    keep: &str,
) -> Result<u64, AccountError> {
    domain.limits.check(Rule::Account, me)?;
    let keep = token::hash(keep);
    domain
        .write(move |txn, outbox| {
            Box::pin(async move { end_sessions(txn, outbox, me, Some(&keep)).await })
        })
        .await
}

/// Ends `me`'s sessions but `keep` (a stored id); their sockets close once committed.
async fn end_sessions(
    db: &impl ConnectionTrait,
    outbox: &Outbox,
    me: ProfileId,
    keep: Option<&str>,
) -> Result<u64, AccountError> {
    let ending: Vec<String> = session::Entity::find()
        .filter(session::Column::ProfileId.eq(me.0))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.token_hash)
        .filter(|id| Some(id.as_str()) != keep)
        .collect();
    if ending.is_empty() {
        return Ok(0);
    }
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.is_in(ending.clone()))
        .exec(db)
        .await?;
    let count = ending.len() as u64;
    for session in ending {
        outbox.publish(ServerEvent::SessionEnded {
            profile_id: me,
            session,
        });
    }
    Ok(count)
}

/// Deletes `me`'s account (their password required): they leave every server, every session
/// ends, their sign-in is gone and their email free again; their profile stays, nameless, so
/// their messages read "Deleted user". Refused while they own a server.
pub async fn delete_account(
    domain: &Domain,
    me: ProfileId,
    current: &str,
) -> Result<(), AccountError> {
    check_password(domain, me, current).await?;
    let (left, picture) = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let owned: Vec<String> = server::Entity::find()
                    .filter(server::Column::OwnerId.eq(me.0))
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|s| s.name)
                    .collect();
                if !owned.is_empty() {
                    return Err(AccountError::Refused(format!(
                        "You own {}: hand each over to an admin or a moderator, or delete it, \
                         before deleting your account.",
                        owned.join(", ")
                    )));
                }
                let found = profile::Entity::find_by_id(me.0)
                    .one(txn)
                    .await?
                    .context("no profile")?;
                let picture = found.image_url.as_deref().and_then(FileKey::from_url);
                let mut active = found.into_active_model();
                active.name = Set(DELETED_NAME.to_owned());
                active.email = Set(format!("deleted-{}@deleted.invalid", me.0.simple()));
                active.image_url = Set(None);
                active.updated_at = Set(Utc::now());
                let gone = active.update(txn).await?;
                // Told while still a member, then gone from each server.
                announce(txn, outbox, &gone).await?;
                let memberships = member::Entity::find()
                    .filter(member::Column::ProfileId.eq(me.0))
                    .filter(member::Column::LeftAt.is_null())
                    .all(txn)
                    .await?;
                let mut left = Vec::new();
                for m in memberships {
                    let (server_id, member_id) = (ServerId(m.server_id), MemberId(m.id));
                    crate::communities::members::depart(txn, m)
                        .await
                        .map_err(to_account)?;
                    outbox.publish(ServerEvent::MemberLeft {
                        server_id,
                        member_id,
                        profile_id: me,
                    });
                    left.push(server_id);
                }
                end_sessions(txn, outbox, me, None).await?;
                account::Entity::delete_by_id(me.0).exec(txn).await?;
                Ok((left, picture))
            })
        })
        .await?;
    for server_id in left {
        crate::calls::lose_server(domain, me, server_id).await;
    }
    uploads::remove(domain, picture).await;
    Ok(())
}

fn to_account(e: crate::communities::CommunityError) -> AccountError {
    AccountError::Unexpected(anyhow::anyhow!("{e}"))
}
