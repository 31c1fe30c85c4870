//! Message text as people read it: the formatting of `shared::markup` as nodes (never as HTML
//! text, so nothing a message holds can run), each mention a highlighted `@Name` (the member's
//! current name; "@unknown member" once they have left), links opening in a new tab.

use leptos::prelude::*;
use shared::ids::MemberId;
use shared::markup::{Block, Inline, Style, parse};
use shared::mentions::{EVERYONE, decode};

use crate::communities::CurrentServer;
use crate::ui::copy_to_clipboard;

#[component]
pub fn MessageText(
    content: String,
    /// The reader's membership: a mention of them stands out more.
    #[prop(into)]
    me: Signal<Option<MemberId>>,
) -> impl IntoView {
    let blocks = parse(&content)
        .into_iter()
        .map(|block| match block {
            Block::Text(inlines) => view! { <p>{pieces(inlines, me)}</p> }.into_any(),
            Block::Quote(inlines) => {
                view! { <blockquote>{pieces(inlines, me)}</blockquote> }.into_any()
            }
            Block::Code { lang, code } => view! { <CodeBlock lang code /> }.into_any(),
        })
        .collect_view();
    view! { <div class="message-text">{blocks}</div> }
}

fn pieces(inlines: Vec<Inline>, me: Signal<Option<MemberId>>) -> AnyView {
    inlines
        .into_iter()
        .map(|piece| piece_view(piece, me))
        .collect_view()
        .into_any()
}

fn piece_view(piece: Inline, me: Signal<Option<MemberId>>) -> AnyView {
    match piece {
        Inline::Text(text) => text.into_any(),
        Inline::Code(code) => view! { <code>{named(code)}</code> }.into_any(),
        Inline::Link(url) => {
            let href = url.clone();
            view! { <a href=href target="_blank" rel="noopener noreferrer nofollow">{url}</a> }
                .into_any()
        }
        Inline::Member(id) => {
            let current = CurrentServer::get();
            let name = move || {
                let name = current.member_name(id);
                format!("@{}", name.as_deref().unwrap_or("unknown member"))
            };
            view! { <span class="mention" class:mention-me=move || me.get() == Some(id)>{name}</span> }
                .into_any()
        }
        Inline::Everyone => view! { <span class="mention mention-me">{EVERYONE}</span> }.into_any(),
        Inline::Styled(style, inner) => {
            let inner = pieces(inner, me);
            match style {
                Style::Bold => view! { <strong>{inner}</strong> }.into_any(),
                Style::Italic => view! { <em>{inner}</em> }.into_any(),
                Style::Underline => view! { <u>{inner}</u> }.into_any(),
                Style::Strike => view! { <s>{inner}</s> }.into_any(),
                Style::Spoiler => view! { <Spoiler inner /> }.into_any(),
            }
        }
    }
}

/// Code as written, except that a member mentioned inside reads as `@Name` (plain).
fn named(code: String) -> impl IntoView {
    let current = CurrentServer::get();
    move || decode(&code, |m| current.member_name(m)).0
}

/// Hidden until clicked (or Enter/Space on it); then it reads as ordinary text.
#[component]
fn Spoiler(inner: AnyView) -> impl IntoView {
    let shown = RwSignal::new(false);
    let hidden = move || !shown.get();
    view! {
        <span
            class="spoiler"
            class:revealed=shown
            role=move || hidden().then_some("button")
            tabindex=move || hidden().then_some("0")
            aria-label=move || hidden().then_some("Spoiler: select to reveal")
            on:click=move |_| shown.set(true)
            on:keydown=move |ev| {
                if hidden() && (ev.key() == "Enter" || ev.key() == " ") {
                    ev.prevent_default();
                    shown.set(true);
                }
            }
        >
            {inner}
        </span>
    }
}

/// A fenced code block: monospace, scrolled sideways when long, with a copy button.
#[component]
fn CodeBlock(lang: Option<String>, code: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = code.clone();
    let copy = move |_| {
        copy_to_clipboard(&text);
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1500),
        );
    };
    view! {
        <div class="code-block">
            {lang.clone().map(|lang| view! { <span class="code-lang">{lang}</span> })}
            <button type="button" class="code-copy" aria-label="Copy code" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
            <pre><code data-lang=lang>{named(code)}</code></pre>
        </div>
    }
}
