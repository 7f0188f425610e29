//! Links the `sagac` binary at a fixed address (not as a position-independent executable)
//! on Linux with glibc, for start-up time.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! sagac's 16,800 relative relocations rewrite about 300 KB of pointers, some 80 pages
//! copied on write, before `main` runs. Linked at a fixed address the linker resolves them
//! once. The price: the binary's own code is not at a random address (the stack, the heap
//! and the shared libraries still are). Measured in docs/performance.md (`sagac check`).
//! Only the binary is linked so; the library, tests and proc macros are untouched.
//!
//! The bigger saving, the dynamic loader's work, needs a statically linked binary, which a
//! build script cannot ask for (rustc would still link `libgcc_s` as a shared library):
//! `cargo build-static`, an alias in `.cargo/config.toml`, passes the flags to the binary's
//! own link.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
