//! IAM for the local stack. moto does not enforce IAM, so without this a function could call an
//! AWS action its role in `template.yaml` does not grant, pass every test, and fail on its first
//! day in AWS. Every AWS call the handlers make in the local stack passes through [`Enforcer`]
//! (an SDK interceptor): the call is refused, as AWS would refuse it (`AccessDenied`), unless the
//! policy statements of the function running it grant that action on that resource. Every
//! allowed call is also recorded, so `iam-report` can list grants that no journey ever used.
//!
//! The function running is a task-local set where the Lambda service would invoke a function:
//! the gateway (HTTP routes), the scheduler and `run_job` (schedules), the poller (the notifier).
//! Calls outside any function (tests seeding data, the poller's receive and delete, which the
//! SQS event source makes in AWS) are the operator's and are not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_yaml::Value;
use tamlink::stack::LocalResources;

tokio::task_local! {
    /// The logical id of the function whose invocation this task is running.
    pub static FUNCTION: &'static str;
    /// The AWS calls the invocation made, in order (`dynamodb:BatchGetItem`, ...).
    static CALLS: Arc<Mutex<Vec<String>>>;
}

/// Runs `fut` as an invocation of `function`: its AWS calls are checked against that function's
/// role.
pub async fn as_function<F: std::future::Future>(function: &'static str, fut: F) -> F::Output {
    FUNCTION.scope(function, fut).await
}

/// `as_function`, and the AWS calls the invocation made: how the local gateway tells a test how
/// many DynamoDB requests a route costs (`x-local-aws-calls`).
pub async fn as_function_counted<F: std::future::Future>(
    function: &'static str,
    fut: F,
) -> (F::Output, Vec<String>) {
    let calls = Arc::<Mutex<Vec<String>>>::default();
    let out = CALLS
        .scope(calls.clone(), FUNCTION.scope(function, fut))
        .await;
    let made = calls.lock().map(|c| c.clone()).unwrap_or_default();
    (out, made)
}

/// One grant: an action (`dynamodb:GetItem`) on a resource named by logical id, optionally with
/// a suffix (`Table/index/gsi1`, `Table/index/*`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub action: String,
    pub resource: String,
}

impl Grant {
    fn covers(&self, action: &str, resource: &str) -> bool {
        self.action == action
            && match self.resource.strip_suffix('*') {
                Some(prefix) => resource.starts_with(prefix),
                None => self.resource == resource,
            }
    }
}

/// Every function's grants, read from the `Policies` of `template.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub grants: BTreeMap<String, Vec<Grant>>,
}

fn strings(v: &Value) -> Vec<Value> {
    match v {
        Value::Sequence(s) => s.clone(),
        other => vec![other.clone()],
    }
}

/// `!GetAtt Table.Arn` → `Table`; `!Sub ${Table.Arn}/index/*` → `Table/index/*`; `!Ref X` → `X`;
/// `!Sub arn:${AWS::Partition}:execute-api:…:${ChatSocketApi}/chat/POST/*` → `ChatSocketApi/chat/POST/*`.
fn resource_name(v: &Value) -> Result<String, String> {
    match v {
        Value::Tagged(t) => {
            let inner = t
                .value
                .as_str()
                .ok_or("a tagged resource must be a string")?;
            match t.tag.to_string().as_str() {
                "!GetAtt" => Ok(inner.trim_end_matches(".Arn").to_owned()),
                "!Ref" => Ok(inner.to_owned()),
                "!Sub" => {
                    let rest = inner
                        .split("${")
                        .skip(1)
                        .find(|part| !part.starts_with("AWS::"))
                        .ok_or_else(|| format!("unsupported !Sub resource {inner}"))?;
                    let (name, suffix) = rest
                        .split_once('}')
                        .ok_or_else(|| format!("unsupported !Sub resource {inner}"))?;
                    Ok(format!("{}{suffix}", name.trim_end_matches(".Arn")))
                }
                other => Err(format!("unsupported resource {other} {inner}")),
            }
        }
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("unsupported resource {other:?}")),
    }
}

