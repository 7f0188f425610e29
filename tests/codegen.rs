//! `sagac codegen`: snapshots of the generated code for the order saga in both styles, the
//! command's contract (refusals, `--force`), and the generated crates themselves: for every
//! spec, `cargo test --offline`, `cargo clippy -D warnings` and `cargo fmt --check` pass in
//! the crate, and its migration applies to a real PostgreSQL server.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::check;
use sagac::codegen::{self, File, writer};
use sagac::load;
use sagac::model::Saga;

// The generated sagas the benches measure.
#[path = "../benches/common/mod.rs"]
mod common;

fn sagac() -> Command {
    let mut cmd = Command::cargo_bin("sagac").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn saga(path: &str) -> Saga {
    let checked = check::check_loaded(load::read(Path::new(path)).unwrap());
    assert!(
        checked.resolved && checked.counts().errors == 0,
        "{path}: {:#?}",
        checked.diagnostics
    );
    checked.saga.unwrap()
}

fn files(path: &str) -> Vec<File> {
    codegen::generate(&saga(path), path).unwrap()
}

fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap().contents
}

#[path = "support/pending.rs"]
mod pending;

#[path = "support/cargo.rs"]
mod cargo;
use cargo::{cargo, passes_tests_clippy_and_fmt, run_in};

/// Every spec the crate tests are run for: the shipped ones and the corner cases.
fn specs() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for dir in ["specs", "tests/codegen-specs"] {
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter(|p| pending::generated(p))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

#[test]
fn snapshot_order_orchestration() {
    let files = files("specs/order-orchestration.yaml");
    insta::assert_snapshot!("orchestration_generated", file(&files, "src/generated.rs"));
    insta::assert_snapshot!(
        "orchestration_participants",
        file(&files, "src/participants.rs")
    );
    insta::assert_snapshot!(
        "orchestration_migration",
        file(&files, "migrations/0001_outbox.sql")
    );
}

#[test]
fn snapshot_order_choreography() {
    let files = files("specs/order-choreography.yaml");
    insta::assert_snapshot!("choreography_generated", file(&files, "src/generated.rs"));
    insta::assert_snapshot!("choreography_scenarios", file(&files, "tests/scenarios.rs"));
    insta::assert_snapshot!(
        "choreography_migration",
        file(&files, "migrations/0001_outbox.sql")
    );
}

#[test]
fn generation_is_deterministic() {
    for spec in specs() {
        assert_eq!(files(&spec), files(&spec), "{spec}");
    }
}

/// The scenarios' runs are made on rayon's threads (`scenario::expectations`); the files do
/// not depend on how many there are. The benches' 100-step sagas have hundreds of tests.
#[test]
fn generation_does_not_depend_on_the_threads() {
    let sagas = [
        ("order-choreography", saga("specs/order-choreography.yaml")),
        (
            "100-step orchestration",
            common::saga(common::orchestration(100)),
        ),
        (
            "100-step choreography",
            common::saga(common::choreography(100, 20)),
        ),
    ];
    for (name, saga) in sagas {
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| codegen::generate(&saga, "spec.yaml").unwrap())
        };
        let one = on(1);
        assert_eq!(one, on(2), "{name}: 2 threads");
        assert_eq!(one, on(4), "{name}: 4 threads");
    }
}

/// A spec with `fields` and `records` gets its fields in their Rust types, its records as
/// structs and JSON payloads of those types; a spec without them, the string crate.
#[test]
fn typed_fields_become_rust_types() {
    let typed = files("tests/codegen-specs/typed-orchestration.yaml");
    let generated = file(&typed, "src/generated.rs");
    for want in [
        "pub order_id: String,",
        "pub customer_id: i64,",
        "pub items: Vec<OrderLine>,",
        "pub reservation_id: Option<Reservation>,",
        "pub struct OrderLine {",
        "pub bundle: Vec<OrderLine>,",
        "pub held_until: Timestamp,",
        "pub lines: Vec<Vec<String>>,",
        "pub fn get(&self, field: &str) -> Option<String>",
        "pub fn json_values(",
    ] {
        assert!(
            generated.contains(want),
            "missing {want:?} in:\n{generated}"
        );
    }
    let tests = file(&typed, "tests/scenarios.rs");
    assert!(tests.contains("customer_id: 1,"), "{tests}");
    let untyped = files("specs/order-orchestration.yaml");
    let untyped = file(&untyped, "src/generated.rs");
    assert!(!untyped.contains("FieldValue"), "{untyped}");
    assert!(untyped.contains("pub customer_id: String,"), "{untyped}");
}

