//! The choreography as a graph of events: every event has a consumer, every subscription a
//! publisher, every failure leads back to compensations and to an outcome.

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[];