impl Roles {
    /// Reads every function's policy statements. Only explicit `Statement`s are accepted: SAM's
    /// policy templates grant more than a function needs (`DynamoDBCrudPolicy` includes Scan and
    /// BatchWriteItem), so they are refused here.
    pub fn from_template() -> Result<Self, String> {
        let doc: Value =
            serde_yaml::from_str(tamlink::stack::TEMPLATE).map_err(|e| e.to_string())?;
        let mut grants = BTreeMap::new();
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or("template has no Resources")?;
        for (id, r) in resources {
            if r.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            let id = id.as_str().ok_or("function id")?.to_owned();
            let mut mine = Vec::new();
            let policies = r
                .get("Properties")
                .and_then(|p| p.get("Policies"))
                .cloned()
                .unwrap_or(Value::Sequence(vec![]));
            for policy in strings(&policies) {
                let statements = policy.get("Statement").ok_or_else(|| {
                    format!("{id}: use explicit policy Statements, not SAM policy templates")
                })?;
                for st in strings(statements) {
                    if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                        return Err(format!("{id}: only Allow statements are supported"));
                    }
                    let actions = st.get("Action").ok_or_else(|| format!("{id}: no Action"))?;
                    let res = st
                        .get("Resource")
                        .ok_or_else(|| format!("{id}: no Resource"))?;
                    for action in strings(actions) {
                        let action = action.as_str().ok_or("Action must be a string")?;
                        for resource in strings(res) {
                            mine.push(Grant {
                                action: action.to_owned(),
                                resource: resource_name(&resource)
                                    .map_err(|e| format!("{id}: {e}"))?,
                            });
                        }
                    }
                }
            }
            grants.insert(id, mine);
        }
        Ok(Self { grants })
    }

    pub fn allows(&self, function: &str, action: &str, resource: &str) -> bool {
        self.covering(function, action, resource).is_some()
    }

    /// The grant of `function` that allows `action` on `resource`, if any.
    pub fn covering(&self, function: &str, action: &str, resource: &str) -> Option<&Grant> {
        self.grants
            .get(function)?
            .iter()
            .find(|g| g.covers(action, resource))
    }
}

/// What the calls of this process used, for `iam-report`.
fn used() -> &'static Mutex<BTreeSet<(String, Grant)>> {
    static USED: OnceLock<Mutex<BTreeSet<(String, Grant)>>> = OnceLock::new();
    USED.get_or_init(Default::default)
}

/// Writes what this process used to `target/iam-usage/<pid>.json` (the union so far).
pub fn save_usage() {
    let dir = crate::local::repo_root().join("target/iam-usage");
    let rows: Vec<(String, Grant)> = used()
        .lock()
        .map(|u| u.iter().cloned().collect())
        .unwrap_or_default();
    if rows.is_empty() || std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let file = dir.join(format!("{}.json", std::process::id()));
    let _ = std::fs::write(file, serde_json::to_vec(&rows).unwrap_or_default());
}

/// Reads every process's usage.
pub fn load_usage() -> BTreeSet<(String, Grant)> {
    let dir = crate::local::repo_root().join("target/iam-usage");
    let mut all = BTreeSet::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            if let Ok(rows) = serde_json::from_slice::<Vec<(String, Grant)>>(&bytes) {
                all.extend(rows);
            }
        }
    }
    all
}

/// The SDK interceptor that plays IAM.
#[derive(Debug)]
pub struct Enforcer {
    roles: Roles,
    resources: LocalResources,
}

impl Enforcer {
    pub fn shared(resources: LocalResources) -> Result<SharedInterceptor, String> {
        Ok(SharedInterceptor::new(Self {
            roles: Roles::from_template()?,
            resources,
        }))
    }

    /// The logical id of the resource a call touches, from its input.
    fn resource(
        &self,
        service: &str,
        input: &aws_smithy_runtime_api::client::interceptors::context::Input,
    ) -> String {
        use aws_sdk_dynamodb::operation::query::QueryInput;
        use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueInput;
        use aws_sdk_sqs::operation::{
            change_message_visibility::ChangeMessageVisibilityInput,
            send_message::SendMessageInput, send_message_batch::SendMessageBatchInput,
        };
        let queue = |url: Option<&str>| {
            self.resources
                .queue_urls
                .iter()
                .find(|(_, u)| Some(u.as_str()) == url)
                .map(|(id, _)| id.clone())
                .unwrap_or_else(|| format!("queue {url:?}"))
        };
        match service {
            // One table: what matters is whether a query reads an index, which needs its own ARN.
            "dynamodb" => match input
                .downcast_ref::<QueryInput>()
                .and_then(|q| q.index_name())
            {
                Some(index) => format!("Table/index/{index}"),
                None => "Table".into(),
            },
            "sqs" => {
                if let Some(i) = input.downcast_ref::<SendMessageBatchInput>() {
                    queue(i.queue_url())
                } else if let Some(i) = input.downcast_ref::<SendMessageInput>() {
                    queue(i.queue_url())
                } else if let Some(i) = input.downcast_ref::<ChangeMessageVisibilityInput>() {
                    queue(i.queue_url())
                } else {
                    "queue (unknown)".into()
                }
            }
            "kms" => "SecretsKey".into(),
            // `execute-api:ManageConnections` is granted per stage, method and connection.
            "apigatewaymanagementapi" => {
                use aws_sdk_apigatewaymanagement::operation::{
                    delete_connection::DeleteConnectionInput, get_connection::GetConnectionInput,
                    post_to_connection::PostToConnectionInput,
                };
                let (method, id) = if let Some(i) = input.downcast_ref::<PostToConnectionInput>() {
                    ("POST", i.connection_id())
                } else if let Some(i) = input.downcast_ref::<DeleteConnectionInput>() {
                    ("DELETE", i.connection_id())
                } else if let Some(i) = input.downcast_ref::<GetConnectionInput>() {
                    ("GET", i.connection_id())
                } else {
                    ("?", None)
                };
                format!(
                    "ChatSocketApi/{}/{method}/@connections/{}",
                    crate::sockets::STAGE,
                    id.unwrap_or_default()
                )
            }
            "secretsmanager" => {
                let id = input
                    .downcast_ref::<GetSecretValueInput>()
                    .and_then(|i| i.secret_id())
                    .unwrap_or_default();
                self.resources
                    .secret_arns
                    .iter()
                    .find(|(_, arn)| arn == id)
                    .map(|(logical, _)| logical.clone())
                    .unwrap_or_else(|| format!("secret {id}"))
            }
            other => format!("{other} (unknown)"),
        }
    }
}

