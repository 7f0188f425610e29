//! Which language version 2 features the Restate runtime implements: in an orchestration,
//! those of the std runtime's state machine that the workflow runs (the caller's `outcome`
//! delivered at the end, `then: terminate` with `keeps`, a compensation's `runs_for`), under
//! the std runtime's own conditions (`codegen::unsupported_v2`). A choreography on Restate
//! implements none yet. `sagac codegen --runtime restate` refuses any other by name.

use crate::model::{Coordination, Key, Saga};
use crate::scenario::Unsupported;

/// The version 2 keys the workflow carries out, in an orchestration.
const IMPLEMENTED: &[Key] = &[Key::Outcome, Key::FailureLongForm, Key::RunsFor];

/// The first version 2 feature (by its place in the spec) the Restate runtime does not
/// implement for this saga, if it uses one.
pub fn unsupported_v2(saga: &Saga) -> Option<Unsupported> {
    let orchestration = saga.coordination == Coordination::Orchestration;
    let own = saga
        .features
        .iter()
        .find(|f| !(orchestration && IMPLEMENTED.contains(&f.key)))
        .map(|f| Unsupported {
            key: f.key,
            span: f.span,
        });
    // The state machine is the std runtime's: what it does not implement, neither does
    // the workflow (an `outcome` at the decision, a failure class retried, ...).
    let machine = super::super::unsupported_v2(saga);
    [own, machine]
        .into_iter()
        .flatten()
        .min_by_key(|u| u.span.start)
}
