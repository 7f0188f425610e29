//! Language version 2 drawn as the contract's table says: the caller's participant and its
//! outcome, the cancel and its answer, the escalation with what is left, a command nobody
//! answers, what a compensation receives, the deadline as a note, and the state machine's
//! new ends. (Every diagram of the v2 specs is also read back by Mermaid's own parser in
//! `mermaid.rs`, with the other shipped specs.)

use super::*;

const TRIP: &str = "specs/trip-temporal.yaml";

fn path(name: &str) -> String {
    stdout_of(&["diagram", TRIP, "--path", name])
}

#[test]
fn the_caller_is_told_and_answered() {
    let happy = path("happy");
    assert!(happy.contains("participant caller as Caller"), "{happy}");
    assert!(happy.contains("orchestrator-->>caller: Booked"), "{happy}");
    let refused = path("cancel:charge_traveller");
    assert!(
        refused.contains("caller->>orchestrator: cancel"),
        "{refused}"
    );
    assert!(
        refused.contains("orchestrator-->>caller: too_late"),
        "{refused}"
    );
    let honoured = path("cancel:book_hotel");
    assert!(
        honoured.contains("orchestrator-->>caller: cancelled"),
        "{honoured}"
    );
    assert!(
        honoured.contains("orchestrator-->>caller: Cancelled"),
        "{honoured}"
    );
}

#[test]
fn failures_draw_what_the_contract_says() {
    let escalated = path("fail:charge_traveller+compfail:book_hotel");
    assert!(
        escalated.contains("orchestrator->>ops: OpenIncident (left: book_hotel)"),
        "{escalated}"
    );
    assert!(
        escalated.contains("orchestrator->>orchestrator: CancelHotel gave up: escalate"),
        "{escalated}"
    );
    let down = path("outage:cars");
    assert!(
        down.contains("cars--xorchestrator: ReserveCar: no answer (cars is down)"),
        "{down}"
    );
    assert!(
        down.contains("orchestrator->>cars: CancelCar (compensate, in doubt, after TimedOut)"),
        "{down}"
    );
    let stopped = path("fail:verify_traveller");
    assert!(
        stopped.contains("orchestrator->>orchestrator: saga terminated (TravellerBlocked)"),
        "{stopped}"
    );
    let deadline = path("deadline:book_hotel");
    assert!(
        deadline.contains("Note over orchestrator: deadline 15m passes before BookHotel"),
        "{deadline}"
    );
    let own = path("exhaust:book_hotel@RateLimited");
    assert!(
        own.contains("CancelHotel (compensate, its failed attempt, after Exhausted)"),
        "{own}"
    );
}

#[test]
fn the_state_machine_ends_in_the_new_ends() {
    let state = stdout_of(&["diagram", TRIP, "--kind", "state"]);
    assert!(
        state.contains("state \"Terminated\" as terminated"),
        "{state}"
    );
    assert!(
        state.contains("state \"NeedsAttention\" as needs_attention"),
        "{state}"
    );
    assert!(
        state.contains("undo_reserve_car --> needs_attention: CancelCar gave up"),
        "{state}"
    );
}
