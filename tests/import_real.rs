//! Public example sagas in each format (fixtures/import/real/, sources and licences in
//! fixtures/import/SOURCES.md): the spec each translates to and what `check` finds in it,
//! snapshotted; and the flaws their own documentation or code shows, each found.

use assert_cmd::Command;

const REAL: &[&str] = &[
    "aws-saga-pattern-cdk.asl.json",
    "aws-saga-pattern-sam.asl.json",
    "kogito-order-saga.bpmn",
    "kogito-order-saga-error-handling.bpmn",
    "camunda-compensate-activity-ref.bpmn",
    "kogito-order-saga-error-handling.sw.json",
    "sdk-java-compensationworkflow.sw.yaml",
    "aws-long-lived-transactions.asl.yaml",
    "aws-ship-order.asl.json",
    "flowable-compensate-service-task.bpmn",
    "sw-spec-simple-compensation.sw.yaml",
    "aws-serverless-patterns-booking.asl.json",
    "kogito-runtimes-compensate-all.bpmn",
    "sdk-typescript-wf-with-compensation.sw.json",
    "rhdh-orchestrator-mta-analysis.sw.yaml",
    "distributed-horcruxes-payed-newsletter.bpmn",
];

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

/// `check --format json` as one line per finding: code, line:column, message.
fn findings(path: &str) -> String {
    let out = sagac()
        .args(["check", path, "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut lines: Vec<String> = value["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn real_examples_translate_and_check_as_snapshotted() {
    for name in REAL {
        let path = format!("fixtures/import/real/{name}");
        let out = sagac().args(["import", &path]).output().unwrap();
        let spec = String::from_utf8(out.stdout).unwrap();
        let summary = String::from_utf8(out.stderr).unwrap();
        insta::assert_snapshot!(
            format!("import_real_{name}_spec"),
            format!("{summary}\n{spec}")
        );
        insta::assert_snapshot!(format!("import_real_{name}_check"), findings(&path));
    }
}

/// The flaws inside the fault model, each at its element (docs/import.md lists them).
#[test]
fn documented_flaws_are_found() {
    let expect: &[(&str, &str)] = &[
        // Compensations retried 3 times on any error, then the execution fails with the
        // rest of the chain never run.
        ("aws-saga-pattern-cdk.asl.json", "T302 "),
        // Two confirmations without an undo: when ConfirmCarRental fails after
        // ConfirmFlight, the catcher refunds and cancels a flight already confirmed. The
        // spec retries ConfirmCarRental (a retriable step's errors are transient), so the
        // importer says what the machine's Catch does, at that Catch.
        ("aws-saga-pattern-cdk.asl.json", "I009 148:19"),
        ("aws-saga-pattern-sam.asl.json", "I009 148:19"),
        // An exception in a task (not a response of type error) is not handled.
        ("kogito-order-saga.bpmn", "I004 "),
        // The error event sub-process compensates, then ends in a plain end event: the
        // instance completes as a successful order does.
        ("kogito-order-saga-error-handling.bpmn", "I005 "),
        // Compensation handlers run once; a failed undo leaves the effect.
        ("kogito-order-saga-error-handling.bpmn", "T302 "),
        // CompleteOrder has no onErrors: its failure fails the workflow, nothing undone.
        ("kogito-order-saga-error-handling.sw.json", "I004 "),
        // Compensating, then `end`: the instance completes either way.
        ("kogito-order-saga-error-handling.sw.json", "C213 "),
        // The example's transition names a state it never defines.
        ("sdk-java-compensationworkflow.sw.yaml", "I003 "),
        // Each catcher names one error (ErrProcessPayment): a task's 10 s TimeoutSeconds
        // (States.Timeout) is caught by none, so it fails the execution with the order
        // and payment in place.
        ("aws-long-lived-transactions.asl.yaml", "C209 56:"),
        // The execution's TimeoutSeconds ends it TIMED_OUT, nothing compensated.
        ("aws-long-lived-transactions.asl.yaml", "C209 14:"),
        // A compensation that fails notifies and ends the execution: the chain stops.
        ("aws-long-lived-transactions.asl.yaml", "V701 "),
        // States.TaskFailed does not match States.Timeout: the 3-hour wait for the
        // packaging ends the execution without the failure notification.
        ("aws-ship-order.asl.json", "V701 188:"),
        // Products reserved and never released when packaging and shipping fails.
        ("aws-ship-order.asl.json", "V701 176:"),
        // The task after the compensated one is caught by nothing.
        ("flowable-compensate-service-task.bpmn", "I004 "),
        // Step 2 has no onErrors: its failure leaves Step 1 in place.
        ("sw-spec-simple-compensation.sw.yaml", "I004 "),
        // Get Booking Status's catcher goes straight to Fail: the apartment marked booked
        // by the step before stays booked.
        ("aws-serverless-patterns-booking.asl.json", "V701 39:"),
        // The second task is caught by nothing after the first was compensated.
        ("kogito-runtimes-compensate-all.bpmn", "I004 "),
        // The SDK's test file has a trailing comma: not JSON, refused at its line.
        ("sdk-typescript-wf-with-compensation.sw.json", "I001 65:13"),
        // The MTA application the workflow creates is never removed: CancelTaskOnAbort
        // deletes the task group only.
        ("rhdh-orchestrator-mta-analysis.sw.yaml", "C201 157:"),
        // ... so a failure after it leaves it in place.
        ("rhdh-orchestrator-mta-analysis.sw.yaml", "V701 171:"),
        // No state has onErrors: an error while polling or reading the analysis fails the
        // workflow (SonataFlow's Error state, not an abort), the submitted analysis running.
        ("rhdh-orchestrator-mta-analysis.sw.yaml", "I004 220:"),
        ("rhdh-orchestrator-mta-analysis.sw.yaml", "I004 253:"),
        // An exception in Process payment (not the gateway's paymentSuccessful = false) is
        // caught by nothing: the reserved spot stays.
        ("distributed-horcruxes-payed-newsletter.bpmn", "I004 25:"),
        // No task has a timeout: a worker that never answers leaves the spot reserved.
        ("distributed-horcruxes-payed-newsletter.bpmn", "T305 36:"),
    ];
    for (name, code) in expect {
        let found = findings(&format!("fixtures/import/real/{name}"));
        assert!(
            found.lines().any(|l| l.starts_with(code)),
            "{name}: {code}\n{found}"
        );
    }
}
