use super::Exit;

pub fn run() -> Exit {
    println!("{}", sagac::syntax::json_schema());
    Exit::Clean
}
