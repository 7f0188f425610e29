use crate::diagnostic::Diagnostic;
use crate::source::{Span, Spanned};

declare_rule! {
    /// ## What it checks
    /// Two steps share one `id`.
    ///
    /// ## Why it matters
    /// Step ids name the failure scenarios (`fail:charge_payment`), the compensation order
    /// and the generated code's states; with two steps of one id a failure could not be
    /// told from the other's.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve
    ///   action: ReserveInventory
    /// - id: reserve
    ///   action: ReserveCourier
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   action: ReserveInventory
    /// - id: reserve_courier
    ///   action: ReserveCourier
    /// ```
    pub static RULE = ("R102", "duplicate-step-id", Error, "Two steps share one id");
}

/// A second step with `id`, first used at `first`.
pub fn duplicate(id: &Spanned<String>, first: Span) -> Diagnostic {
    Diagnostic::new(&RULE, id.span, format!("step id `{}` is used twice", id.value))
        .label("second step with this id")
        .related(first, "first used here")
        .help("give each step its own id: scenarios, compensation order and generated code are keyed by it")
}
