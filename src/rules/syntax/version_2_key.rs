use crate::diagnostic::Diagnostic;
use crate::model::Key;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A key of language version 2 in a spec that says `version: 1`: the failure handling
    /// keys (`compensation_defaults`, `escalation`, `on_uncaught`, `outcome`,
    /// `cancellation`, a compensation's `reads_if_present`, `runs_for`, `absent_effect`,
    /// `on_failure` and `timeout`, a step's `transactional`, `retry.within` and
    /// `retry.jitter`) and the long forms (a `failures` entry written
    /// `{ name, then, ... }`, `deadline: { after, ... }`, `emits.failure` as a map). Every
    /// such key of a file is reported, each where it is written.
    ///
    /// ## Why it matters
    /// Version 1 means exactly what it always meant: the same runs, diagrams and generated
    /// crate. A version 2 key changes what the saga does (a compensation that gives up no
    /// longer leaves it stuck, a failure may end it without compensating), so sagac reads
    /// it only in a spec that asks for version 2, never silently in a version 1 one.
    ///
    /// ## Example
    /// ```yaml
    /// version: 1
    /// steps:
    ///   - id: book_hotel
    ///     compensation: { action: CancelHotel, on_failure: escalate }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// version: 2
    /// escalation: { participant: ops, action: OpenIncident }
    /// steps:
    ///   - id: book_hotel
    ///     compensation: { action: CancelHotel, on_failure: escalate }
    /// ```
    pub static RULE = ("S012", "version-2-key", Error, "A language version 2 key in a `version: 1` spec");
}

/// `key` is written in a version 1 spec.
pub fn version_2_key(span: Span, key: Key) -> Diagnostic {
    let what = key.describe();
    Diagnostic::new(
        &RULE,
        span,
        format!("{what} is language version 2, and this spec says `version: 1`"),
    )
    .label("a version 2 key")
    .help("this key is language version 2: write `version: 2`")
}
