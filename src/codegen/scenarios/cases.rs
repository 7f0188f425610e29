//! One test function per scenario: its faults, and the outcome, compensation order and
//! effects applied twice that the simulator predicts, with a doc comment that says so.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Owner, Saga};
use crate::scenario::{CancelAnswer, Expectation, Fault, Outcome, Played, Work};

use super::orders::Orders;
use crate::codegen::names::ident;
use crate::codegen::plan::Plan;
use crate::codegen::tokens::{code_list, docs};

/// The test of one scenario, called `name`.
pub(super) fn test(plan: &Plan, s: &Expectation, name: &str, orders: &Orders) -> TokenStream {
    let saga = plan.saga;
    let name = ident(name);
    let faults = played_faults(saga, s);
    let outcome = match s.outcome {
        Outcome::Completed => quote!(Outcome::Completed),
        Outcome::Compensated => quote!(Outcome::Compensated),
        Outcome::Stuck => quote!(Outcome::Stuck),
        Outcome::Terminated => quote!(Outcome::Terminated),
        Outcome::NeedsAttention => quote!(Outcome::NeedsAttention),
        Outcome::Cancelled => quote!(Outcome::Cancelled),
    };
    // Version 2's `on_failure`: what gave up, and what the escalation was told.
    let gave_up = (crate::codegen::escalation::used(plan)
        || crate::codegen::choreography_v2::gives_up(plan))
    .then(|| {
        let (gave_up, left) = (owner_names(saga, &s.gave_up), owner_names(saga, &s.left));
        quote!(expect_gave_up(&run, &[#(#gave_up),*], &[#(#left),*]);)
    });
    let mut again: Vec<String> = s
        .applied_twice
        .iter()
        .filter_map(|&work| match work {
            Work::Step(st) => Some(saga.step(st).id.value.clone()),
            Work::Compensation(o) => Some(format!("undo:{}", crate::scenario::owner_name(saga, o))),
            Work::Trigger | Work::Reaction(_) => None,
        })
        .collect();
    again.sort();
    let doc = docs(&describe(saga, s, &again));
    let expected = orders.expression(saga, &s.compensated);
    let mut checks = Vec::new();
    if saga.outcome.is_some() {
        // Version 2's `outcome`: the value the simulator's run told the caller.
        let caller = match &s.caller {
            Some(value) => quote!(Some(#value)),
            None => quote!(None),
        };
        checks.push(if !plan.orchestration {
            // Told by the outcome's participant, the first thing it learned.
            quote! {
                assert_eq!(run.told.and_then(Outcome::caller_value), #caller, "the caller's value ({run:?})");
            }
        } else if crate::codegen::decision::used(plan) {
            // Told at the decision, or else at the end.
            quote! {
                assert_eq!(run.told.unwrap_or(run.outcome).caller_value(), #caller, "the caller's value ({run:?})");
            }
        } else {
            quote! {
                assert_eq!(run.outcome.caller_value(), #caller, "the caller's value ({run:?})");
            }
        });
    }
    if plan.orchestration && saga.cancellation.is_some() {
        // Version 2's `cancellation`: the answer the simulator's run gave the cancel.
        let answer = match s.cancel_answer {
            Some(CancelAnswer::Cancelled) => quote!(Some(CancelAnswer::Cancelled)),
            Some(CancelAnswer::TooLate) => quote!(Some(CancelAnswer::TooLate)),
            None => quote!(None),
        };
        checks.push(quote! {
            assert_eq!(run.cancel_answer, #answer, "the answer to the cancel ({run:?})");
        });
    }
    checks.extend(gave_up);
    if !checks.is_empty() {
        return quote! {
            #doc
            #[test]
            fn #name() {
                let run = run(&[#(#faults),*]);
                #(#checks)*
                expect(run, #outcome, #expected, &[#(#again),*]);
            }
        };
    }
    quote! {
        #doc
        #[test]
        fn #name() {
            expect(run(&[#(#faults),*]), #outcome, #expected, &[#(#again),*]);
        }
    }
}

/// The faults the harness plays: the scenario's, but where the test drives another run
/// than the representative one (`Played`), the deadline as `abandon:<step>` (it passes
/// while the step's command is out, not processed) or the cancel as `cancel:<step>` of the
/// later step it is heard at.
fn played_faults(saga: &Saga, s: &Expectation) -> Vec<String> {
    s.faults
        .iter()
        .map(|f| match (f, s.played) {
            (Fault::Deadline(_), Some(Played::DeadlineOutstanding(step))) => {
                format!("abandon:{}", saga.step(step).id.value)
            }
            (Fault::Cancel(_), Some(Played::CancelAt(step))) => {
                format!("cancel:{}", saga.step(step).id.value)
            }
            _ => f.name(saga),
        })
        .collect()
}

/// The test's doc comment: the scenario and what the simulator predicts of it.
fn describe(saga: &Saga, s: &Expectation, again: &[String]) -> String {
    let mut doc = format!(
        "`{}`: the simulator predicts `{}`",
        s.name,
        s.outcome.as_str()
    );
    match s.played {
        Some(Played::DeadlineOutstanding(step)) => doc.push_str(&format!(
            " in the run where `{}` is outstanding (sent, not processed) when the deadline passes",
            saga.step(step).id.value
        )),
        Some(Played::CancelAt(step)) => doc.push_str(&format!(
            " in the run where the cancel is heard once `{}` has been sent",
            saga.step(step).id.value
        )),
        None => {}
    }
    if !s.compensated.is_empty() {
        doc.push_str(&format!(
            ", compensating {}",
            brief_list(saga, &s.compensated)
        ));
    }
    if !again.is_empty() {
        doc.push_str(&format!(
            ", applying {} twice",
            code_list(again.iter().map(String::as_str))
        ));
    }
    doc.push('.');
    if let Some(value) = &s.caller {
        doc.push_str(&format!(" The caller is told `{value}`."));
    }
    if !s.gave_up.is_empty() {
        doc.push_str(&format!(
            " Gave up: {}; the escalation is told {}.",
            code_list(owner_names(saga, &s.gave_up).iter().map(String::as_str)),
            if s.left.is_empty() {
                "nothing".to_owned()
            } else {
                format!(
                    "{} left",
                    code_list(owner_names(saga, &s.left).iter().map(String::as_str))
                )
            }
        ));
    }
    if let Some(answer) = s.cancel_answer {
        doc.push_str(&format!(" Its cancel is answered `{}`.", answer.as_str()));
    }
    if !s.broken.is_empty() {
        doc.push_str(&format!(
            "\nBroken invariants: {}.",
            code_list(s.broken.iter().map(|i| i.as_str()))
        ));
    }
    doc
}

fn owner_names(saga: &Saga, owners: &[Owner]) -> Vec<String> {
    owners
        .iter()
        .map(|&o| crate::scenario::owner_name(saga, o))
        .collect()
}

/// Lists up to [`Orders::LITERAL`] owners in full; a longer list by its ends and length.
fn brief_list(saga: &Saga, owners: &[Owner]) -> String {
    let names = |os: &[Owner]| -> Vec<String> {
        os.iter()
            .map(|&o| crate::scenario::owner_name(saga, o))
            .collect()
    };
    if owners.len() <= Orders::LITERAL {
        return code_list(names(owners).iter().map(String::as_str));
    }
    format!(
        "{}, … {} ({} in all)",
        code_list(names(&owners[..3]).iter().map(String::as_str)),
        code_list(
            names(&owners[owners.len() - 2..])
                .iter()
                .map(String::as_str)
        ),
        owners.len()
    )
}
