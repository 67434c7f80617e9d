//! After the journeys: the roles as AWS will see them, and which grants no function used. The
//! local stack refuses any call a role does not grant (`tamlink_gateway::iam`); this checks the
//! rest, run by `./run test` after `cargo test` has recorded every call, and exits 1 on any of:
//!
//! - a role (in `template.yaml`, or in the template SAM expands it into, with the managed
//!   policies SAM attaches) that grants an action AWS's Service Authorization Reference does not
//!   have, grants `*` where AWS scopes the action to a resource, or carries a managed policy
//!   that grants on every queue or stream of the account;
//! - a function whose role after SAM's expansion grants other statements than `template.yaml`
//!   says;
//! - a grant never used. `secretsmanager:GetSecretValue` is read at cold start, outside any
//!   invocation, and is held to the template by the unit test
//!   `secrets_come_from_secrets_manager_and_only_to_the_functions_that_use_them` instead; the
//!   `logs:` grants are Lambda's own writing of the function's output, held to the function's
//!   own log group by `event_source_functions_have_their_own_roles_and_write_only_their_own_logs`.
//!
//! Usage: iam-report [EXPANDED.json] (default target/template/expanded.json, which
//! `./run lint` writes with `infra/expand_template.py`).

use std::collections::BTreeSet;
use std::process::ExitCode;

use tamlink_gateway::aws_actions::{Reference, REFERENCE};
use tamlink_gateway::iam::{load_usage, Grant, Roles};

fn main() -> ExitCode {
    match report() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("IAM: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report() -> Result<bool, String> {
    let roles = Roles::from_template().map_err(|e| format!("template.yaml: {e}"))?;
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        tamlink_gateway::local::repo_root()
            .join("target/template/expanded.json")
            .display()
            .to_string()
    });
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!("{path}: {e} (./run lint writes it: infra/expand_template.py template.yaml {path})")
    })?;
    let expanded = Roles::from_document(&text).map_err(|e| format!("{path}: {e}"))?;
    let reference = Reference::load(
        roles
            .services()
            .iter()
            .chain(expanded.services().iter())
            .map(String::as_str),
    )?;
    let mut ok = true;

    let mut problems = roles.problems(&reference);
    problems.extend(
        expanded
            .problems(&reference)
            .into_iter()
            .map(|p| format!("{p} (after SAM's expansion)")),
    );
    problems.sort();
    problems.dedup();
    if problems.is_empty() {
        println!(
            "IAM: every granted action is one AWS has ({REFERENCE}), and no role grants a queue, stream or table on \"*\""
        );
    } else {
        ok = false;
        println!("IAM: roles AWS would not accept as meant:");
        for p in &problems {
            println!("  {p}");
        }
    }

    let mut differ = Vec::new();
    for (function, written) in &roles.grants {
        let written: BTreeSet<&Grant> = written.iter().collect();
        let deployed: BTreeSet<&Grant> = expanded
            .grants
            .get(function)
            .map(|g| g.iter().collect())
            .unwrap_or_default();
        for g in written.difference(&deployed) {
            differ.push(format!(
                "  {function}: {} on {} is lost in SAM's expansion",
                g.action, g.resource
            ));
        }
        for g in deployed.difference(&written) {
            differ.push(format!(
                "  {function}: SAM's expansion adds {} on {}",
                g.action, g.resource
            ));
        }
    }
    for function in expanded
        .grants
        .keys()
        .filter(|f| !roles.grants.contains_key(*f))
    {
        differ.push(format!(
            "  {function}: a function SAM's expansion has and template.yaml does not"
        ));
    }
    let basic = expanded.managed.values().filter(|m| !m.is_empty()).count();
    if differ.is_empty() {
        println!(
            "IAM: after SAM's expansion each of {} functions' roles grants what template.yaml says ({} with SAM's AWSLambdaBasicExecutionRole for its logs, {} with explicit roles)",
            expanded.grants.len(),
            basic,
            expanded.grants.len() - basic
        );
    } else {
        ok = false;
        println!("IAM: the roles CloudFormation would create differ from template.yaml:");
        println!("{}", differ.join("\n"));
    }

    let used = load_usage();
    if used.is_empty() {
        return Err(
            "no recorded AWS calls in target/iam-usage: run the journeys first (./run test)".into(),
        );
    }
    let mut unused = Vec::new();
    let mut checked = 0;
    for (function, grants) in &roles.grants {
        for g in grants {
            if g.action == "secretsmanager:GetSecretValue" || g.action.starts_with("logs:") {
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
        .collect::<BTreeSet<_>>();
    println!(
        "IAM: {} grants checked, {} AWS actions used by {} functions in the journeys (a refused call fails its journey)",
        checked,
        used.len(),
        functions_calling.len()
    );
    if unused.is_empty() {
        println!("IAM: every grant in template.yaml was used");
    } else {
        ok = false;
        println!("IAM: granted but never used (remove them, or add the journey that needs them):");
        println!("{}", unused.join("\n"));
    }
    Ok(ok)
}
