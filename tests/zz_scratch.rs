use sagac::{check, diagram, source::SourceFile};
use std::time::Instant;
#[test]
fn scratch() {
    let text = std::fs::read_to_string("/tmp/ch1000.yaml").unwrap();
    let c = check::check_source(SourceFile::new("x.yaml", text));
    let saga = c.saga.unwrap();
    for _ in 0..5 {
        let t = Instant::now();
        let (h, b) = diagram::failure_branches(&saga);
        let t1 = t.elapsed();
        let d = diagram::combined_from(&saga, &h, &b);
        eprintln!("branches {:?} total {:?} {}", t1, t.elapsed(), d.text.len());
    }
}
