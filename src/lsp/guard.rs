//! A panic in the server is a bug, never a reason to stop serving: each request and each
//! analysis runs under `catch_unwind`, and a panic becomes an error answer (and a message
//! in the client's log) while the server goes on with the next message.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `work`, turning a panic into its message.
pub fn catching<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    // The state a panicking request leaves is only ever replaced whole (see `state.rs`), so
    // going on after one cannot observe a value half-written.
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::catching;

    #[test]
    fn a_panic_is_its_message() {
        assert_eq!(catching(|| 1), Ok(1));
        // The panic's report goes to standard error, as every panic's does.
        let caught = catching(|| -> u8 { panic!("boom {}", 1) });
        assert_eq!(caught, Err("boom 1".to_owned()));
    }
}
