//! Long expected compensation orders, written once each as a constant that the tests take
//! slices of.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Owner, Saga};
use crate::scenario::Expectation;

use crate::codegen::tokens::docs;

/// The expected compensation orders longer than [`Orders::LITERAL`] names, written once
/// each as a constant that the tests take slices of: the failure of step *k* of a long saga
/// compensates the *k* steps before it, and each is the end of the next one's order, so
/// writing each in full would grow the file with the square of the steps.
pub(super) struct Orders {
    /// The constants' orders, the longest first.
    bases: Vec<Vec<Owner>>,
}

impl Orders {
    /// Orders up to this many names are written in the test itself.
    pub(super) const LITERAL: usize = 8;

    pub(super) fn of(scenarios: &[Expectation]) -> Orders {
        let mut long: Vec<&[Owner]> = scenarios
            .iter()
            .map(|s| s.compensated.as_slice())
            .filter(|c| c.len() > Self::LITERAL)
            .collect();
        // Longest first (then in owner order, for the same bytes on every run).
        long.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let mut orders = Orders { bases: Vec::new() };
        for order in long {
            if orders.find(order).is_none() {
                orders.bases.push(order.to_vec());
            }
        }
        orders
    }

    /// The base holding `order` as a contiguous run, and where. A compensation runs once,
    /// so its first owner appears once in a base.
    fn find(&self, order: &[Owner]) -> Option<(usize, usize)> {
        let first = order.first()?;
        self.bases.iter().enumerate().find_map(|(b, base)| {
            let at = base.iter().position(|o| o == first)?;
            (base.get(at..at + order.len()) == Some(order)).then_some((b, at))
        })
    }

    fn name(b: usize) -> proc_macro2::Ident {
        quote::format_ident!("COMPENSATIONS_{}", b)
    }

    /// The expected order as an expression: a literal, or a slice of a constant.
    pub(super) fn expression(&self, saga: &Saga, order: &[Owner]) -> TokenStream {
        if order.len() > Self::LITERAL
            && let Some((b, at)) = self.find(order)
        {
            let name = Self::name(b);
            let end = at + order.len();
            let whole = at == 0 && end == self.bases[b].len();
            let (at, end) = (
                proc_macro2::Literal::usize_unsuffixed(at),
                proc_macro2::Literal::usize_unsuffixed(end),
            );
            return if whole {
                quote!(#name)
            } else {
                quote!(&#name[#at..#end])
            };
        }
        let names = order.iter().map(|&o| crate::scenario::owner_name(saga, o));
        quote!(&[#(#names),*])
    }

    pub(super) fn tokens(&self, saga: &Saga) -> TokenStream {
        let consts = self.bases.iter().enumerate().map(|(b, base)| {
            let name = Self::name(b);
            let doc = docs(&format!(
                "A compensation order that the scenarios below expect all or part of ({} names).",
                base.len()
            ));
            let names = base.iter().map(|&o| crate::scenario::owner_name(saga, o));
            quote! {
                #doc
                const #name: &[&str] = &[#(#names),*];
            }
        });
        quote!(#(#consts)*)
    }
}
