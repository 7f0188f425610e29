//! Version 2's retry policy fields in the std runtime: `RetryPolicy { within, jitter }`.
//! `within` is the time budget the policy's `max_attempts` already counts (the model
//! computes the attempts that start within it); `jitter: full` makes each generated wait
//! random between zero and the backoff's, which changes nothing else. A version 1 crate
//! keeps version 1's `RetryPolicy`, byte-identical.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::tokens::{option_duration, retry, retry_with};
use crate::model::{Jitter, Retry};

/// Whether the crate's `RetryPolicy` has version 2's fields (every version 2
/// orchestration, and a version 2 choreography on the std runtime).
pub fn used(plan: &Plan) -> bool {
    plan.saga.is_v2() && (plan.orchestration || !plan.restate)
}

/// A `RetryPolicy { .. }` literal of this crate's shape.
pub fn literal(plan: &Plan, r: &Retry) -> TokenStream {
    if !used(plan) {
        return retry(r);
    }
    let within = option_duration(r.within.as_ref().map(|w| w.budget.value));
    let jitter = match r.jitter {
        Jitter::Full => quote!(Jitter::Full),
        Jitter::None => quote!(Jitter::None),
    };
    retry_with(r, quote!(within: #within, jitter: #jitter,))
}

/// The parts of `RetryPolicy` that version 2 adds: its fields, `FOREVER`'s values, the
/// `Jitter` enum, and `delay_before` (random under `jitter: full`). For a version 1 crate:
/// no field, and version 1's `delay_before`.
pub struct Parts {
    pub fields: TokenStream,
    pub forever: TokenStream,
    pub types: TokenStream,
    pub delay_before: TokenStream,
}

impl Parts {
    pub fn of(plan: &Plan) -> Parts {
        let exact = quote! {
            match self.backoff {
                Backoff::Fixed => self.initial,
                Backoff::Exponential => {
                    let doublings = (attempt - 2).min(31);
                    self.initial.saturating_mul(1 << doublings).min(self.max)
                }
            }
        };
        if !used(plan) {
            return Parts {
                fields: TokenStream::new(),
                forever: TokenStream::new(),
                types: TokenStream::new(),
                delay_before: quote! {
                    /// How long to wait before attempt number `attempt` (nothing before the first).
                    pub fn delay_before(&self, attempt: u32) -> Duration {
                        if attempt <= 1 {
                            return Duration::ZERO;
                        }
                        #exact
                    }
                },
            };
        }
        Parts {
            fields: quote! {
                /// The time budget (`within`): `max_attempts` counts the attempts that start within it.
                pub within: Option<Duration>,
                pub jitter: Jitter,
            },
            forever: quote!(within: None, jitter: Jitter::None,),
            types: quote! {
                /// Whether the waits between attempts are random.
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub enum Jitter {
                    /// Exactly the backoff's.
                    None,
                    /// Random between zero and the backoff's ("full jitter").
                    Full,
                }
            },
            delay_before: quote! {
                /// How long to wait before attempt number `attempt` (nothing before the first; a random part of it under `Jitter::Full`).
                pub fn delay_before(&self, attempt: u32) -> Duration {
                    if attempt <= 1 {
                        return Duration::ZERO;
                    }
                    let exact = #exact;
                    match self.jitter {
                        Jitter::None => exact,
                        Jitter::Full => {
                            use std::hash::BuildHasher;
                            let nanos = u64::try_from(exact.as_nanos()).unwrap_or(u64::MAX);
                            let random = std::collections::hash_map::RandomState::new().hash_one(attempt);
                            Duration::from_nanos(random % nanos.saturating_add(1))
                        }
                    }
                }
            },
        }
    }
}
