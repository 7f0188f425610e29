//! Retries and timeouts: what happens when attempts run out or an answer never comes.

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[];
