//! Which of a connection's sources woke it.
//!
//! A connection waits on several things at once: the topics it follows, the client's frames,
//! the server's shutdown and its timer. A task is woken without being told by what, so each
//! wake-up used to poll every one of them again — for every frame forwarded, by every socket.
//! Here each source is polled with a waker of its own, which marks the source's bit before
//! waking the task; a wake-up polls only the sources marked since, and those that had something
//! last time (they registered no waker then).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// One bit per source; sources may share one (they are then polled together).
pub type Bits = u64;

/// A connection's record of what is due: a bit set is a source to poll at the next step.
pub struct Wakes {
    shared: Arc<Shared>,
    due: Bits,
}

/// What the sources' wakers share with the connection.
struct Shared {
    woken: AtomicU64,
    /// The task's waker, kept across wake-ups (it rarely changes): not taken out to wake it and
    /// cloned back in at every step, as an `AtomicWaker` would.
    task: Mutex<Option<Waker>>,
}

impl Shared {
    fn task(&self) -> std::sync::MutexGuard<'_, Option<Waker>> {
        self.task
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The waker of the sources with `bit`.
struct Source {
    shared: Arc<Shared>,
    bit: Bits,
}

impl Wake for Source {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.woken.fetch_or(self.bit, Ordering::Release);
        if let Some(task) = self.shared.task().as_ref() {
            task.wake_by_ref();
        }
    }
}

impl Wakes {
    /// Everything is due at first: no source has a waker yet.
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                woken: AtomicU64::new(0),
                task: Mutex::new(None),
            }),
            due: Bits::MAX,
        }
    }

    /// The waker for the sources with `bit`.
    pub fn waker(&self, bit: Bits) -> Waker {
        Waker::from(Arc::new(Source {
            shared: self.shared.clone(),
            bit,
        }))
    }

    /// At the start of a step: the task's waker is kept for the sources to wake, then what they
    /// marked until now is due. (In that order: a source marking after the second is sure to
    /// find the waker.)
    pub fn collect(&mut self, cx: &Context<'_>) {
        {
            let mut task = self.shared.task();
            if !task.as_ref().is_some_and(|t| t.will_wake(cx.waker())) {
                *task = Some(cx.waker().clone());
            }
        }
        self.due |= self.shared.woken.swap(0, Ordering::Acquire);
    }

    pub fn is_due(&self, bits: Bits) -> bool {
        self.due & bits != 0
    }

    /// The sources with `bits` must be polled at the next step (a source just added).
    pub fn mark(&mut self, bits: Bits) {
        self.due |= bits;
    }

    /// Polls the source with `bit`, if due, with `waker`. A source with nothing (whose waker is
    /// now registered) is no longer due; one that had something stays due.
    pub fn poll<T>(
        &mut self,
        bit: Bits,
        waker: &Waker,
        poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        if !self.is_due(bit) {
            return Poll::Pending;
        }
        let polled = poll(&mut Context::from_waker(waker));
        if polled.is_pending() {
            self.due &= !bit;
        }
        polled
    }

    /// The sources with `bits` were all polled and have nothing.
    pub fn settle(&mut self, bits: Bits) {
        self.due &= !bits;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Counts the task's wake-ups.
    struct Task(AtomicUsize);

    impl Wake for Task {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn only_the_sources_woken_since_are_due() {
        let task = Arc::new(Task(AtomicUsize::new(0)));
        let task_waker = Waker::from(task.clone());
        let cx = Context::from_waker(&task_waker);
        let mut wakes = Wakes::new();
        let (a, b) = (wakes.waker(0b01), wakes.waker(0b10));
        // At first everything is due; polled with nothing, each is settled.
        wakes.collect(&cx);
        assert!(wakes.is_due(0b01) && wakes.is_due(0b10));
        assert!(wakes.poll(0b01, &a, |_| Poll::<()>::Pending).is_pending());
        assert!(wakes.poll(0b10, &b, |_| Poll::<()>::Pending).is_pending());
        wakes.collect(&cx);
        assert!(!wakes.is_due(0b11));
        // A source's waker marks it and wakes the task.
        b.wake_by_ref();
        assert_eq!(task.0.load(Ordering::SeqCst), 1);
        wakes.collect(&cx);
        assert!(!wakes.is_due(0b01));
        assert!(wakes.is_due(0b10));
        // A source that had something stays due; one not due is not polled at all.
        assert!(wakes.poll(0b10, &b, |_| Poll::Ready(())).is_ready());
        let mut polled = false;
        let _ = wakes.poll(0b01, &a, |_| {
            polled = true;
            Poll::<()>::Pending
        });
        assert!(!polled);
        wakes.collect(&cx);
        assert!(wakes.is_due(0b10));
        wakes.settle(0b10);
        assert!(!wakes.is_due(0b10));
        // A source is polled with its own waker, to register with what it waits on.
        wakes.mark(0b10);
        let mut own = false;
        let _ = wakes.poll(0b10, &b, |cx| {
            own = cx.waker().will_wake(&b);
            Poll::<()>::Pending
        });
        assert!(own);
    }
}
