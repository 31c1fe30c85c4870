//! Client state shared by the community views: what to refetch, and which dialog is open.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::AppError;
use shared::community::{ChannelKind, ServerDetails};
use shared::ids::{ChannelId, MemberId, ProfileId, ServerId};

use super::api::load_server;

/// Bumped after a change, so the rail and the open server load again.
#[derive(Clone, Copy)]
pub struct Refresh(pub RwSignal<u64>);

impl Refresh {
    pub fn provide() -> Self {
        let refresh = Self(RwSignal::new(0));
        provide_context(refresh);
        refresh
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }

    pub fn track(self) -> u64 {
        self.0.get()
    }
}

/// The open server, as this viewer sees it.
///
/// `loaded` is fetched with the page (and when the route moves to another server): the server
/// renders from it and it decides "not found". Views read `latest`, a plain signal seeded from
/// `loaded` where it is awaited and replaced by each later reload (after a dialog or a live
/// event), so the views already showing — the message list above all — update in place instead
/// of being built again. Only awaiting the resource (never `.get()` under a `Suspense`) also
/// keeps clear of leptos-rs/leptos#4578 (SSR deadlocks when boundaries share resources via
/// `.get()`).
#[derive(Clone, Copy)]
pub struct CurrentServer {
    pub id: Memo<Option<ServerId>>,
    loaded: Resource<Result<ServerDetails, AppError>>,
    latest: RwSignal<Option<(ServerId, Result<ServerDetails, AppError>)>>,
}

impl CurrentServer {
    /// Loads the server named by `id` and reloads it on every `Refresh`.
    pub fn provide(id: Memo<Option<ServerId>>) -> Self {
        let loaded = Resource::new(
            move || id.get(),
            |id| async move {
                match id {
                    Some(id) => load_server(id).await,
                    None => Err(AppError::NotFound),
                }
            },
        );
        let latest = RwSignal::new(None);
        let refresh = Refresh::get();
        Effect::new(move |ran: Option<()>| {
            refresh.track();
            if ran.is_none() {
                return;
            }
            if let Some(id) = id.get_untracked() {
                leptos::task::spawn_local(async move {
                    latest.set(Some((id, load_server(id).await)));
                });
            }
        });
        let current = Self { id, loaded, latest };
        provide_context(current);
        current
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Waits for the page-load answer and makes it the latest, unless a newer answer for the
    /// same server is already in.
    pub async fn ready(self) -> Result<ServerDetails, AppError> {
        let result = self.loaded.await;
        if let Some(id) = self.id.get_untracked() {
            let known = self
                .latest
                .with_untracked(|l| l.as_ref().is_some_and(|(held, _)| *held == id));
            if !known {
                self.latest.set(Some((id, result.clone())));
            }
        }
        result
    }

    /// The newest answer for the server in the route, once `ready` has run (reactive).
    pub fn result(self) -> Option<Result<ServerDetails, AppError>> {
        let id = self.id.get()?;
        self.latest.with(|latest| match latest {
            Some((held, result)) if *held == id => Some(result.clone()),
            _ => None,
        })
    }

    /// The loaded details, if they are in.
    pub fn details(self) -> Option<ServerDetails> {
        self.result().and_then(Result::ok)
    }

    /// The current name of the person `profile` in the server in the route, if they are in it
    /// (reactive).
    pub fn profile_name(self, profile: ProfileId) -> Option<String> {
        let id = self.id.get()?;
        self.latest.with(|latest| match latest {
            Some((held, Ok(details))) if *held == id => details
                .members
                .iter()
                .find(|m| m.profile_id == profile)
                .map(|m| m.name.clone()),
            _ => None,
        })
    }

    /// The current name of `member` of the server in the route, if they are in it (reactive).
    pub fn member_name(self, member: MemberId) -> Option<String> {
        let id = self.id.get()?;
        self.latest.with(|latest| match latest {
            Some((held, Ok(details))) if *held == id => details
                .members
                .iter()
                .find(|m| m.id == member)
                .map(|m| m.name.clone()),
            _ => None,
        })
    }
}

/// The dialog open over the server view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Invite,
    /// The viewer's notification settings for the server, and for one of its channels.
    Notifications,
    ChannelNotifications(ChannelId),
    EditServer,
    Members,
    CreateChannel(ChannelKind),
    EditChannel(ChannelId),
    DeleteChannel(ChannelId),
    DeleteServer,
    LeaveServer,
    Search,
}

#[derive(Clone, Copy)]
pub struct OpenDialog {
    current: RwSignal<Option<Dialog>>,
    refresh: Refresh,
}

impl OpenDialog {
    /// A closed dialog slot, provided to the server view.
    pub fn provide() -> Self {
        let dialog = Self {
            current: RwSignal::new(None),
            refresh: Refresh::get(),
        };
        provide_context(dialog);
        dialog
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn current(self) -> Option<Dialog> {
        self.current.get()
    }

    /// Opens `dialog` and reloads the server, so it shows the latest members and channels.
    pub fn open(self, dialog: Dialog) {
        self.current.set(Some(dialog));
        self.refresh.bump();
    }

    pub fn close(self) {
        self.current.set(None);
    }

    /// The dialog's change went through: reload the server and close the dialog.
    pub fn finish(self) {
        self.refresh.bump();
        self.close();
    }

    /// Once `value` holds a success: reload the server, close the dialog, and go where `next`
    /// says for that result (if anywhere).
    pub fn finish_when<T: 'static>(
        self,
        value: impl Get<Value = Option<Result<T, AppError>>> + 'static,
        next: impl Fn(&T) -> Option<String> + 'static,
    ) {
        let navigate = use_navigate();
        Effect::new(move |_| {
            if let Some(Ok(done)) = value.get() {
                self.finish();
                if let Some(path) = next(&done) {
                    navigate(&path, Default::default());
                }
            }
        });
    }

    /// A callback that closes the dialog, for `Modal`'s close button.
    pub fn closer(self) -> Callback<()> {
        Callback::new(move |()| self.close())
    }
}
