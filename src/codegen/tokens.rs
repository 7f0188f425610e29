//! Small pieces every generator uses: doc comments, literals, durations, retry policies.

use std::time::Duration;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::model::{Attempts, Backoff, Retry};

/// `/// line` for each line of `text` (an empty line stays a paragraph break).
pub fn docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// `//! line` for each line of `text`.
pub fn inner_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#lines)*)
}

pub fn usize_lit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// `Duration::from_millis(200)`.
pub fn duration(d: Duration) -> TokenStream {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ms % 1000 == 0 {
        let s = Literal::u64_unsuffixed(ms / 1000);
        quote!(Duration::from_secs(#s))
    } else {
        let ms = Literal::u64_unsuffixed(ms);
        quote!(Duration::from_millis(#ms))
    }
}

pub fn option_duration(d: Option<Duration>) -> TokenStream {
    match d {
        Some(d) => {
            let d = duration(d);
            quote!(Some(#d))
        }
        None => quote!(None),
    }
}

/// A `RetryPolicy { .. }` literal.
pub fn retry(r: &Retry) -> TokenStream {
    retry_with(r, TokenStream::new())
}

/// A `RetryPolicy { .. }` literal with more fields after version 1's (`fields`, each
/// ending with a comma).
pub fn retry_with(r: &Retry, fields: TokenStream) -> TokenStream {
    let attempts = match r.max_attempts {
        Attempts::Limited(n) => {
            let n = Literal::u32_unsuffixed(u32::try_from(n).unwrap_or(u32::MAX));
            quote!(Some(#n))
        }
        Attempts::Unlimited => quote!(None),
    };
    let backoff = match r.backoff {
        Backoff::Fixed => quote!(Backoff::Fixed),
        Backoff::Exponential => quote!(Backoff::Exponential),
    };
    let initial = duration(r.initial);
    let max = duration(r.max);
    quote! {
        RetryPolicy {
            max_attempts: #attempts,
            backoff: #backoff,
            initial: #initial,
            max: #max,
            #fields
        }
    }
}

/// `a`, `b` and `c` as code spans: "`a`, `b`, `c`".
pub fn code_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
