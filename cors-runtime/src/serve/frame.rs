//! The serving frame: what a CORS layer or [`CorsRouter`](crate::CorsRouter) tells the code it
//! wraps about the request in flight, in a thread-local set while it calls and polls that code.
//!
//! Two kinds of code read it. A CORS layer nested inside another one (a `CorsLayer` on a
//! `MethodRouter` inside a `CorsRouter`, a group inside a group in a plain axum `Router`) sees
//! that the outer one already answers the preflights of this request, stands down, and says so
//! when its policy differs. An annotated handler (`#[cors]` adds one call at the top of its
//! body) checks that the policy serving it is its own, which is how a handler mounted without
//! `with_cors!` is reported instead of silently served without its policy.
//!
//! A thread-local rather than a request extension: inserting an extension costs an allocation
//! per request, and the frame is only read by code that runs inside the outer layer's `call`
//! and `poll`. Code moved to another task (tower's `Buffer`) does not see it; what that could
//! hide (a second `Access-Control-Allow-Origin` from inside) is reported from the response.

use std::{any::TypeId, cell::Cell};

/// One request being served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// A CORS layer or router serves this request: it answered its preflight, it decorates
    /// its response.
    pub(crate) active: bool,
    /// [`Policy::fingerprint`](crate::Policy) of the policy that applies; 0 when none does.
    pub(crate) policy: u64,
    /// The `#[cors]` companion type of the handler `with_cors!` mounted for the request's
    /// method, if any.
    pub(crate) handler: Option<TypeId>,
    /// Set by an annotated handler that runs without being that handler: its name.
    pub(crate) stray: Option<&'static str>,
}

impl Frame {
    /// No CORS layer around: the frame outside any request.
    pub(crate) const NONE: Frame = Frame {
        active: false,
        policy: 0,
        handler: None,
        stray: None,
    };
}

thread_local! {
    static FRAME: Cell<Frame> = const { Cell::new(Frame::NONE) };
}

/// The frame of the request whose code is running on this thread.
pub(crate) fn current() -> Frame {
    FRAME.with(Cell::get)
}

/// Runs `f` inside `frame`; returns its result and the frame as `f` left it (with `stray`
/// set if an annotated handler reported itself).
pub(crate) fn within<T>(frame: Frame, f: impl FnOnce() -> T) -> (T, Frame) {
    struct Restore(Frame);
    impl Drop for Restore {
        fn drop(&mut self) {
            FRAME.with(|cell| cell.set(self.0));
        }
    }
    let previous = FRAME.with(|cell| cell.replace(frame));
    let restore = Restore(previous);
    let value = f();
    let left = FRAME.with(Cell::get);
    drop(restore);
    (value, left)
}

/// Called at the top of every `#[cors]` handler's body: is the policy serving this request the
/// handler's own? Records the handler as stray in the frame when not (the serving layer
/// reports it with the route), and reports at once when no CORS layer serves it at all.
pub(crate) fn handler_runs(handler: TypeId, name: &'static str) {
    FRAME.with(|cell| {
        let mut frame = cell.get();
        if !frame.active {
            super::misuse::unserved_handler(name);
        } else if frame.handler != Some(handler) {
            frame.stray = Some(name);
            cell.set(frame);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_sets_and_restores_the_frame_and_returns_what_was_left() {
        assert_eq!(current(), Frame::NONE);
        let frame = Frame {
            active: true,
            policy: 7,
            handler: None,
            stray: None,
        };
        let (value, left) = within(frame, || {
            assert_eq!(current(), frame);
            handler_runs(TypeId::of::<u8>(), "list_tasks");
            42
        });
        assert_eq!(value, 42);
        assert_eq!(left.stray, Some("list_tasks"));
        assert_eq!(current(), Frame::NONE);
    }

    #[test]
    fn the_mounted_handler_is_not_stray() {
        let frame = Frame {
            active: true,
            policy: 7,
            handler: Some(TypeId::of::<u8>()),
            stray: None,
        };
        let ((), left) = within(frame, || handler_runs(TypeId::of::<u8>(), "list_tasks"));
        assert_eq!(left.stray, None);
    }

    #[test]
    fn a_panic_inside_restores_the_frame() {
        let frame = Frame {
            active: true,
            policy: 1,
            handler: None,
            stray: None,
        };
        let caught = std::panic::catch_unwind(|| within(frame, || panic!("boom")));
        assert!(caught.is_err());
        assert_eq!(current(), Frame::NONE);
    }
}
