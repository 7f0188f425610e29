declare_rule! {
    /// ## What it checks
    /// An orchestration compensates in reverse order of completion: the last step applied is
    /// undone first (the branches of a parallel group in reverse order of declaration, then
    /// the steps before the group). The simulator checks every run it explores against this.
    ///
    /// The orchestrator that sagac simulates, and the one `sagac codegen` generates, always
    /// compensates in this order, so no spec breaks it today: the check guards the simulator
    /// and the generated code themselves, and keeps the seven invariants of the language
    /// named in every output.
    ///
    /// ## Why it matters
    /// Later steps often depend on earlier ones (the shipment on the reservation); undoing
    /// the earlier effect first can leave the later one impossible to undo.
    ///
    /// ## Example
    /// A hand-written orchestrator that, after `book_courier` and `reserve_inventory`
    /// completed in that order, runs `ReleaseInventory` before `CancelCourier`.
    ///
    /// ## Fix
    /// Let the orchestrator keep the completed steps on a stack and compensate by popping it,
    /// as the generated state machine does.
    pub static RULE = ("V703", "reverse-order", Warning, "Compensations that run out of reverse order");
}
