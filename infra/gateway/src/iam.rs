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

use crate::stack::LocalResources;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_yaml::Value;

use crate::aws_actions;

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
        self.action.eq_ignore_ascii_case(action)
            && match self.resource.strip_suffix('*') {
                Some(prefix) => resource.starts_with(prefix),
                None => self.resource == resource,
            }
    }
}

/// AWS managed policies a function's role may carry, with the actions of their documents (all on
/// `*`) as the AWS Managed Policy Reference prints them (AWSLambdaDynamoDBExecutionRole read
/// there at v1, its default version, on 2026-12-07). SAM attaches
/// `AWSLambdaBasicExecutionRole` to every role it makes; the other two are what it would attach
/// for an SQS queue or a DynamoDB stream event source, listed so that such a role is named and
/// refused rather than unknown.
pub const MANAGED_POLICIES: &[(&str, &[&str])] = &[
    (
        "AWSLambdaBasicExecutionRole",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    ),
    (
        "AWSLambdaSQSQueueExecutionRole",
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    ),
    (
        "AWSLambdaDynamoDBExecutionRole",
        &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    ),
];

/// The one managed policy a function's role may carry: SAM attaches it to every role it makes
/// (logs on `*`: Lambda's own writing of the function's output).
pub const BASIC_EXECUTION: &str = "AWSLambdaBasicExecutionRole";

/// Every function's grants: the statements of its role, written in `template.yaml` (a SAM
/// function's `Policies`, or the `AWS::IAM::Role` its `Role` names) or in the template SAM
/// expands it into (`infra/expand_template.py`), and the managed policies its role carries.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub grants: BTreeMap<String, Vec<Grant>>,
    /// The managed policies attached to each function's role, by name.
    pub managed: BTreeMap<String, Vec<String>>,
}

/// What `fix` to suggest for a granted action AWS does not have: the action AWS authorises an
/// operation of that name with, when the map knows one.
fn authorised_instead(action: &str) -> String {
    let Some((service, name)) = action.split_once(':') else {
        return "write it as service:Action".to_owned();
    };
    let known = aws_actions::AUTHORISED_BY.iter().find(|(op, _)| {
        op.rsplit_once(':').is_some_and(|(s, n)| {
            n.eq_ignore_ascii_case(name) && (s == service || s.starts_with(service))
        })
    });
    match known {
        Some((op, actions)) => format!(
            "grant {} instead (what AWS authorises {op} with; aws_actions.rs AUTHORISED_BY)",
            actions.join(" and ")
        ),
        None => format!(
            "grant the action AWS authorises the call with (the Service Authorization Reference's page for {service})"
        ),
    }
}

fn strings(v: &Value) -> Vec<Value> {
    match v {
        Value::Sequence(s) => s.clone(),
        other => vec![other.clone()],
    }
}

/// A reference written either way: `!GetAtt Table.Arn` (short form, in template.yaml) or
/// `{"Fn::GetAtt": ["Table", "Arn"]}` (long form, in SAM's output).
fn intrinsic(v: &Value) -> Option<(String, Value)> {
    match v {
        Value::Tagged(t) => Some((
            match t.tag.to_string().as_str() {
                "!GetAtt" => "Fn::GetAtt".to_owned(),
                "!Sub" => "Fn::Sub".to_owned(),
                "!Ref" => "Ref".to_owned(),
                other => other.to_owned(),
            },
            t.value.clone(),
        )),
        Value::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next()?;
            Some((k.as_str()?.to_owned(), v.clone()))
        }
        _ => None,
    }
}

