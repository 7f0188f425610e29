//! The kill-and-restart test of the Restate crate: the workflow is served by a child process
//! (the test binary itself, running `restart_child`), which is killed while a step's call is
//! in flight and started again on the same port. Restate retries the invocation against the
//! new process, which replays the journal: every call journaled before the kill comes from
//! the journal, not from the participant. The participants of both processes record their
//! calls in one file, so the test sees each effect applied exactly once.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::plan::Plan;

/// The test, its child, and the ingress calls they need beyond `Server::call`.
pub fn tokens(plan: &Plan) -> TokenStream {
    // The last step: on the happy path every step runs, so the steps before it (and the
    // trigger) are in the journal when the child is killed.
    let hang = plan
        .saga
        .steps
        .last()
        .map(|s| s.id.value.clone())
        .unwrap_or_default();
    let child_process = child_process();
    quote! {
        /// The step whose call the first child process never finishes.
        const HANG_AT: &str = #hang;

        #child_process


        /// Not a test of its own: the process `killed_mid_saga_and_restarted` starts (it
        /// returns at once when run otherwise).
        #[test]
        #[ignore = "run by killed_mid_saga_and_restarted in a child process"]
        fn restart_child() {
            let Some(port) = std::env::var("SAGA_RESTART_PORT").ok().and_then(|p| p.parse().ok()) else {
                return;
            };
            let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
            let endpoint = Endpoint::builder()
                .bind(SagaWorkflow::with_settings(Fakes, Settings { backoff_divisor: 1000, interrupt: None }))
                .build();
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            runtime.block_on(HttpServer::new(endpoint).listen_and_serve(address));
        }

        /// The service is killed while `HANG_AT` is in flight and started again: Restate
        /// finishes the saga from its journal, each call made once (`HANG_AT`'s twice, as
        /// its first call never answered), and the outcome is the happy path's.
        #[test]
        fn killed_mid_saga_and_restarted() {
            let Some(binary) = server_binary() else {
                return;
            };
            let server = Server::start(&binary);
            let log = server.dir.join("calls.log");
            let port = free_port();
            let first = Killed(child(port, &log, true));
            server.register(port);
            let data = data_for(SCENARIOS.len(), nonce());
            let key = if KEYED { data.key().to_string() } else { format!("restart-{}", nonce()) };
            let body = serde_json::to_string(&data).expect("the data as JSON");
            server.call(&format!("/{SAGA}/{key}/run/send"), &body);
            let entered = format!("entered {HANG_AT}");
            wait_for(&log, &entered, 1);
            drop(first);
            let second = Killed(child(port, &log, false));
            let answer = server.call_get(&format!("/restate/workflow/{SAGA}/{key}/attach"));
            drop(second);
            let result: SagaResult = serde_json::from_str(&answer)
                .unwrap_or_else(|e| panic!("the answer {answer:?} is no SagaResult: {e}"));
            assert_eq!(result.outcome, SCENARIOS[0].outcome, "{result:?}");
            let calls = std::fs::read_to_string(&log).expect("the call log");
            let mut seen = BTreeMap::new();
            for line in calls.lines() {
                *seen.entry(line).or_insert(0) += 1;
            }
            for (line, count) in &seen {
                let expected = if *line == entered { 2 } else { 1 };
                assert_eq!(*count, expected, "`{line}` {count} times in the call log:\n{calls}");
            }
            assert!(seen.contains_key(format!("applied {HANG_AT}").as_str()), "{calls}");
        }
    }
}

/// The child process's side: its call log, the hang, starting and killing it.
pub(super) fn child_process() -> TokenStream {
    quote! {
        /// Where the fakes of a child process record their calls, if they run in one.
        fn call_log() -> Option<PathBuf> {
            std::env::var_os("SAGA_RESTART_LOG").map(PathBuf::from)
        }

        /// Appends one line to the child's call log.
        fn record(line: &str) {
            if let Some(path) = call_log() {
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("the call log");
                writeln!(file, "{line}").expect("the call log is written");
            }
        }

        /// In a child process: records the step's call, and in the first child never
        /// finishes the call of `HANG_AT` (the test kills the process there).
        fn entering(step: Step) {
            if call_log().is_none() {
                return;
            }
            record(&format!("entered {}", step.id()));
            if step.id() == HANG_AT && std::env::var_os("SAGA_RESTART_HANG").is_some() {
                std::thread::sleep(BOUND);
            }
        }

        /// Starts the child process that serves the workflow on `port`.
        fn child(port: u16, log: &Path, hang: bool) -> Child {
            let mut command = Command::new(std::env::current_exe().expect("the test binary"));
            command
                .args(["restart_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
                .env("SAGA_RESTART_PORT", port.to_string())
                .env("SAGA_RESTART_LOG", log)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if hang {
                command.env("SAGA_RESTART_HANG", "1");
            }
            let child = command.spawn().expect("the child process starts");
            let started = Instant::now();
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(started.elapsed() < BOUND, "the child process does not listen on {port}");
                std::thread::sleep(Duration::from_millis(50));
            }
            child
        }

        /// Kills a child process when dropped, so that a failed test leaves none behind.
        struct Killed(Child);

        impl Drop for Killed {
            fn drop(&mut self) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }

        /// Waits (bounded) until the call log has `line` `times` times, and returns it.
        fn wait_for(log: &Path, line: &str, times: usize) -> String {
            let started = Instant::now();
            loop {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                if text.lines().filter(|l| *l == line).count() >= times {
                    return text;
                }
                assert!(started.elapsed() < BOUND, "no `{line}` in the call log:\n{text}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
