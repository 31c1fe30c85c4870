//! Client state shared by the community views: what to refetch, and which dialog is open.

use leptos::prelude::*;
use shared::AppError;
use shared::community::{ChannelKind, ServerDetails};
use shared::ids::ChannelId;

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

/// The open server, as loaded for this viewer.
#[derive(Clone, Copy)]
pub struct CurrentServer(pub Resource<Result<ServerDetails, AppError>>);

impl CurrentServer {
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// The loaded details, if they are in.
    pub fn details(self) -> Option<ServerDetails> {
        self.0.get().and_then(Result::ok)
    }
}

/// The dialog open over the server view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Invite,
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

    /// A callback that closes the dialog, for `Modal`'s close button.
    pub fn closer(self) -> Callback<()> {
        Callback::new(move |()| self.close())
    }
}
