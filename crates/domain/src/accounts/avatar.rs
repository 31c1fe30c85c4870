//! The picture of a profile with no uploaded one: its initials on a colour chosen from the
//! profile id, served at `/avatars/{id}.svg` to people who share a server with it. Messages and
//! member lists carry that URL, never the picture.

use entity::{member, profile};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use shared::ids::ProfileId;
use uuid::Uuid;

use crate::communities::CommunityError;

const COLOURS: [&str; 8] = [
    "#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#9b59b6", "#1abc9c", "#e67e22",
];

/// The profile's picture: the uploaded one, or its default avatar. The default's URL carries a
/// hash of the name, so it changes when the initials may have, and browsers may keep each
/// version for good.
pub fn image_url(p: &profile::Model) -> String {
    p.image_url
        .clone()
        .unwrap_or_else(|| format!("/avatars/{}.svg?v={:08x}", p.id, fnv1a(&p.name)))
}

/// The name behind `profile`'s default avatar, if `me` may see it: their own, or someone who is
/// or was a member of a server `me` is in now.
pub async fn visible_name(
    db: &impl ConnectionTrait,
    me: ProfileId,
    profile: ProfileId,
) -> Result<Option<String>, CommunityError> {
    let Some(found) = profile::Entity::find_by_id(profile.0).one(db).await? else {
        return Ok(None);
    };
    if profile == me {
        return Ok(Some(found.name));
    }
    let my_servers = member::Entity::find()
        .select_only()
        .column(member::Column::ServerId)
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .into_query();
    let shared = member::Entity::find()
        .filter(member::Column::ProfileId.eq(profile.0))
        .filter(member::Column::ServerId.in_subquery(my_servers))
        .one(db)
        .await?;
    Ok(shared.map(|_| found.name))
}

/// An SVG with up to two initials of `name`, its markup escaped.
pub fn svg(name: &str, seed: Uuid) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .map(escape)
        .collect();
    let colour = COLOURS[usize::from(seed.as_bytes()[0]) % COLOURS.len()];
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>\
         <rect width='64' height='64' fill='{colour}'/>\
         <text x='32' y='41' font-family='sans-serif' font-size='26' fill='white' \
         text-anchor='middle'>{initials}</text></svg>"
    )
}

/// 32-bit FNV-1a: a short, stable fingerprint (not a secret).
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |hash, b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn escape(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        '\'' => "&apos;".into(),
        '"' => "&quot;".into(),
        c => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_show_initials_and_escape_markup() {
        let svg_of = svg("ada lovelace", Uuid::nil());
        assert!(svg_of.starts_with("<svg "));
        assert!(svg_of.contains(">AL</text>"), "{svg_of}");
        let hostile = svg("<script> &", Uuid::nil());
        assert!(!hostile.contains("<script"));
        assert!(hostile.contains(">&lt;&amp;</text>"), "{hostile}");
    }

    #[test]
    fn the_default_avatar_url_changes_with_the_name_only() {
        let mut p = profile::Model {
            id: Uuid::nil(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            image_url: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let first = image_url(&p);
        assert!(
            first.starts_with(&format!("/avatars/{}.svg?v=", Uuid::nil())),
            "{first}"
        );
        assert_eq!(image_url(&p), first);
        p.name = "Ada King".into();
        assert_ne!(image_url(&p), first);
        p.image_url = Some("/files/abc.png".into());
        assert_eq!(image_url(&p), "/files/abc.png");
    }
}