/// The IAM actions a call needs. Mostly its operation's name; but IAM has no action for a
/// DynamoDB transaction: each of its parts needs the action of the operation it stands for
/// (`Put` → `dynamodb:PutItem`, `Update` → `UpdateItem`, `Delete` → `DeleteItem`,
/// `ConditionCheck` → `ConditionCheckItem`), as "Using IAM with DynamoDB transactions" in the
/// DynamoDB developer guide says.
fn iam_actions(
    operation: &str,
    input: &aws_smithy_runtime_api::client::interceptors::context::Input,
) -> Vec<String> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
    // The Management API's operations are all one IAM action.
    if operation.starts_with("apigatewaymanagementapi:") {
        return vec!["execute-api:ManageConnections".to_owned()];
    }
    if operation != "dynamodb:TransactWriteItems" {
        return vec![operation.to_owned()];
    }
    let Some(input) = input.downcast_ref::<TransactWriteItemsInput>() else {
        return vec![operation.to_owned()];
    };
    let mut actions = BTreeSet::new();
    for item in input.transact_items() {
        if item.put().is_some() {
            actions.insert("dynamodb:PutItem");
        }
        if item.update().is_some() {
            actions.insert("dynamodb:UpdateItem");
        }
        if item.delete().is_some() {
            actions.insert("dynamodb:DeleteItem");
        }
        if item.condition_check().is_some() {
            actions.insert("dynamodb:ConditionCheckItem");
        }
    }
    actions.into_iter().map(str::to_owned).collect()
}

