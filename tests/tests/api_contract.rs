//! Schemathesis, the maintained property-based API tester, holds the JSON API to `openapi.yaml`:
//! it generates valid and invalid requests for every operation from the schema and runs every
//! check it has (no 5xx, only declared statuses, content types and headers, responses that match
//! their schemas with no undeclared fields, invalid input refused, valid input accepted, auth not
//! ignored, ...). A fixed seed and a few examples per operation keep this run short enough for
//! `./run test`; `./run bench api` runs many more (`TAMLINK_API_EXAMPLES`).

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use tamlink_gateway::local::repo_root;
use tamlink_tests::*;

#[tokio::test]
async fn the_api_keeps_the_contract_openapi_yaml_states() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, ticket) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Exports fail", "description": "Since 09:00.", "severity": "sev3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let (status, link) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let session = |b: &Browser, app: &str| {
        b.cookie(&format!("/lark/{app}/workbench"), "tl_session")
            .expect("signed in")
    };
    let examples = std::env::var("TAMLINK_API_EXAMPLES").unwrap_or_else(|_| "4".into());
    let seed = std::env::var("TAMLINK_API_SEED").unwrap_or_else(|_| "7".into());
    // One run per kind of caller, each with that caller's session as the schema's `session`
    // cookie (so Schemathesis also tries every operation without it): staff routes through the
    // provider app as Tara (TAM), the groups and tickets routes as Ana (a colleague), signing out
    // as Ben (it ends the session it is sent with), Lark's callback route (whose requests prove
    // themselves with the app's keys: everything Schemathesis makes up is refused), and the
    // public setup route with no session.
    let runs = [
        (
            "staff",
            "/api/(customers|staff)",
            format!(
                r#""path.appId" = "{PROVIDER_APP_ID}"
"path.customerAppId" = "{CUSTOMER_APP_ID}""#
            ),
            Some(session(&tara, PROVIDER_APP_ID)),
        ),
        (
            "colleague",
            "/api/(groups|tickets)",
            format!(
                r#""path.appId" = "{CUSTOMER_APP_ID}"
"path.groupId" = "{group}"
"path.ticketId" = "{}"
"path.invitationId" = "{}""#,
                ticket["id"].as_str().unwrap(),
                link["id"].as_str().unwrap()
            ),
            Some(session(&ana, CUSTOMER_APP_ID)),
        ),
        (
            "sign-out",
            "/api/session",
            format!(r#""path.appId" = "{CUSTOMER_APP_ID}""#),
            Some(session(&ben, CUSTOMER_APP_ID)),
        ),
        (
            "lark",
            "/callback$",
            format!(r#""path.appId" = "{PROVIDER_APP_ID}""#),
            None,
        ),
        (
            "public",
            "/api/setup",
            format!(r#""path.appId" = "{CUSTOMER_APP_ID}""#),
            None,
        ),
    ];
    let dir = repo_root().join("target/schemathesis");
    std::fs::create_dir_all(&dir).unwrap();
    let mut reports = Vec::new();
    for (who, paths, parameters, cookie) in runs {
        let auth = cookie
            .map(|c| format!("[auth.openapi.session]\napi_key = \"{c}\"\n"))
            .unwrap_or_default();
        let config = format!(
            r#"base-url = "{base}"
seed = {seed}
workers = 1
generation.max-examples = {examples}
generation.database = "none"

[parameters]
{parameters}

{auth}
{RULES}"#,
            base = t.base(),
        );
        let file = dir.join(format!("{who}-{}.toml", std::process::id()));
        std::fs::write(&file, config).unwrap();
        let root = repo_root();
        let paths = paths.to_owned();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(root.join(".venv/bin/schemathesis"))
                // Its cache (`.schemathesis/`) goes where it runs: under target/, not the tree.
                .current_dir(root.join("target/schemathesis"))
                .arg("--config-file")
                .arg(&file)
                .args([
                    "run",
                    "--checks",
                    "all",
                    "--phases",
                    "examples,coverage,fuzzing",
                ])
                .args(["--no-color", "--output-truncate", "false"])
                .args(["--include-path-regex", &paths])
                .arg(root.join("openapi.yaml"))
                .output()
                .expect("schemathesis is installed by ./run test (infra/requirements.txt)")
        })
        .await
        .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "schemathesis ({who}) found the API breaking its contract:\n{report}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        reports.push(report);
    }
    let report = reports.join("\n");
    println!("{report}");
}

/// Rules no schema can state, each refused with 422 and a message: Lark must accept the App ID
/// and App Secret, which must not be the provider's own, and the named people must be staff in
/// those roles (registration); first-response targets must not get tighter for a less severe
/// ticket (plan, settings); a product or category may not be listed twice in another case
/// (settings); an audit range may not end before it starts, nor a report's month begin after today;
/// a mention must name a member of the
/// group (post); a ticket's product must be one
/// its organisation offers, and the engineer it is handed to must serve the organisation. A
/// schema-valid request may meet them, so 422 is an accepted answer to those operations.
const RULES: &str = r#"
[[operations]]
include-name = "POST /lark/{appId}/api/customers"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /lark/{appId}/api/customers/{customerAppId}/plan"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "GET /lark/{appId}/api/customers/{customerAppId}/audit"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "GET /lark/{appId}/api/customers/{customerAppId}/report"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "GET /lark/{appId}/api/staff/{openId}/report"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /lark/{appId}/api/customers/{customerAppId}/settings"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /lark/{appId}/api/groups/{groupId}/messages"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /lark/{appId}/api/tickets"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /lark/{appId}/api/tickets/{ticketId}/assignee"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]
"#;
