//! A resolved value and where it came from: written on the item itself, taken from a
//! saga-wide key (`compensation_defaults`, the top-level `on_uncaught`), or the language's
//! default. Rules point at the place that set a value; `scenario::unsupported` and the
//! renderers can tell a written choice from a default.

use crate::source::Span;

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The language's default (for `on_uncaught`, the engine's).
    Default,
    /// A saga-wide key: `compensation_defaults.<key>` or the top-level `on_uncaught`.
    Saga(Span),
    /// Written on the item itself.
    Own(Span),
}

impl Origin {
    /// Where the value was written, if it was.
    pub fn span(self) -> Option<Span> {
        match self {
            Origin::Default => None,
            Origin::Saga(span) | Origin::Own(span) => Some(span),
        }
    }
}

/// A value with its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    pub const fn default(value: T) -> Self {
        Setting {
            value,
            origin: Origin::Default,
        }
    }

    pub const fn own(value: T, span: Span) -> Self {
        Setting {
            value,
            origin: Origin::Own(span),
        }
    }

    pub const fn saga(value: T, span: Span) -> Self {
        Setting {
            value,
            origin: Origin::Saga(span),
        }
    }

    /// Where the value was written, if it was.
    pub fn span(&self) -> Option<Span> {
        self.origin.span()
    }
}