/// `DynamoDB` → `dynamodb`, `Secrets Manager` → `secretsmanager`: IAM's service prefixes.
fn service_prefix(sdk_service: &str) -> String {
    sdk_service
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

impl Intercept for Enforcer {
    fn name(&self) -> &'static str {
        "tamlink-local-iam"
    }

    // Not `read_before_execution`: a client's interceptors run that before the operation's own
    // configuration (which names the operation) is in the bag.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Ok(function) = FUNCTION.try_with(|f| *f) else {
            return Ok(());
        };
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err("AccessDenied: an AWS call without operation metadata".into());
        };
        let service = service_prefix(meta.service());
        let operation = format!("{service}:{}", meta.name());
        let resource = self.resource(&service, context.input());
        let needed = iam_actions(&operation, context.input());
        let mut grants = Vec::new();
        for action in &needed {
            if let Some(grant) = self.roles.covering(function, action, &resource) {
                grants.push(grant.clone());
            } else {
                let message = format!(
                    "AccessDenied: {function} is not granted {action} on {resource} by its role in template.yaml"
                );
                eprintln!("{message}");
                return Err(message.into());
            }
        }
        let _ = CALLS.try_with(|calls| {
            if let Ok(mut calls) = calls.lock() {
                calls.push(operation.clone());
            }
        });
        // The grants that allowed the call (a wildcard grant, not the concrete resource): what
        // `iam-report` checks for use.
        if let Ok(mut used) = used().lock() {
            for grant in grants {
                used.insert((function.to_owned(), grant));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        serde_yaml::from_str(tamlink::stack::TEMPLATE).unwrap()
    }

    fn functions() -> Vec<(String, Value)> {
        doc()["Resources"]
            .as_mapping()
            .unwrap()
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
            .map(|(k, r)| (k.as_str().unwrap().to_owned(), r["Properties"].clone()))
            .collect()
    }

    fn env_names(props: &Value) -> Vec<String> {
        let globals = doc()["Globals"]["Function"]["Environment"]["Variables"].clone();
        let own = props["Environment"]["Variables"].clone();
        [globals, own]
            .iter()
            .filter_map(Value::as_mapping)
            .flat_map(|m| m.keys().filter_map(|k| k.as_str().map(str::to_owned)))
            .collect()
    }

    #[test]
    fn every_function_runs_the_one_binary_under_its_own_name() {
        for (id, props) in functions() {
            assert_eq!(
                props["Handler"].as_str(),
                Some(id.as_str()),
                "{id}: Handler"
            );
            assert!(
                tamlink::runtime::Function::by_name(&id).is_some(),
                "{id}: the binary does not serve it"
            );
        }
        for name in tamlink::runtime::Function::all_names() {
            assert!(
                functions().iter().any(|(id, _)| id == name),
                "{name} is not in template.yaml"
            );
        }
    }

    #[test]
    fn every_policy_is_explicit_and_names_its_resources() {
        let roles = Roles::from_template().expect("explicit statements only");
        for (function, grants) in &roles.grants {
            for g in grants {
                assert!(!g.action.contains('*'), "{function}: {}", g.action);
                assert!(
                    !g.resource.is_empty() && g.resource != "*",
                    "{function}: {} on everything",
                    g.action
                );
            }
        }
    }

    #[test]
    fn secrets_come_from_secrets_manager_and_only_to_the_functions_that_use_them() {
        let roles = Roles::from_template().unwrap();
        for (id, props) in functions() {
            let names = env_names(&props);
            for n in &names {
                // Only references (ARNs, ids, names) may sit in the environment.
                let looks_secret = ["SECRET", "TOKEN", "PASSWORD", "SIGNING_KEY"]
                    .iter()
                    .any(|w| n.contains(w));
                let reference = n.ends_with("_ARN") || n == "SIGNING_KEY_GENERATION";
                assert!(!looks_secret || reference, "{id}: {n}");
            }
            // Lark's card callbacks prove themselves with the app's own keys, not a session.
            // So does the chat socket's $connect (the page's ticket is signed with them).
            let sessions = tamlink::routes::by_function(&id)
                .is_some_and(|r| r.function != tamlink::routes::CARD_CALLBACK.function)
                || id == tamlink::routes::SOCKET_CONNECT.function;
            let signs = names.iter().any(|n| n == "SIGNING_KEY_SECRET_ARN");
            assert_eq!(
                sessions, signs,
                "{id}: signing keys are for the HTTP functions with sessions"
            );
            assert_eq!(
                signs,
                roles.allows(&id, "secretsmanager:GetSecretValue", "SigningKeySecret"),
                "{id}: the role must grant exactly the secret the function reads"
            );
            let pages = names.iter().any(|n| n == "ONCALL_SECRET_ARN");
            // On-call posts travel with emergency pages, on the page queue.
            assert_eq!(pages, id == tamlink::runtime::PAGER, "{id}: on-call secret");
            assert_eq!(
                pages,
                roles.allows(&id, "secretsmanager:GetSecretValue", "OnCallWebhookSecret"),
                "{id}"
            );
        }
        let params = doc()["Parameters"].as_mapping().unwrap().clone();
        for (name, p) in params {
            assert!(p.get("NoEcho").is_none(), "{name:?}: no secret parameters");
        }
    }

    #[test]
    fn data_and_the_key_that_seals_it_outlive_the_stack() {
        let d = doc();
        for id in ["Table", "SecretsKey"] {
            assert_eq!(d["Resources"][id]["DeletionPolicy"], "Retain", "{id}");
            assert_eq!(d["Resources"][id]["UpdateReplacePolicy"], "Retain", "{id}");
        }
        assert_eq!(
            d["Resources"]["Table"]["Properties"]["PointInTimeRecoverySpecification"]
                ["PointInTimeRecoveryEnabled"],
            true
        );
    }

    #[test]
    fn the_notifier_deploys_on_a_new_account_and_its_queue_follows_aws_guidance() {
        let d = doc();
        for (id, props) in functions() {
            assert!(
                props.get("ReservedConcurrentExecutions").is_none(),
                "{id}: a new account's concurrency quota (10) cannot reserve any"
            );
        }
        for (function, queue) in [
            ("NotifierFunction", "NotificationQueue"),
            ("PagerFunction", "PageQueue"),
        ] {
            let props = &d["Resources"][function]["Properties"];
            let timeout = props["Timeout"].as_u64().unwrap();
            let event = &props["Events"]["Queue"]["Properties"];
            let Value::Tagged(source) = event["Queue"].clone() else {
                panic!("{function}: no queue")
            };
            assert_eq!(source.value.as_str(), Some(format!("{queue}.Arn").as_str()));
            let window = event["MaximumBatchingWindowInSeconds"]
                .as_u64()
                .unwrap_or(0);
            // A number, or the NotifierConcurrency parameter (whose floor is SQS's 2).
            let concurrency = match &event["ScalingConfig"]["MaximumConcurrency"] {
                Value::Tagged(t) => {
                    let name = t.value.as_str().unwrap();
                    d["Parameters"][name]["MinValue"].as_u64().unwrap()
                }
                v => v.as_u64().unwrap(),
            };
            assert!(concurrency >= 2, "{function}: SQS's floor is 2");
            let visibility = d["Resources"][queue]["Properties"]["VisibilityTimeout"]
                .as_u64()
                .unwrap();
            assert!(
                visibility >= 6 * timeout + window,
                "{queue}: visibility {visibility} < 6 x {timeout} + {window}"
            );
        }
        // A page is sent as soon as it is queued: its function waits for no batch.
        assert!(
            d["Resources"]["PagerFunction"]["Properties"]["Events"]["Queue"]["Properties"]
                .get("MaximumBatchingWindowInSeconds")
                .is_none()
        );
    }

    #[test]
    fn every_function_logs_to_a_group_with_retention_and_schedules_are_named_per_stack() {
        let d = doc();
        for (id, props) in functions() {
            let group = props["LoggingConfig"]["LogGroup"].clone();
            let Value::Tagged(t) = group else {
                panic!("{id}: no log group")
            };
            let group_id = t.value.as_str().unwrap();
            assert!(
                d["Resources"][group_id]["Properties"]["RetentionInDays"] != Value::Null,
                "{id}: {group_id} keeps logs forever"
            );
            for event in props["Events"]
                .as_mapping()
                .into_iter()
                .flat_map(|m| m.values())
            {
                if event["Type"] == "ScheduleV2" {
                    let name = format!("{:?}", event["Properties"]["Name"]);
                    assert!(
                        name.contains("AWS::StackName"),
                        "{id}: schedule name {name}"
                    );
                    // Schedule names are at most 64 characters: leave a stack name 40 or more.
                    let suffix = name.rsplit("${AWS::StackName}").next().unwrap_or("");
                    let suffix = suffix.trim_end_matches(['"', ')', '}', ' ']);
                    assert!(
                        64 - suffix.len() >= 40,
                        "{id}: schedule suffix {suffix} too long"
                    );
                }
            }
        }
    }

    #[test]
    fn grants_cover_exact_resources_and_index_wildcards() {
        let g = Grant {
            action: "dynamodb:Query".into(),
            resource: "Table/index/*".into(),
        };
        assert!(g.covers("dynamodb:Query", "Table/index/gsi1"));
        assert!(!g.covers("dynamodb:Query", "Table"));
        assert!(!g.covers("dynamodb:Scan", "Table/index/gsi1"));
    }

    #[test]
    fn a_transaction_needs_the_actions_of_its_parts_not_an_action_of_its_own() {
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
        use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
        let put = Put::builder()
            .table_name("t")
            .item("pk", aws_sdk_dynamodb::types::AttributeValue::S("a".into()))
            .build()
            .unwrap();
        let update = Update::builder()
            .table_name("t")
            .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("a".into()))
            .update_expression("SET a = :a")
            .build()
            .unwrap();
        let input = TransactWriteItemsInput::builder()
            .transact_items(TransactWriteItem::builder().put(put.clone()).build())
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().update(update).build())
            .build()
            .unwrap();
        let input = aws_smithy_runtime_api::client::interceptors::context::Input::erase(input);
        assert_eq!(
            iam_actions("dynamodb:TransactWriteItems", &input),
            ["dynamodb:PutItem", "dynamodb:UpdateItem"]
        );
        assert_eq!(
            iam_actions("dynamodb:GetItem", &input),
            ["dynamodb:GetItem"]
        );
        // No role grants the name of the operation itself: IAM has no such action.
        assert!(!tamlink::stack::TEMPLATE.contains("dynamodb:TransactWriteItems"));
    }

    #[test]
    fn service_prefixes_are_iams() {
        assert_eq!(service_prefix("DynamoDB"), "dynamodb");
        assert_eq!(service_prefix("Secrets Manager"), "secretsmanager");
    }
}
