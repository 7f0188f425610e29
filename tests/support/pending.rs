//! Language version 2 specs whose semantics a part of sagac does not implement yet: `simulate`
//! and `diagram` refuse what `sagac::scenario::unsupported` names, `codegen` what its std
//! runtime does not implement (`sagac::codegen::unsupported_v2`), and its Restate runtime
//! what that one does not (`sagac::codegen::restate::unsupported_v2`). The tests that run those on every shipped spec leave such specs out,
//! saying so, until the feature is implemented (`check` and its tests read them whole). Included by `#[path]` where needed.

use std::path::Path;

/// Whether the spec at `path` runs under the semantics implemented so far; prints the
/// feature that leaves it out when it does not.
#[allow(dead_code)]
pub fn runs(path: &Path) -> bool {
    left_out(path, sagac::scenario::unsupported)
}

/// Whether the Restate runtime of `sagac codegen` implements every version 2 feature the
/// spec at `path` uses (`sagac::codegen::restate::unsupported_v2`).
#[allow(dead_code)]
pub fn on_restate(path: &Path) -> bool {
    left_out(path, sagac::codegen::restate::unsupported_v2)
}

/// Whether the std runtime of `sagac codegen` implements every version 2 feature the spec
/// at `path` uses (`sagac::codegen::unsupported_v2`).
#[allow(dead_code)]
pub fn generated(path: &Path) -> bool {
    left_out(path, sagac::codegen::unsupported_v2)
}

fn left_out(
    path: &Path,
    unsupported: fn(&sagac::model::Saga) -> Option<sagac::scenario::Unsupported>,
) -> bool {
    let loaded = sagac::load::read(path).expect("spec is readable");
    let options = sagac::check::Options { simulate: false };
    let checked = sagac::check::check_loaded_with(loaded, &options);
    let Some(saga) = checked.model() else {
        return true;
    };
    match unsupported(saga) {
        None => true,
        Some(feature) => {
            eprintln!(
                "left out until its semantics are implemented: {} ({})",
                path.display(),
                feature.describe()
            );
            false
        }
    }
}