/// A file name is the user's text too: a line break in it must not end a generated file's
/// header comment and put the rest of the name into the crate as code, in either runtime.
#[test]
fn a_line_break_in_the_spec_path_stays_in_the_header_comment() {
    let saga = saga("specs/order-orchestration.yaml");
    let path = "specs/a\npub fn injected() {}\r\n-- DROP TABLE x;\t.yaml";
    let std = codegen::generate(&saga, path).unwrap();
    let restate = codegen::restate::generate(&saga, path).unwrap();
    for f in std.iter().chain(&restate) {
        for line in f.contents.lines() {
            assert!(
                !line.starts_with("pub fn injected") && !line.starts_with("-- DROP"),
                "{}: the path's text became a line of its own: {line}",
                f.path
            );
        }
    }
    let header = file(&std, "src/generated.rs").lines().next().unwrap();
    assert!(
        header.contains("a\\npub fn injected() {}\\r\\n-- DROP TABLE x;\\t.yaml"),
        "{header}"
    );
}

#[test]
fn manifest_has_no_dependencies_and_its_own_workspace() {
    let files = files("specs/trip.yaml");
    let toml = file(&files, "Cargo.toml");
    assert!(toml.contains("name = \"book_trip_saga\""), "{toml}");
    assert!(toml.contains("[dependencies]\n\n"), "{toml}");
    assert!(toml.contains("\n[workspace]\n"), "{toml}");
}

/// The options that enumerate the scenarios the generated tests cover.
fn tested(saga: &Saga) -> sagac::scenario::Options {
    sagac::scenario::Options {
        kinds: codegen::fault_kinds(saga),
        ..Default::default()
    }
}

#[test]
fn one_test_per_scenario() {
    for spec in specs() {
        let saga = saga(&spec);
        // The scenarios `simulate` lists by default, of the fault kinds the runtime
        // implements (`codegen::fault_kinds`): the generated tests cover each.
        let scenarios = sagac::scenario::enumerate(&saga, &tested(&saga));
        let files = codegen::generate(&saga, &spec).unwrap();
        let tests = file(&files, "tests/scenarios.rs");
        let mut untested = Vec::new();
        for s in &scenarios {
            if !tests.contains(&format!("`{}`", s.name)) {
                untested.push(s.name.clone());
            }
        }
        assert!(untested.is_empty(), "{spec}: no test for {untested:?}");
        assert_eq!(
            tests.matches("#[test]").count(),
            sagac::scenario::expectations(&saga, &codegen::fault_kinds(&saga)).len(),
            "{spec}"
        );
    }
}

#[test]
fn cli_writes_the_crate_and_keeps_the_users_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("order-saga");
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("wrote"))
        .stdout(predicate::str::contains("src/generated.rs"));
    for path in [
        "Cargo.toml",
        "src/lib.rs",
        "src/generated.rs",
        "src/participants.rs",
        "migrations/0001_outbox.sql",
        "tests/scenarios.rs",
    ] {
        assert!(out.join(path).is_file(), "{path}");
    }
    std::fs::write(out.join("src/participants.rs"), "// mine\n").unwrap();
    std::fs::write(out.join("src/generated.rs"), "// stale\n").unwrap();
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("kept"));
    assert_eq!(
        std::fs::read_to_string(out.join("src/participants.rs")).unwrap(),
        "// mine\n"
    );
    assert!(
        std::fs::read_to_string(out.join("src/generated.rs"))
            .unwrap()
            .contains("@generated")
    );
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "--force", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(out.join("src/participants.rs"))
            .unwrap()
            .contains("impl Order for OrderService")
    );
}