/// `!GetAtt Table.Arn` → `Table`; `!GetAtt Table.StreamArn` → `Table/stream`;
/// `!Sub ${Table.Arn}/index/*` → `Table/index/*`; `!Ref X` → `X`; `"*"` → `*`;
/// `!Sub arn:${AWS::Partition}:execute-api:…:${ChatSocketApi}/chat/POST/*` → `ChatSocketApi/chat/POST/*`.
fn resource_name(v: &Value) -> Result<String, String> {
    let attribute = |resource: &str, attribute: &str| match attribute {
        "StreamArn" => format!("{resource}/stream"),
        _ => resource.to_owned(),
    };
    if let Value::String(s) = v {
        return Ok(s.clone());
    }
    let (function, inner) = intrinsic(v).ok_or_else(|| format!("unsupported resource {v:?}"))?;
    match (function.as_str(), &inner) {
        ("Fn::GetAtt", Value::String(s)) => {
            let (resource, attr) = s.split_once('.').unwrap_or((s, "Arn"));
            Ok(attribute(resource, attr))
        }
        ("Fn::GetAtt", Value::Sequence(parts)) => match parts.as_slice() {
            [Value::String(resource), Value::String(attr)] => Ok(attribute(resource, attr)),
            _ => Err(format!("unsupported Fn::GetAtt {parts:?}")),
        },
        ("Ref", Value::String(s)) => Ok(s.clone()),
        ("Fn::Sub", Value::String(inner)) => {
            let rest = inner
                .split("${")
                .skip(1)
                .find(|part| !part.starts_with("AWS::"))
                .ok_or_else(|| format!("unsupported Fn::Sub resource {inner}"))?;
            let (name, suffix) = rest
                .split_once('}')
                .ok_or_else(|| format!("unsupported Fn::Sub resource {inner}"))?;
            let (resource, attr) = name.split_once('.').unwrap_or((name, "Arn"));
            Ok(format!("{}{suffix}", attribute(resource, attr)))
        }
        _ => Err(format!("unsupported resource {function} {inner:?}")),
    }
}

/// `arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` (either
/// form) → `AWSLambdaBasicExecutionRole`.
fn managed_policy_name(v: &Value) -> Result<String, String> {
    let arn = match v {
        Value::String(s) => s.clone(),
        other => match intrinsic(other) {
            Some((f, Value::String(s))) if f == "Fn::Sub" => s,
            _ => return Err(format!("unsupported managed policy {other:?}")),
        },
    };
    arn.rsplit('/')
        .next()
        .map(str::to_owned)
        .ok_or_else(|| format!("unsupported managed policy {arn}"))
}

/// The grants of a list of policy statements.
fn statement_grants(id: &str, statements: &Value, into: &mut Vec<Grant>) -> Result<(), String> {
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
                into.push(Grant {
                    action: action.to_owned(),
                    resource: resource_name(&resource).map_err(|e| format!("{id}: {e}"))?,
                });
            }
        }
    }
    Ok(())
}

impl Roles {
    /// Reads every function's role from `template.yaml`. Only explicit `Statement`s are
    /// accepted: SAM's policy templates grant more than a function needs (`DynamoDBCrudPolicy`
    /// includes Scan and BatchWriteItem), so they are refused here.
    pub fn from_template() -> Result<Self, String> {
        Self::from_document(crate::stack::TEMPLATE)
    }

