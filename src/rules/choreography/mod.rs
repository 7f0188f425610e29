//! The choreography as a graph of events: every event has a consumer, every subscription a
//! publisher, every step is reached, no event loops, and every failure leads back to the
//! compensations it needs and to an outcome for the trigger's participant.

mod flow;
mod wording;

pub mod dangling_subscription;
pub mod event_cycle;
pub mod orphaned_event;
pub mod silent_failure;
pub mod uncompensated_failure;
pub mod unhandled_failure;
pub mod unreachable_step;

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[
    (&orphaned_event::RULE, orphaned_event::check),
    (&dangling_subscription::RULE, dangling_subscription::check),
    (&unreachable_step::RULE, unreachable_step::check),
    (&event_cycle::RULE, event_cycle::check),
    (&uncompensated_failure::RULE, uncompensated_failure::check),
    (&unhandled_failure::RULE, unhandled_failure::check),
    (&silent_failure::RULE, silent_failure::check),
];
