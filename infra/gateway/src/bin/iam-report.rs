//! After the journeys: which grants in `template.yaml` no function used. The local stack refuses
//! any call a role does not grant (`tamlink_gateway::iam`); this is the other half of least
//! privilege, run by `./run test` after `cargo test` has recorded every call. Exits 1 when a
//! grant was never used, so a policy shrinks with the code. `secretsmanager:GetSecretValue` is
//! read at cold start, outside any invocation, and is held to the template by the unit test
//! `secrets_come_from_secrets_manager_and_only_to_the_functions_that_use_them` instead.

use std::process::ExitCode;

use tamlink_gateway::iam::{load_usage, Roles};

fn main() -> ExitCode {
    let roles = match Roles::from_template() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("template.yaml: {e}");
            return ExitCode::FAILURE;
        }
    };
    let used = load_usage();
    if used.is_empty() {
        eprintln!("no recorded AWS calls in target/iam-usage: run the journeys first (./run test)");
        return ExitCode::FAILURE;
    }
    let mut unused = Vec::new();
    let mut checked = 0;
    for (function, grants) in &roles.grants {
        for g in grants {
            if g.action == "secretsmanager:GetSecretValue" {
                continue;
            }
            checked += 1;
            if !used.iter().any(|(f, u)| f == function && u == g) {
                unused.push(format!("  {function}: {} on {}", g.action, g.resource));
            }
        }
    }
    let functions_calling = used
        .iter()
        .map(|(f, _)| f.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    println!(
        "IAM: {} grants checked, {} AWS actions used by {} functions in the journeys (a refused call fails its journey)",
        checked,
        used.len(),
        functions_calling.len()
    );
    if unused.is_empty() {
        println!("IAM: every grant in template.yaml was used");
        ExitCode::SUCCESS
    } else {
        println!("IAM: granted but never used (remove them, or add the journey that needs them):");
        println!("{}", unused.join("\n"));
        ExitCode::FAILURE
    }
}