    /// Reads every function's role from a template: `template.yaml` (SAM functions) or the
    /// expanded one (`AWS::Lambda::Function`s and the roles SAM made for them).
    pub fn from_document(text: &str) -> Result<Self, String> {
        let doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut roles = Self::default();
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or("template has no Resources")?;
        for (id, r) in resources {
            let kind = r.get("Type").and_then(Value::as_str);
            if !matches!(
                kind,
                Some("AWS::Serverless::Function" | "AWS::Lambda::Function")
            ) {
                continue;
            }
            let id = id.as_str().ok_or("function id")?.to_owned();
            let props = r.get("Properties").cloned().unwrap_or(Value::Null);
            let mut mine = Vec::new();
            let mut managed = Vec::new();
            let mut policies = Vec::new();
            match props.get("Role") {
                Some(role) => {
                    if props.get("Policies").is_some() {
                        return Err(format!(
                            "{id}: Policies are ignored when a function names its Role: put the statements in the role"
                        ));
                    }
                    let role_id = resource_name(role).map_err(|e| format!("{id}: Role {e}"))?;
                    let role_props = resources
                        .get(role_id.as_str())
                        .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::IAM::Role"))
                        .and_then(|r| r.get("Properties"))
                        .ok_or_else(|| {
                            format!("{id}: Role {role_id} is not an AWS::IAM::Role of the template")
                        })?;
                    for p in role_props.get("Policies").map(strings).unwrap_or_default() {
                        let doc = p.get("PolicyDocument").ok_or_else(|| {
                            format!("{id}: a policy of {role_id} has no PolicyDocument")
                        })?;
                        policies.push(doc.clone());
                    }
                    for arn in role_props
                        .get("ManagedPolicyArns")
                        .map(strings)
                        .unwrap_or_default()
                    {
                        managed.push(managed_policy_name(&arn).map_err(|e| format!("{id}: {e}"))?);
                    }
                }
                None => policies.extend(props.get("Policies").map(strings).unwrap_or_default()),
            }
            for policy in policies {
                let statements = policy.get("Statement").ok_or_else(|| {
                    format!("{id}: use explicit policy Statements, not SAM policy templates")
                })?;
                statement_grants(&id, statements, &mut mine)?;
            }
            roles.grants.insert(id.clone(), mine);
            roles.managed.insert(id, managed);
        }
        Ok(roles)
    }

