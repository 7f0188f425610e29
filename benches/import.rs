//! `sagac import` and `check` on imported files: a Step Functions machine, a BPMN process
//! and a Serverless Workflow of 100 and 1,000 compensated steps, each step's failure
//! undoing every earlier step (in Step Functions a chain of catchers sharing its tail, the
//! case that was quadratic when each path was walked in full).

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sagac::source::SourceFile;

/// `n` tasks, each caught by `States.ALL` into the chain of compensations that runs from
/// its own back to the first, then `Fail`.
fn asl(n: usize) -> String {
    let mut states = Vec::new();
    for i in 0..n {
        let next = if i + 1 < n {
            format!("\"Next\": \"Step{}\"", i + 1)
        } else {
            "\"End\": true".to_owned()
        };
        states.push(format!(
            "\"Step{i}\": {{ \"Type\": \"Task\", \"Resource\": \"arn:aws:lambda:us-east-1:1:function:service{}\", \"Catch\": [{{ \"ErrorEquals\": [\"States.ALL\"], \"Next\": \"UndoStep{i}\" }}], {next} }}",
            i % 10
        ));
        let back = if i > 0 {
            format!("UndoStep{}", i - 1)
        } else {
            "Failed".to_owned()
        };
        states.push(format!(
            "\"UndoStep{i}\": {{ \"Type\": \"Task\", \"Resource\": \"arn:aws:lambda:us-east-1:1:function:service{}\", \"Retry\": [{{ \"ErrorEquals\": [\"States.ALL\"], \"MaxAttempts\": 5 }}], \"Next\": \"{back}\" }}",
            i % 10
        ));
    }
    states.push("\"Failed\": { \"Type\": \"Fail\" }".to_owned());
    format!(
        "{{ \"StartAt\": \"Step0\", \"States\": {{ {} }} }}",
        states.join(",\n")
    )
}

/// `n` service tasks in sequence, each with a compensation handler.
fn bpmn(n: usize) -> String {
    let mut s = String::from(
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"d\"><bpmn:process id=\"big\"><bpmn:startEvent id=\"start\"/>\n",
    );
    let mut previous = "start".to_owned();
    for i in 0..n {
        s.push_str(&format!(
            "<bpmn:serviceTask id=\"t{i}\" name=\"Task {i}\" camunda:type=\"external\" camunda:topic=\"service{}\"/>\n\
             <bpmn:sequenceFlow id=\"f{i}\" sourceRef=\"{previous}\" targetRef=\"t{i}\"/>\n\
             <bpmn:boundaryEvent id=\"b{i}\" attachedToRef=\"t{i}\"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>\n\
             <bpmn:serviceTask id=\"u{i}\" name=\"Undo {i}\" isForCompensation=\"true\"/>\n\
             <bpmn:association id=\"a{i}\" sourceRef=\"b{i}\" targetRef=\"u{i}\"/>\n",
            i % 10
        ));
        previous = format!("t{i}");
    }
    s.push_str(&format!(
        "<bpmn:endEvent id=\"end\"/><bpmn:sequenceFlow id=\"fe\" sourceRef=\"{previous}\" targetRef=\"end\"/></bpmn:process></bpmn:definitions>\n"
    ));
    s
}

/// `n` operation states, each `compensatedBy` its own, each error ending compensated.
fn serverless_workflow(n: usize) -> String {
    let mut states = Vec::new();
    for i in 0..n {
        let next = if i + 1 < n {
            format!("\"transition\": \"Step{}\"", i + 1)
        } else {
            "\"end\": true".to_owned()
        };
        states.push(format!(
            "{{ \"name\": \"Step{i}\", \"type\": \"operation\", \"actions\": [{{ \"functionRef\": \"f{}\" }}], \"compensatedBy\": \"Undo{i}\", \"onErrors\": [{{ \"errorRef\": \"Failed\", \"end\": {{ \"compensate\": true }} }}], {next} }}",
            i % 10
        ));
        states.push(format!(
            "{{ \"name\": \"Undo{i}\", \"type\": \"operation\", \"usedForCompensation\": true, \"actions\": [{{ \"functionRef\": \"f{}\" }}] }}",
            i % 10
        ));
    }
    format!(
        "{{ \"id\": \"big\", \"specVersion\": \"0.8\", \"start\": \"Step0\", \"states\": [{}] }}",
        states.join(",\n")
    )
}

/// A format's name in the bench, its file's name, and the generator of `n` steps.
type Format = (&'static str, &'static str, fn(usize) -> String);

fn bench(c: &mut Criterion) {
    let formats: [Format; 3] = [
        ("asl", "big.asl.json", asl),
        ("bpmn", "big.bpmn", bpmn),
        ("serverless_workflow", "big.sw.json", serverless_workflow),
    ];
    let mut import = c.benchmark_group("import");
    for (format, file, make) in formats {
        for n in [100, 1_000] {
            let source = SourceFile::new(Path::new(file), make(n));
            import.throughput(Throughput::Elements(n as u64));
            import.bench_with_input(BenchmarkId::new(format, n), &source, |b, source| {
                b.iter(|| {
                    let imported =
                        sagac::import::import(source, &sagac::import::Options::default())
                            .expect("the generated file imports");
                    imported.yaml(source)
                })
            });
        }
    }
    import.finish();
    let mut check = c.benchmark_group("import_check");
    check.sample_size(20);
    for (format, file, make) in formats {
        let source = SourceFile::new(Path::new(file), make(1_000));
        check.bench_with_input(BenchmarkId::new(format, 1_000), &source, |b, source| {
            b.iter(|| sagac::check::check_source(source.clone()))
        });
    }
    check.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