#[test]
fn a_spec_with_errors_gets_diagnostics_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    sagac()
        .args([
            "codegen",
            "fixtures/rules/R101-undeclared-participant.yaml",
            "--color",
            "never",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("R101"))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn refuses_to_write_through_a_link_out_of_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(outside.path(), out.join("src")).unwrap();
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("outside the output directory"));
    assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
    assert!(
        !out.join("Cargo.toml").exists(),
        "nothing written before the refusal"
    );
}

/// Writes the crate of `spec` under `dir` and returns its path.
fn write_crate(spec: &str, dir: &Path) -> PathBuf {
    let stem = Path::new(spec)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = dir.join(stem);
    writer::write(&out, &files(spec), false).unwrap();
    out
}

/// The slow one: every spec's crate builds, passes its tests, clippy and rustfmt. One
/// shared target directory keeps it to one build of each crate.
#[test]
fn generated_crates_pass_test_clippy_and_fmt() {
    let dir = tempfile::tempdir().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-crates");
    for spec in specs() {
        let krate = write_crate(&spec, dir.path());
        let saga = saga(&spec);
        // One test per scenario `simulate` lists (`one_test_per_scenario`).
        let scenarios = sagac::scenario::expectations(&saga, &codegen::fault_kinds(&saga)).len();

        passes_tests_clippy_and_fmt(&krate, &target, &spec, scenarios);
    }
}

/// Where the PostgreSQL server of the migration test is: `SAGAC_PGHOST` (a socket
/// directory or a host), `SAGAC_PGPORT`, `SAGAC_PGUSER`, `SAGAC_PGDATABASE`.
struct Postgres {
    psql: PathBuf,
    host: String,
    port: String,
    user: String,
    database: String,
}

impl Postgres {
    fn from_env() -> Result<Postgres, String> {
        let host =
            std::env::var("SAGAC_PGHOST").map_err(|_| "SAGAC_PGHOST is not set".to_owned())?;
        let psql = psql().ok_or("no psql client found")?;
        Ok(Postgres {
            psql,
            host,
            port: std::env::var("SAGAC_PGPORT").unwrap_or_else(|_| "5432".to_owned()),
            user: std::env::var("SAGAC_PGUSER").unwrap_or_else(|_| "postgres".to_owned()),
            database: std::env::var("SAGAC_PGDATABASE").unwrap_or_else(|_| "postgres".to_owned()),
        })
    }