    /// What AWS would not accept or what grants too much, one line each naming the function,
    /// the action and the fix: an action the Service Authorization Reference does not have
    /// (`sqs:SendMessageBatch`), `*` for an action AWS can scope to a resource, and any managed
    /// policy but [`BASIC_EXECUTION`] (SAM's policies for event sources grant on every queue or
    /// stream of the account).
    pub fn problems(&self, reference: &aws_actions::Reference) -> Vec<String> {
        let mut problems = Vec::new();
        for (function, grants) in &self.grants {
            for g in grants {
                match reference.action(&g.action) {
                    None => problems.push(format!(
                        "{function}: {} is not an IAM action in AWS's Service Authorization Reference ({}): {}",
                        g.action,
                        aws_actions::REFERENCE,
                        authorised_instead(&g.action)
                    )),
                    Some(a) if g.resource == "*" && !a.resource_types.is_empty() => {
                        problems.push(format!(
                            "{function}: {} on \"*\": AWS scopes it to a resource ({}); name the one it needs",
                            g.action,
                            a.resource_types.join(", ")
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        for (function, managed) in &self.managed {
            for name in managed.iter().filter(|n| *n != BASIC_EXECUTION) {
                let what = MANAGED_POLICIES
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, actions)| format!("grants {} on \"*\"", actions.join(", ")))
                    .unwrap_or_else(|| "is not one this check knows".to_owned());
                problems.push(format!(
                    "{function}: its role carries the managed policy {name}, which {what}: give the function an explicit role (Role: in template.yaml) with statements on its own resources"
                ));
            }
        }
        problems
    }

    /// Every service prefix the grants name (`dynamodb`, `sqs`, ...).
    pub fn services(&self) -> BTreeSet<String> {
        self.grants
            .values()
            .flatten()
            .filter_map(|g| g.action.split_once(':').map(|(s, _)| s.to_lowercase()))
            .collect()
    }

    pub fn allows(&self, function: &str, action: &str, resource: &str) -> bool {
        self.covering(function, action, resource).is_some()
    }

    /// The grant of `function` that allows `action` on `resource`, if any. IAM compares action
    /// names without regard to case.
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
            delete_message_batch::DeleteMessageBatchInput,
            get_queue_attributes::GetQueueAttributesInput, receive_message::ReceiveMessageInput,
            send_message_batch::SendMessageBatchInput,
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
            // A stream is the table's (`!GetAtt Table.StreamArn`); listing streams names none.
            "dynamodbstreams" => {
                use aws_sdk_dynamodbstreams::operation::list_streams::ListStreamsInput;
                if input.downcast_ref::<ListStreamsInput>().is_some() {
                    "*".into()
                } else {
                    "Table/stream".into()
                }
            }
            "sqs" => {
                let url = if let Some(i) = input.downcast_ref::<SendMessageBatchInput>() {
                    i.queue_url()
                } else if let Some(i) = input.downcast_ref::<ChangeMessageVisibilityInput>() {
                    i.queue_url()
                } else if let Some(i) = input.downcast_ref::<ReceiveMessageInput>() {
                    i.queue_url()
                } else if let Some(i) = input.downcast_ref::<DeleteMessageBatchInput>() {
                    i.queue_url()
                } else if let Some(i) = input.downcast_ref::<GetQueueAttributesInput>() {
                    i.queue_url()
                } else {
                    return "queue (unknown)".into();
                };
                queue(url)
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

/// The IAM actions a call needs ([`aws_actions::AUTHORISED_BY`]), or `None` for an operation
/// the map does not know. A DynamoDB transaction needs the action of each of its parts
/// (`Put` → `dynamodb:PutItem`, `Update` → `UpdateItem`, `Delete` → `DeleteItem`,
/// `ConditionCheck` → `ConditionCheckItem`), as "Using IAM with DynamoDB transactions" in the
/// DynamoDB developer guide says.
fn iam_actions(
    operation: &str,
    input: &aws_smithy_runtime_api::client::interceptors::context::Input,
) -> Option<Vec<String>> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
    let actions = aws_actions::authorised_by(operation)?;
    if actions != [aws_actions::TRANSACTION_PART] {
        return Some(actions.iter().map(|a| (*a).to_owned()).collect());
    }
    let input = input.downcast_ref::<TransactWriteItemsInput>()?;
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
    Some(actions.into_iter().map(str::to_owned).collect())
}

/// `DynamoDB` → `dynamodb`, `Secrets Manager` → `secretsmanager`: IAM's service prefixes.
fn service_prefix(sdk_service: &str) -> String {
    sdk_service
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The request units a function's DynamoDB call costs, as far as its input tells (a query's
/// are counted from its answer, `read_after_deserialization`).
fn dynamodb_units(
    operation: &str,
    input: &aws_smithy_runtime_api::client::interceptors::context::Input,
) {
    use crate::meter;
    use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
    match operation {
        "dynamodb:GetItem" => meter::dynamodb(meter::read_units(1), 0.0),
        "dynamodb:BatchGetItem" => {
            let keys = input
                .downcast_ref::<BatchGetItemInput>()
                .and_then(|i| i.request_items())
                .map(|r| r.values().map(|k| k.keys().len()).sum())
                .unwrap_or(1);
            meter::dynamodb(meter::read_units(keys), 0.0)
        }
        "dynamodb:PutItem" | "dynamodb:UpdateItem" | "dynamodb:DeleteItem" => {
            meter::dynamodb(0.0, meter::write_units(1, false))
        }
        "dynamodb:TransactWriteItems" => {
            let parts = input
                .downcast_ref::<TransactWriteItemsInput>()
                .map(|i| i.transact_items().len())
                .unwrap_or(1);
            meter::dynamodb(0.0, meter::write_units(parts, true))
        }
        _ => {}
    }
}

impl Intercept for Enforcer {
    fn name(&self) -> &'static str {
        "tamlink-local-iam"
    }

    fn read_after_deserialization(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation::query::QueryOutput;
        if FUNCTION.try_with(|_| ()).is_err() {
            return Ok(());
        }
        if let Ok(output) = context.output_or_error() {
            if let Some(q) = output.downcast_ref::<QueryOutput>() {
                crate::meter::dynamodb(crate::meter::query_units(q.scanned_count() as usize), 0.0);
            }
        }
        Ok(())
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
        let Some(needed) = iam_actions(&operation, context.input()) else {
            let message = aws_actions::unknown_operation(function, &operation);
            eprintln!("{message}");
            return Err(message.into());
        };
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
        if service == "dynamodb" {
            dynamodb_units(&operation, context.input());
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
        serde_yaml::from_str(crate::stack::TEMPLATE).unwrap()
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
        let reference = aws_actions::Reference::load(roles.services().iter().map(String::as_str))
            .expect("the IAM action data is installed");
        for (function, grants) in &roles.grants {
            for g in grants {
                assert!(!g.action.contains('*'), "{function}: {}", g.action);
                assert!(!g.resource.is_empty(), "{function}: {}", g.action);
            }
        }
        // Every action is one AWS has, and "*" only where AWS scopes the action to nothing.
        assert_eq!(roles.problems(&reference), Vec::<String>::new());
    }

    fn problems_of(template: &str) -> Vec<String> {
        let roles = Roles::from_document(template).unwrap();
        let reference =
            aws_actions::Reference::load(roles.services().iter().map(String::as_str)).unwrap();
        roles.problems(&reference)
    }

    #[test]
    fn a_granted_name_aws_does_not_authorise_fails_with_the_function_and_the_fix() {
        let problems = problems_of(
            r#"
Resources:
  PostMessageFunction:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: sqs:SendMessageBatch
              Resource: !GetAtt NotificationQueue.Arn
            - Effect: Allow
              Action: dynamodb:Query
              Resource: "*"
            - Effect: Allow
              Action: dynamodb:ListStreams
              Resource: "*"
"#,
        );
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0]
                .starts_with("PostMessageFunction: sqs:SendMessageBatch is not an IAM action")
                && problems[0].contains("grant sqs:SendMessage instead"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("PostMessageFunction: dynamodb:Query on \"*\": AWS scopes it to a resource (index, table)"),
            "{}",
            problems[1]
        );
    }

    #[test]
    fn a_role_sam_gives_an_event_source_is_refused_and_named() {
        // What SAM makes of a function with an SQS event and no Role (long form, as in its output).
        let problems = problems_of(
            r#"{"Resources": {
  "NotifierFunction": {"Type": "AWS::Lambda::Function",
    "Properties": {"Role": {"Fn::GetAtt": ["NotifierFunctionRole", "Arn"]}}},
  "NotifierFunctionRole": {"Type": "AWS::IAM::Role", "Properties": {
    "ManagedPolicyArns": [
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"],
    "Policies": [{"PolicyName": "NotifierFunctionRolePolicy0", "PolicyDocument": {"Statement": [
      {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": {"Fn::GetAtt": ["NotificationQueue", "Arn"]}}]}}]}}}}"#,
        );
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].starts_with("NotifierFunction: its role carries the managed policy AWSLambdaSQSQueueExecutionRole, which grants sqs:ReceiveMessage"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn event_source_functions_have_their_own_roles_and_write_only_their_own_logs() {
        let d = doc();
        let roles = Roles::from_template().unwrap();
        for (id, props) in functions() {
            let sources = props["Events"]
                .as_mapping()
                .into_iter()
                .flat_map(|m| m.values())
                .filter(|e| matches!(e["Type"].as_str(), Some("SQS" | "DynamoDB" | "Kinesis")))
                .count();
            let explicit = props.get("Role").is_some();
            assert_eq!(
                sources > 0,
                explicit,
                "{id}: an event source needs an explicit role, and only it"
            );
            if !explicit {
                continue;
            }
            let Value::Tagged(group) = props["LoggingConfig"]["LogGroup"].clone() else {
                panic!("{id}: no log group")
            };
            let logs: Vec<&Grant> = roles.grants[&id]
                .iter()
                .filter(|g| g.action.starts_with("logs:"))
                .collect();
            let actions: Vec<&str> = logs.iter().map(|g| g.action.as_str()).collect();
            assert_eq!(
                actions,
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                "{id}"
            );
            for g in logs {
                assert_eq!(
                    Some(g.resource.as_str()),
                    group.value.as_str(),
                    "{id}: {}",
                    g.action
                );
            }
            let role = resource_name(&props["Role"]).unwrap();
            assert!(
                d["Resources"][role.as_str()]["Properties"]
                    .get("ManagedPolicyArns")
                    .is_none(),
                "{role}"
            );
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
            // The HTTP functions with sessions and the chat socket's $connect (the page's ticket
            // is signed) read the signing keys; so do the two that send cards, which sign each
            // button for its recipient, and the card callback, which checks that signature.
            let sessions = tamlink::routes::by_function(&id).is_some()
                || id == tamlink::routes::SOCKET_CONNECT.function;
            let card_buttons = id == tamlink::runtime::NOTIFIER || id == tamlink::runtime::PAGER;
            let signs = names.iter().any(|n| n == "SIGNING_KEY_SECRET_ARN");
            assert_eq!(
                sessions || card_buttons,
                signs,
                "{id}: signing keys are for the functions with sessions or card buttons"
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
        assert_eq!(
            d["Resources"]["Table"]["Properties"]["DeletionProtectionEnabled"],
            true
        );
    }

    /// CloudFormation's own schema for a table (as cfn-lint ships it, pinned in
    /// infra/requirements.txt): its name is its identifier and is set only at creation, so
    /// CloudFormation can replace a table only by creating one under another name. A table whose
    /// name the template fixes cannot be replaced: a change that needs a new table (a new key
    /// schema) fails the update ("a custom-named resource requires replacing") instead of
    /// pointing every function at an empty twin and leaving the data in the old one.
    #[test]
    fn the_table_cannot_be_replaced_by_an_empty_twin() {
        let site = std::fs::read_dir(crate::local::repo_root().join(".venv/lib"))
            .expect("the test venv (infra/setup.sh)")
            .flatten()
            .map(|e| e.path().join("site-packages/cfnlint/data/schemas"))
            .find(|p| p.exists())
            .expect("cfn-lint's schemas in the test venv");
        let map: serde_json::Value =
            serde_json::from_slice(&std::fs::read(site.join("providers/us-east-1.json")).unwrap())
                .unwrap();
        let file = map["AWS::DynamoDB::Table"].as_str().unwrap();
        let schema: serde_json::Value = serde_json::from_slice(
            &std::fs::read(site.join(format!("resources/{file}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            schema["primaryIdentifier"],
            serde_json::json!(["/properties/TableName"])
        );
        assert!(schema["createOnlyProperties"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("/properties/TableName")));
        let name = &doc()["Resources"]["Table"]["Properties"]["TableName"];
        let Value::Tagged(name) = name else {
            panic!(
                "the table has no TableName: CloudFormation would replace it with a new, empty one"
            )
        };
        // The TableName parameter, or a name made of the stack's: fixed either way.
        assert_eq!(name.tag.to_string(), "!If");
        let text = format!("{:?}", name.value);
        assert!(
            text.contains("TableName") && text.contains("AWS::StackName"),
            "{text}"
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
            iam_actions("dynamodb:TransactWriteItems", &input).unwrap(),
            ["dynamodb:PutItem", "dynamodb:UpdateItem"]
        );
        assert_eq!(
            iam_actions("dynamodb:GetItem", &input).unwrap(),
            ["dynamodb:GetItem"]
        );
        assert_eq!(
            iam_actions("sqs:SendMessageBatch", &input).unwrap(),
            ["sqs:SendMessage"]
        );
        // An operation the map does not know needs no action: it is refused outright.
        assert_eq!(iam_actions("dynamodb:Scan", &input), None);
        // No role grants the name of the operation itself: IAM has no such action.
        assert!(!crate::stack::TEMPLATE.contains("dynamodb:TransactWriteItems"));
    }

    #[test]
    fn service_prefixes_are_iams() {
        assert_eq!(service_prefix("DynamoDB"), "dynamodb");
        assert_eq!(service_prefix("Secrets Manager"), "secretsmanager");
    }
}
