//! The composer's mention list: typing `@` and the start of a name lists the server's members
//! who match (and everyone, for those who may mention it); Up and Down move through it, Enter
//! or Tab picks, Escape closes, a click picks too. A pick writes `@Name` in the text and is
//! remembered, so that sending turns it into the member's id (`shared::mentions::encode`).

use leptos::html::Textarea;
use leptos::prelude::*;
use shared::ids::MemberId;
use shared::permissions::Action;

use super::mention_query::{
    Candidate, Typing, byte_offset, candidates, pick, typing_at, utf16_offset,
};
use crate::communities::CurrentServer;
use crate::ui::Avatar;

/// The id of the list, for the composer's `aria-controls`.
pub const LIST_ID: &str = "mention-list";

#[derive(Clone, Copy)]
pub struct MentionPicker {
    /// The `@…` at the caret, with the caret's byte offset.
    typing: RwSignal<Option<(Typing, usize)>>,
    active: RwSignal<usize>,
    options: Memo<Vec<Candidate>>,
    text: RwSignal<String>,
    /// The members picked since the last send: `@Name` → id.
    picked: RwSignal<Vec<(String, MemberId)>>,
    input: NodeRef<Textarea>,
}

impl MentionPicker {
    /// A list over the composer `input` whose text is `text`; `enabled` is false where
    /// mentions are not offered (direct conversations).
    pub fn new(enabled: bool, text: RwSignal<String>, input: NodeRef<Textarea>) -> Self {
        let current = CurrentServer::get();
        let typing = RwSignal::new(None::<(Typing, usize)>);
        let options = Memo::new(move |_| {
            let query = typing.with(|t| t.as_ref().map(|(t, _)| t.query.clone()));
            match (enabled, query) {
                (true, Some(query)) => current
                    .details()
                    .map(|d| {
                        let everyone = d.can(Action::MentionEveryone);
                        candidates(&d.members, d.me.id, &query, everyone)
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            }
        });
        Self {
            typing,
            active: RwSignal::new(0),
            options,
            text,
            picked: RwSignal::new(Vec::new()),
            input,
        }
    }

    /// Whether the list shows (reactive).
    pub fn is_open(self) -> bool {
        self.options.with(|o| !o.is_empty())
    }

    /// The option the keys are on, for the composer's `aria-activedescendant` (reactive).
    pub fn active_option(self) -> Option<String> {
        self.is_open().then(|| option_id(self.active.get()))
    }

    /// Looks at the caret again (after typing, a click or a caret move).
    pub fn follow_caret(self) {
        let Some(el) = self.input.get_untracked() else {
            return;
        };
        let text = el.value();
        let caret = el
            .selection_start()
            .ok()
            .flatten()
            .map(|at| byte_offset(&text, at));
        self.typing
            .set(caret.and_then(|c| typing_at(&text, c).map(|t| (t, c))));
        self.active.set(0);
    }

    /// Takes the keys the open list uses; true when it did.
    pub fn on_keydown(self, ev: &leptos::ev::KeyboardEvent) -> bool {
        let count = self.options.with_untracked(Vec::len);
        if count == 0 || ev.is_composing() {
            return false;
        }
        match ev.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" => self.active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab" => self.choose(self.active.get_untracked()),
            "Escape" => self.typing.set(None),
            _ => return false,
        }
        ev.prevent_default();
        true
    }

    /// The text to send: each picked `@Name` as its member's id.
    pub fn encode(self, text: &str) -> String {
        self.picked
            .with_untracked(|picked| shared::mentions::encode(text, picked))
    }

    /// The members picked so far, by the name written (kept with a draft).
    pub fn picked(self) -> Vec<(String, MemberId)> {
        self.picked.get_untracked()
    }

    /// Takes back the picks of a draft.
    pub fn restore(self, picked: Vec<(String, MemberId)>) {
        self.picked.set(picked);
    }

    /// Sent: the picks are done with.
    pub fn forget(self) {
        self.picked.set(Vec::new());
        self.typing.set(None);
    }

    fn choose(self, index: usize) {
        let Some(chosen) = self.options.with_untracked(|o| o.get(index).cloned()) else {
            return;
        };
        let Some((typing, caret)) = self.typing.get_untracked() else {
            return;
        };
        let (text, caret) = pick(&self.text.get_untracked(), &typing, caret, &chosen.name);
        if let Some(member) = chosen.member {
            self.picked
                .update(|p| p.push((chosen.name.clone(), member)));
        }
        self.typing.set(None);
        self.text.set(text.clone());
        if let Some(el) = self.input.get_untracked() {
            el.set_value(&text);
            let caret = utf16_offset(&text, caret);
            let _ = el.set_selection_range(caret, caret);
            let _ = el.focus();
        }
    }
}

fn option_id(index: usize) -> String {
    format!("mention-option-{index}")
}

/// The list itself, above the composer while it has something to offer.
#[component]
pub fn MentionList(picker: MentionPicker) -> impl IntoView {
    let options = move || {
        picker
            .options
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, candidate)| {
                let active = move || picker.active.get() == index;
                let label = match candidate.member {
                    Some(_) => candidate.name.clone(),
                    None => "everyone — notify every member".to_owned(),
                };
                view! {
                    <li
                        role="option"
                        id=option_id(index)
                        class="mention-option"
                        class:active=active
                        aria-selected=move || active().to_string()
                        on:mousedown=move |ev| {
                            // Keep the focus in the composer.
                            ev.prevent_default();
                            picker.choose(index);
                        }
                    >
                        <Avatar name=candidate.name.clone() image_url=candidate.image_url.clone() class="avatar small" />
                        <span>{label}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || picker.is_open()>
            <ul class="mention-list" id=LIST_ID role="listbox" aria-label="Members to mention">
                {options}
            </ul>
        </Show>
    }
}