    /// Runs an SQL script with psql (stop at the first error), returning its output rows.
    fn run(&self, script: &str) -> String {
        use std::io::Write;
        let mut child = Process::new(&self.psql)
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h",
                &self.host,
                "-p",
                &self.port,
                "-U",
                &self.user,
                "-d",
                &self.database,
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("psql starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "psql failed:\n{}\nscript:\n{script}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn psql() -> Option<PathBuf> {
    let works = |p: &Path| {
        Process::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(Path::new("psql")) {
        return Some(PathBuf::from("psql"));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/psql"))
        .filter(|p| works(p))
        .collect();
    found.sort();
    found.pop()
}

/// The fields a version 2 choreography's `Message` adds to the event and its data (what
/// ended the forward phase, what an escalation was told, the deadline), set in a probe so
/// that the outbox payload carries them (`_failure`, `_left`, `_deadline`), the failure's
/// text with characters JSON and SQL escape.
fn message_v2_fields(krate: &Path) -> String {
    let generated = std::fs::read_to_string(krate.join("src/generated.rs")).unwrap();
    let message = generated
        .split("pub struct Message {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or("");
    let mut fields = String::new();
    if message.contains("pub failure: Option<SagaFailure>,") {
        fields.push_str(
            r#", failure: Some(SagaFailure { step: "probe", name: "Odd\"Name".to_owned(), message: "quote ' backslash \\ newline \n é".to_owned() })"#,
        );
    }
    if message.contains("pub left: Vec<Owner>,") {
        fields.push_str(", left: vec![Owner::Trigger]");
    }
    if message.contains("pub deadline: Option<SystemTime>,") {
        fields.push_str(", deadline: Some(std::time::SystemTime::UNIX_EPOCH)");
    }
    fields
}

/// A test added to a generated crate (in the temporary copy only): prints each outbox
/// record the generated code builds, as the SQL insert it gives and the row expected back.
const PROBE: &str = r#"
use CRATE::generated::*;

fn expected(table: &str, r: &outbox::OutboxRecord) -> String {
    outbox::json_object(&[
        ("table", Some(table)),
        ("id", Some(&r.id)),
        ("aggregatetype", Some(&r.aggregatetype)),
        ("aggregateid", Some(&r.aggregateid)),
        ("type", Some(&r.r#type)),
        ("payload", Some(&r.payload)),
    ])
}

#[test]
fn print_outbox_records() {
    let data = SagaData::default();
    for participant in Participant::ALL {
        let Some(table) = participant.outbox_table() else { continue };
        let mut records: Vec<outbox::OutboxRecord> = Event::ALL
            .iter()
            .map(|&event| Message { event, data: data.clone() V2_FIELDS }.outbox_record(participant))
            .collect();
        records.push(outbox::OutboxRecord::new(
            "it's",
            "a \\ b",
            "odd.event",
            outbox::json_object(&[
                ("text", Some("quote ' double \" backslash \\ newline \n tab \t bell \u{7} nul \0 é ✓")),
                ("none", None),
            ]),
        ));
        for r in &records {
            println!("PROBE\t{table}\t{}\t{}", r.insert_statement(table), expected(table, r));
        }
    }
}
"#;

/// Applies every spec's migration to a real PostgreSQL server (twice: it is idempotent),
/// inserts the outbox records the generated code builds (twice: the id deduplicates) and
/// reads them back.
#[test]
fn migrations_apply_to_postgresql() {
    let pg = match Postgres::from_env() {
        Ok(pg) => pg,
        Err(why) => {
            let message = format!(
                "SKIPPED: no PostgreSQL ({why}): set SAGAC_PGHOST (a socket directory or host) and SAGAC_PGPORT, e.g. with `. .ci/postgres.sh && sagac_pg_start`"
            );
            if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
                panic!(
                    "no PostgreSQL ({why}), and SAGAC_REQUIRE_TOOLS=1 requires one: run `. .ci/postgres.sh && sagac_pg_start` first"
                );
            }
            eprintln!("\n{}\n{message}\n{}\n", "!".repeat(78), "!".repeat(78));
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    // Not the other test's target directory: both tests run at once, and the two order
    // sagas generate crates of the same name, whose builds would overwrite each other.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-crates-pg");
    let mut inserted = 0;
    let mut logged = 0;
    for spec in specs() {
        let krate = write_crate(&spec, dir.path());
        let stem = krate
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let schema = format!("codegen_{stem}");
        let migration = std::fs::read_to_string(krate.join("migrations/0001_outbox.sql")).unwrap();
        if saga(&spec).events.is_empty() {
            // A saga on a workflow engine (`specs/trip-temporal.yaml`) publishes no event:
            // its crate has no `Event` or `Message`, and its migration creates nothing.
            assert!(
                migration.contains("nothing to create"),
                "{spec}:\n{migration}"
            );
            continue;
        }
        let package = format!("{}_saga", saga(&spec).name.value);
        let v2_fields = message_v2_fields(&krate);
        std::fs::write(
            krate.join("tests/pg_probe.rs"),
            PROBE
                .replace("CRATE", &package)
                .replace("V2_FIELDS", &v2_fields),
        )
        .unwrap();
        let mut probe = cargo();
        probe
            .args([
                "test",
                "--offline",
                "--quiet",
                "--test",
                "pg_probe",
                "--",
                "--nocapture",
            ])
            .env("CARGO_TARGET_DIR", &target);
        let printed = run_in(&krate, probe, &format!("{spec}: the outbox probe"));
        let probes: Vec<(&str, &str, &str)> = printed
            .lines()
            .filter_map(|l| l.strip_prefix("PROBE\t"))
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                Some((parts.next()?, parts.next()?, parts.next()?))
            })
            .collect();
        let inserts: String = probes
            .iter()
            .map(|(_, insert, _)| format!("{insert}\n{insert}\n"))
            .collect();
        pg.run(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;\nCREATE SCHEMA \"{schema}\";\nSET search_path TO \"{schema}\";\n{migration}\n{migration}\n{inserts}"
        ));
        let mut tables: Vec<&str> = probes.iter().map(|(t, _, _)| *t).collect();
        tables.dedup();
        for table in tables {
            let rows = pg.run(&format!(
                "SELECT json_build_object('table', '{table}', 'id', id, 'aggregatetype', aggregatetype, 'aggregateid', aggregateid, 'type', type, 'payload', payload) FROM \"{schema}\".\"{table}\" ORDER BY id;"
            ));
            let mut got: Vec<serde_json::Value> = rows
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let mut want: Vec<serde_json::Value> = probes
                .iter()
                .filter(|(t, _, _)| *t == table)
                .map(|(_, _, expected)| {
                    let mut v: serde_json::Value = serde_json::from_str(expected).unwrap();
                    let payload: serde_json::Value =
                        serde_json::from_str(v["payload"].as_str().unwrap()).unwrap();
                    v["payload"] = payload;
                    v
                })
                .collect();
            // A version 2 choreography's payload carries what the events carry (the
            // probe's own `odd.event` record aside).
            let events = || want.iter().filter(|v| v["type"] != "odd.event");
            if v2_fields.contains("failure") {
                for v in events() {
                    assert_eq!(v["payload"]["_failure"]["name"], "Odd\"Name", "{spec}: {v}");
                }
            }
            if v2_fields.contains("left") {
                for v in events() {
                    assert_eq!(
                        v["payload"]["_left"],
                        serde_json::json!(["trigger"]),
                        "{spec}: {v}"
                    );
                }
            }
            if v2_fields.contains("deadline") {
                for v in events() {
                    assert_eq!(v["payload"]["_deadline"], 0, "{spec}: {v}");
                }
            }
            let by_id = |v: &serde_json::Value| v["id"].as_str().unwrap_or_default().to_owned();
            got.sort_by_key(by_id);
            want.sort_by_key(by_id);
            assert_eq!(got, want, "{spec}: rows of {table}");
            inserted += got.len();
        }
        if let Some(table) = probes.first().map(|(t, _, _)| *t) {
            logged += saga_log_and_outbox_in_one_transaction(&pg, &krate, &schema, table);
        }
        pg.run(&format!("DROP SCHEMA \"{schema}\" CASCADE;"));
    }
    assert!(inserted > 0, "some spec has an outbox");
    assert!(logged > 0, "some spec has a saga log");
}

/// The saga log (`migrations/0002_saga_log.sql`, applied twice) and the outbox take a row
/// each in one transaction: both are there after it commits, neither after it rolls back.
/// Returns 1 when the crate has a saga log, 0 when it has none.
fn saga_log_and_outbox_in_one_transaction(
    pg: &Postgres,
    krate: &Path,
    schema: &str,
    outbox: &str,
) -> usize {
    let Ok(migration) = std::fs::read_to_string(krate.join("migrations/0002_saga_log.sql")) else {
        return 0;
    };
    let log = migration
        .split("CREATE TABLE IF NOT EXISTS \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the migration creates its table");
    let transaction = |saga: &str, id: &str, end: &str| {
        format!(
            "BEGIN;\n\
             INSERT INTO \"{log}\" (saga_id, seq, state, snapshot) VALUES ('{saga}', 1, 'running', '{{\"state\":\"running\"}}');\n\
             INSERT INTO \"{outbox}\" (id, aggregatetype, aggregateid, type, payload) VALUES ('{id}', 'orchestrator', '{saga}', 'probe.sent', '{{}}');\n\
             {end};\n"
        )
    };
    let count = |saga: &str| {
        format!(
            "SELECT (SELECT count(*) FROM \"{log}\" WHERE saga_id = '{saga}') || ' ' || (SELECT count(*) FROM \"{outbox}\" WHERE aggregateid = '{saga}');\n"
        )
    };
    let out = pg.run(&format!(
        "SET search_path TO \"{schema}\";\n{migration}\n{migration}\n{}{}{}{}",
        transaction(
            "saga-committed",
            "00000000-0000-4000-8000-0000000000c1",
            "COMMIT"
        ),
        transaction(
            "saga-rolled-back",
            "00000000-0000-4000-8000-0000000000c2",
            "ROLLBACK"
        ),
        count("saga-committed"),
        count("saga-rolled-back"),
    ));
    let counts: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        counts,
        ["1 1", "0 0"],
        "{}: a log row and an outbox row after COMMIT, neither after ROLLBACK",
        krate.display()
    );
    1
}

/// Past `codegen::MAX_STEPS`, or past `codegen::MAX_COMPENSATIONS` in the failure
/// scenarios' runs, the crate is refused with a usage error, and nothing is written.
#[test]
fn oversized_sagas_are_refused() {
    let header = "version: 1\nsaga: big\ncoordination: orchestration\nparticipants:\n  order: {}\n  svc: {}\n\
         orchestrator: { participant: order, log: big_log }\n\
         trigger: { participant: order, action: CreateOrder, event: order.created, data: [order_id], outbox: { table: order_outbox, relay: cdc } }\nsteps:\n";
    // Many steps, nothing to compensate.
    let mut long = String::from(header);
    long.push_str("  - { id: charge, participant: svc, action: Charge, kind: pivot, idempotency_key: order_id }\n");
    for i in 0..codegen::MAX_STEPS {
        long.push_str(&format!(
            "  - {{ id: step_{i}, participant: svc, action: Do{i}, kind: retriable, idempotency_key: order_id }}\n"
        ));
    }
    // Fewer steps, but their failures run too many compensations.
    let mut deep = String::from(header);
    for i in 0..1500 {
        deep.push_str(&format!(
            "  - {{ id: step_{i}, participant: svc, action: Do{i}, compensation: Undo{i}, idempotency_key: order_id }}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, text, says) in [
        ("long", long, "at most 5000"),
        ("deep", deep, "compensations in all"),
    ] {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(name);
        sagac()
            .arg("codegen")
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
        assert!(!out.exists(), "{name}: nothing is written");
    }
}

/// A long saga's tests expect long compensation orders as slices of one shared constant
/// (the generated crates build and pass in `generated_crates_pass_test_clippy_and_fmt`), and each
/// slice holds exactly the order the scenario predicts.
#[test]
fn long_compensation_orders_are_slices_of_shared_constants() {
    for spec in [
        "tests/codegen-specs/long-orchestration.yaml",
        "tests/codegen-specs/long-choreography.yaml",
    ] {
        let files = files(spec);
        let tests = file(&files, "tests/scenarios.rs");
        assert!(
            tests.contains("const COMPENSATIONS_0: &[&str] = &["),
            "{spec}"
        );
        assert!(
            tests.contains("&COMPENSATIONS_0["),
            "{spec}: no test takes a slice"
        );
        let saga = saga(spec);
        let expected = sagac::scenario::expectations(&saga, &sagac::scenario::FaultKind::ALL);
        let names = |owners: &[sagac::model::Owner]| -> Vec<String> {
            owners
                .iter()
                .map(|&o| sagac::scenario::owner_name(&saga, o))
                .collect()
        };
        // The constant, read back, and every slice a test takes of it.
        let start = tests.find("const COMPENSATIONS_0: &[&str] = &[").unwrap();
        let body = &tests[start..tests[start..].find("];").unwrap() + start];
        let constant: Vec<String> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| !s.is_empty() && *s != "&[")
            .map(str::to_owned)
            .collect();
        let mut slices = 0;
        for e in expected.iter().filter(|e| e.compensated.len() > 8) {
            let want = names(&e.compensated);
            let at = constant
                .windows(want.len())
                .position(|w| w == want.as_slice())
                .unwrap_or_else(|| panic!("{spec}: {} is not in the constant", e.name));
            let slice = format!("&COMPENSATIONS_0[{at}..{}]", at + want.len());
            let whole = at == 0 && want.len() == constant.len();
            assert!(
                whole || tests.contains(&slice),
                "{spec}: {} should expect {slice}",
                e.name
            );
            slices += 1;
        }
        assert!(slices > 5, "{spec}: only {slices} long orders");
    }
}
