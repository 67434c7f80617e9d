//! `template.yaml` is the one definition of the table, the queues and the HTTP routes. The local
//! stack reads it here to create the same table and queues in moto, and the local gateway reads
//! the routes from it, so nothing is declared twice.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use serde_yaml::Value;

pub const TEMPLATE: &str = include_str!("../../../template.yaml");

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("template.yaml: {0}")]
    Template(String),
    #[error("creating local resources: {0}")]
    Aws(String),
}

fn template() -> Result<Value, StackError> {
    serde_yaml::from_str(TEMPLATE).map_err(|e| StackError::Template(e.to_string()))
}

fn resources_of_type(doc: &Value, kind: &str) -> Vec<(String, Value)> {
    doc.get("Resources")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
                .filter_map(|(k, r)| {
                    Some((
                        k.as_str()?.to_owned(),
                        r.get("Properties").cloned().unwrap_or(Value::Null),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Result<String, StackError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| StackError::Template(format!("missing {key}")))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    pub function: String,
    pub method: String,
    pub path: String,
}

/// Every event of type `kind` of every function, as (function, the event's properties), in
/// template order.
fn events_of_type(doc: &Value, kind: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (function, props) in resources_of_type(doc, "AWS::Serverless::Function") {
        let Some(events) = props.get("Events").and_then(Value::as_mapping) else {
            continue;
        };
        for event in events
            .values()
            .filter(|e| e.get("Type").and_then(Value::as_str) == Some(kind))
        {
            let p = event.get("Properties").cloned().unwrap_or(Value::Null);
            out.push((function.clone(), p));
        }
    }
    out
}

/// Every `HttpApi` event of every function, in template order.
pub fn http_routes() -> Result<Vec<HttpRoute>, StackError> {
    let doc = template()?;
    events_of_type(&doc, "HttpApi")
        .into_iter()
        .map(|(function, p)| {
            Ok(HttpRoute {
                function,
                method: text(&p, "Method")?.to_uppercase(),
                path: text(&p, "Path")?,
            })
        })
        .collect()
}

/// A route of the WebSocket API (`$connect`, `$disconnect`, `$default`) and the function its
/// integration invokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketRoute {
    pub route_key: String,
    pub function: String,
}

/// The `${Name}` (or `${Name.Attr}`) a `!Sub` names first, other than the `AWS::` pseudo
/// parameters: `integrations/${X}` → `X`; `arn:…/functions/${F.Arn}/invocations` → `F`.
pub fn sub_target(v: &Value) -> Option<String> {
    let Value::Tagged(t) = v else { return None };
    let s = t.value.as_str()?;
    s.split("${")
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .find(|name| !name.starts_with("AWS::"))
        .map(|name| name.split('.').next().unwrap_or(name).to_owned())
}

/// Every route of the template's WebSocket API, through its integration to its function.
pub fn socket_routes() -> Result<Vec<SocketRoute>, StackError> {
    let doc = template()?;
    let integrations = resources_of_type(&doc, "AWS::ApiGatewayV2::Integration");
    let mut out = Vec::new();
    for (id, route) in resources_of_type(&doc, "AWS::ApiGatewayV2::Route") {
        let integration = route
            .get("Target")
            .and_then(sub_target)
            .ok_or_else(|| StackError::Template(format!("{id}: Target")))?;
        let function = integrations
            .iter()
            .find(|(i, _)| *i == integration)
            .and_then(|(_, p)| p.get("IntegrationUri").and_then(sub_target))
            .ok_or_else(|| StackError::Template(format!("{id}: integration {integration}")))?;
        out.push(SocketRoute {
            route_key: text(&route, "RouteKey")?,
            function,
        });
    }
    Ok(out)
}

/// A function fed by the table's stream, and the event filter patterns of its mapping (JSON).
#[derive(Debug, Clone)]
pub struct StreamConsumer {
    pub function: String,
    pub filters: Vec<serde_json::Value>,
    pub batch_size: usize,
}

/// Every `DynamoDB` event source of the template's functions.
pub fn stream_consumers() -> Result<Vec<StreamConsumer>, StackError> {
    let doc = template()?;
    events_of_type(&doc, "DynamoDB")
        .into_iter()
        .map(|(function, p)| {
            let filters = p
                .get("FilterCriteria")
                .and_then(|f| f.get("Filters"))
                .and_then(Value::as_sequence)
                .map(|s| {
                    s.iter()
                        .map(|f| {
                            serde_json::from_str(&text(f, "Pattern")?)
                                .map_err(|e| StackError::Template(format!("{function}: {e}")))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default();
            Ok(StreamConsumer {
                batch_size: p.get("BatchSize").and_then(Value::as_u64).unwrap_or(100) as usize,
                function,
                filters,
            })
        })
        .collect()
}

/// Whether a record (as the stream gives it, JSON) matches an event filter pattern, for the
/// subset of Lambda's filter syntax the template uses: nested objects, lists of exact values,
/// and `{"prefix": …}`.
pub fn filter_matches(pattern: &serde_json::Value, record: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match pattern {
        J::Object(fields) => fields
            .iter()
            .all(|(k, p)| record.get(k).is_some_and(|r| filter_matches(p, r))),
        J::Array(options) => options.iter().any(|o| match o {
            J::Object(rule) => match rule.get("prefix").and_then(J::as_str) {
                Some(prefix) => record.as_str().is_some_and(|r| r.starts_with(prefix)),
                None => false,
            },
            exact => exact == record,
        }),
        _ => false,
    }
}

/// A function the template runs on a schedule, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub function: String,
    pub every: std::time::Duration,
}

/// Parses `rate(15 minutes)`-style expressions (the only kind the template uses).
pub fn parse_rate(expr: &str) -> Option<std::time::Duration> {
    let inner = expr.strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.split_once(' ')?;
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(n * secs))
}

/// Every `ScheduleV2` event of every function.
pub fn schedules() -> Result<Vec<Schedule>, StackError> {
    let doc = template()?;
    let mut out = Vec::new();
    for (function, props) in resources_of_type(&doc, "AWS::Serverless::Function") {
        let Some(events) = props.get("Events").and_then(Value::as_mapping) else {
            continue;
        };
        for event in events
            .values()
            .filter(|e| e.get("Type").and_then(Value::as_str) == Some("ScheduleV2"))
        {
            let p = event.get("Properties").cloned().unwrap_or(Value::Null);
            let expr = text(&p, "ScheduleExpression")?;
            let every = parse_rate(&expr).ok_or_else(|| {
                StackError::Template(format!("{function}: unsupported schedule {expr}"))
            })?;
            out.push(Schedule {
                function: function.clone(),
                every,
            });
        }
    }
    Ok(out)
}

/// The table as declared in the template.
#[derive(Debug, Clone)]
pub struct TableDef {
    pub attributes: Vec<(String, String)>,
    pub key: Vec<(String, String)>,
    pub indexes: Vec<(String, Vec<(String, String)>)>,
    pub ttl_attribute: Option<String>,
    /// `StreamSpecification.StreamViewType`, when the table has a stream.
    pub stream_view: Option<String>,
}

fn key_schema(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|k| Some((text(k, "AttributeName").ok()?, text(k, "KeyType").ok()?)))
                .collect()
        })
        .unwrap_or_default()
}

pub fn table_def() -> Result<TableDef, StackError> {
    let doc = template()?;
    let tables = resources_of_type(&doc, "AWS::DynamoDB::Table");
    let [(_, t)] = tables.as_slice() else {
        return Err(StackError::Template(
            "expected exactly one AWS::DynamoDB::Table".into(),
        ));
    };
    let attributes = t
        .get("AttributeDefinitions")
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|a| {
                    Some((
                        text(a, "AttributeName").ok()?,
                        text(a, "AttributeType").ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let indexes = t
        .get("GlobalSecondaryIndexes")
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|g| Some((text(g, "IndexName").ok()?, key_schema(g.get("KeySchema")))))
                .collect()
        })
        .unwrap_or_default();
    let ttl_attribute = t
        .get("TimeToLiveSpecification")
        .and_then(|s| text(s, "AttributeName").ok());
    Ok(TableDef {
        attributes,
        key: key_schema(t.get("KeySchema")),
        indexes,
        ttl_attribute,
        stream_view: t
            .get("StreamSpecification")
            .and_then(|s| text(s, "StreamViewType").ok()),
    })
}

#[derive(Debug, Clone)]
pub struct QueueDef {
    pub logical_id: String,
    pub visibility_timeout: Option<i64>,
    pub dead_letter_target: Option<String>,
    pub max_receive_count: Option<i64>,
}

pub fn queue_defs() -> Result<Vec<QueueDef>, StackError> {
    let doc = template()?;
    Ok(resources_of_type(&doc, "AWS::SQS::Queue")
        .into_iter()
        .map(|(logical_id, p)| {
            let redrive = p.get("RedrivePolicy");
            QueueDef {
                logical_id,
                visibility_timeout: p.get("VisibilityTimeout").and_then(Value::as_i64),
                // `!GetAtt X.Arn` parses as a tagged value holding "X.Arn".
                dead_letter_target: redrive.and_then(|r| r.get("deadLetterTargetArn")).and_then(
                    |v| match v {
                        Value::Tagged(t) => t
                            .value
                            .as_str()
                            .map(|s| s.trim_end_matches(".Arn").to_owned()),
                        _ => None,
                    },
                ),
                max_receive_count: redrive
                    .and_then(|r| r.get("maxReceiveCount"))
                    .and_then(Value::as_i64),
            }
        })
        .collect())
}

/// A Secrets Manager secret as declared: a fixed value, or one generated at creation.
#[derive(Debug, Clone)]
pub struct SecretDef {
    pub logical_id: String,
    /// `SecretString`, or `GenerateSecretString.SecretStringTemplate`.
    pub template: String,
    /// `GenerateSecretString.GenerateStringKey` and `PasswordLength`.
    pub generate: Option<(String, usize)>,
}

pub fn secret_defs() -> Result<Vec<SecretDef>, StackError> {
    let doc = template()?;
    resources_of_type(&doc, "AWS::SecretsManager::Secret")
        .into_iter()
        .map(|(logical_id, p)| {
            let generate = p.get("GenerateSecretString");
            let template = match generate {
                Some(g) => text(g, "SecretStringTemplate")?,
                None => text(&p, "SecretString")?,
            };
            let generate = match generate {
                Some(g) => Some((
                    text(g, "GenerateStringKey")?,
                    g.get("PasswordLength")
                        .and_then(Value::as_u64)
                        .unwrap_or(32) as usize,
                )),
                None => None,
            };
            Ok(SecretDef {
                logical_id,
                template,
                generate,
            })
        })
        .collect()
}

/// The value Secrets Manager would generate: the template with the key set to random
/// alphanumerics (the template's `ExcludePunctuation`).
fn generated_value(def: &SecretDef) -> Result<String, StackError> {
    let mut value: serde_json::Value = serde_json::from_str(&def.template)
        .map_err(|e| StackError::Template(format!("{}: {e}", def.logical_id)))?;
    if let (Some((key, len)), Some(obj)) = (&def.generate, value.as_object_mut()) {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let random: String = (0..*len)
            .map(|_| char::from(ALPHABET[rand::random::<usize>() % ALPHABET.len()]))
            .collect();
        obj.insert(key.clone(), serde_json::Value::String(random));
    }
    Ok(value.to_string())
}

/// What the local bootstrap created.
#[derive(Debug, Clone)]
pub struct LocalResources {
    pub table_name: String,
    pub queue_urls: Vec<(String, String)>,
    pub kms_key_id: String,
    /// Secret logical id → ARN.
    pub secret_arns: Vec<(String, String)>,
}

impl LocalResources {
    pub fn secret_arn(&self, logical_id: &str) -> Option<&str> {
        self.secret_arns
            .iter()
            .find(|(id, _)| id == logical_id)
            .map(|(_, a)| a.as_str())
    }

    pub fn queue_url(&self, logical_id: &str) -> Option<&str> {
        self.queue_urls
            .iter()
            .find(|(id, _)| id == logical_id)
            .map(|(_, u)| u.as_str())
    }
}

fn aws_err(e: impl std::fmt::Display) -> StackError {
    StackError::Aws(e.to_string())
}

/// Creates the template's table, queues and a KMS key on a local endpoint (moto).
pub async fn bootstrap(
    aws: &aws_config::SdkConfig,
    prefix: &str,
) -> Result<LocalResources, StackError> {
    let table_name = format!("{prefix}-table");
    create_table(
        &aws_sdk_dynamodb::Client::new(aws),
        &table_name,
        &table_def()?,
    )
    .await?;
    let sqs = aws_sdk_sqs::Client::new(aws);
    let mut defs = queue_defs()?;
    // Dead-letter queues first, so redrive policies can name their ARNs.
    defs.sort_by_key(|d| d.dead_letter_target.is_some());
    let mut queue_urls = Vec::new();
    for def in defs {
        let url = create_queue(
            &sqs,
            &format!("{prefix}-{}", def.logical_id),
            &def,
            &queue_urls,
        )
        .await?;
        queue_urls.push((def.logical_id, url));
    }
    let key = aws_sdk_kms::Client::new(aws)
        .create_key()
        .description("tamlink local secrets key")
        .send()
        .await
        .map_err(|e| aws_err(aws_sdk_kms::error::DisplayErrorContext(e)))?;
    let kms_key_id = key
        .key_metadata
        .map(|m| m.key_id)
        .ok_or_else(|| aws_err("KMS returned no key"))?;
    let secretsmanager = aws_sdk_secretsmanager::Client::new(aws);
    let mut secret_arns = Vec::new();
    for def in secret_defs()? {
        let created = secretsmanager
            .create_secret()
            .name(format!("{prefix}-{}", def.logical_id))
            .secret_string(generated_value(&def)?)
            .send()
            .await
            .map_err(|e| aws_err(aws_sdk_secretsmanager::error::DisplayErrorContext(e)))?;
        let arn = created
            .arn
            .ok_or_else(|| aws_err("Secrets Manager returned no ARN"))?;
        secret_arns.push((def.logical_id, arn));
    }
    Ok(LocalResources {
        table_name,
        queue_urls,
        kms_key_id,
        secret_arns,
    })
}

async fn create_table(
    db: &aws_sdk_dynamodb::Client,
    name: &str,
    def: &TableDef,
) -> Result<(), StackError> {
    let element = |(attr, kind): &(String, String)| {
        let kt = if kind == "HASH" {
            KeyType::Hash
        } else {
            KeyType::Range
        };
        KeySchemaElement::builder()
            .attribute_name(attr)
            .key_type(kt)
            .build()
            .map_err(aws_err)
    };
    let mut req = db
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest);
    for (attr, kind) in &def.attributes {
        let t = match kind.as_str() {
            "N" => ScalarAttributeType::N,
            "B" => ScalarAttributeType::B,
            _ => ScalarAttributeType::S,
        };
        req = req.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(t)
                .build()
                .map_err(aws_err)?,
        );
    }
    for k in &def.key {
        req = req.key_schema(element(k)?);
    }
    for (index, keys) in &def.indexes {
        let mut gsi = GlobalSecondaryIndex::builder()
            .index_name(index)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            );
        for k in keys {
            gsi = gsi.key_schema(element(k)?);
        }
        req = req.global_secondary_indexes(gsi.build().map_err(aws_err)?);
    }
    if let Some(view) = &def.stream_view {
        req = req.stream_specification(
            aws_sdk_dynamodb::types::StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(view.as_str().into())
                .build()
                .map_err(aws_err)?,
        );
    }
    req.send()
        .await
        .map_err(|e| aws_err(aws_sdk_dynamodb::error::DisplayErrorContext(e)))?;
    if let Some(ttl) = &def.ttl_attribute {
        db.update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl)
                    .enabled(true)
                    .build()
                    .map_err(aws_err)?,
            )
            .send()
            .await
            .map_err(|e| aws_err(aws_sdk_dynamodb::error::DisplayErrorContext(e)))?;
    }
    Ok(())
}

async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    def: &QueueDef,
    existing: &[(String, String)],
) -> Result<String, StackError> {
    use aws_sdk_sqs::types::QueueAttributeName;
    let mut req = sqs.create_queue().queue_name(name);
    if let Some(v) = def.visibility_timeout {
        req = req.attributes(QueueAttributeName::VisibilityTimeout, v.to_string());
    }
    if let (Some(target), Some(max)) = (&def.dead_letter_target, def.max_receive_count) {
        let dlq_url = existing
            .iter()
            .find(|(id, _)| id == target)
            .map(|(_, u)| u.clone())
            .ok_or_else(|| aws_err("DLQ not created"))?;
        let attrs = sqs
            .get_queue_attributes()
            .queue_url(&dlq_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| aws_err(aws_sdk_sqs::error::DisplayErrorContext(e)))?;
        let arn = attrs
            .attributes
            .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
            .ok_or_else(|| aws_err("no DLQ ARN"))?;
        let policy =
            serde_json::json!({"deadLetterTargetArn": arn, "maxReceiveCount": max}).to_string();
        req = req.attributes(QueueAttributeName::RedrivePolicy, policy);
    }
    let out = req
        .send()
        .await
        .map_err(|e| aws_err(aws_sdk_sqs::error::DisplayErrorContext(e)))?;
    out.queue_url.ok_or_else(|| aws_err("no queue URL"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_route_has_a_handler_and_every_handler_a_route() {
        let routes = http_routes().unwrap();
        for r in &routes {
            assert!(
                tamlink::routes::by_function(&r.function).is_some(),
                "{} has no handler",
                r.function
            );
        }
        for handler in tamlink::routes::ALL {
            assert!(
                routes.iter().any(|r| r.function == handler.function),
                "{} is not in template.yaml",
                handler.function
            );
        }
    }

    #[test]
    fn the_socket_routes_and_the_push_are_wired_to_their_handlers() {
        let routes = socket_routes().unwrap();
        let mut keys: Vec<_> = routes
            .iter()
            .map(|r| (r.route_key.as_str(), r.function.as_str()))
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                ("$connect", "SocketConnectFunction"),
                ("$default", "SocketFrameFunction"),
                ("$disconnect", "SocketDisconnectFunction"),
            ]
        );
        for r in &routes {
            assert!(tamlink::routes::socket_by_function(&r.function).is_some());
        }
        assert_eq!(tamlink::routes::SOCKETS.len(), routes.len());
        let consumers = stream_consumers().unwrap();
        assert_eq!(consumers.len(), 1);
        assert_eq!(consumers[0].function, tamlink::runtime::PUSH);
        assert_eq!(
            table_def().unwrap().stream_view.as_deref(),
            Some("NEW_IMAGE")
        );
    }

    #[test]
    fn the_push_filter_takes_new_messages_only() {
        let filter = &stream_consumers().unwrap()[0].filters[0];
        let record = |event: &str, sk: &str| serde_json::json!({"eventName": event, "dynamodb": {"Keys": {"pk": {"S": "GROUP#g_1"}, "sk": {"S": sk}}}});
        assert!(filter_matches(
            filter,
            &record("INSERT", "MSG#000000000001")
        ));
        assert!(!filter_matches(
            filter,
            &record("MODIFY", "MSG#000000000001")
        ));
        assert!(!filter_matches(
            filter,
            &record("REMOVE", "MSG#000000000001")
        ));
        assert!(!filter_matches(filter, &record("INSERT", "META")));
        assert!(!filter_matches(
            filter,
            &record("INSERT", "MEMBER#cli_a#ou_a")
        ));
        assert!(!filter_matches(
            filter,
            &serde_json::json!({"eventName": "INSERT"})
        ));
    }

    #[test]
    fn every_scheduled_function_has_a_job_and_every_job_a_schedule() {
        let schedules = schedules().unwrap();
        for s in &schedules {
            assert!(
                tamlink::jobs::by_function(&s.function).is_some(),
                "{} has no job",
                s.function
            );
        }
        for job in tamlink::jobs::ALL {
            assert!(
                schedules.iter().any(|s| s.function == job.function),
                "{} has no schedule in template.yaml",
                job.function
            );
        }
        let expiry = schedules
            .iter()
            .find(|s| s.function == "InvitationExpiryFunction")
            .unwrap();
        assert_eq!(expiry.every.as_secs(), 15 * 60);
    }

    #[test]
    fn every_json_route_is_described_in_openapi_yaml() {
        let doc: Value = serde_yaml::from_str(include_str!("../../../openapi.yaml")).unwrap();
        let paths = doc.get("Paths").or_else(|| doc.get("paths")).unwrap();
        for r in http_routes().unwrap() {
            if !r.path.contains("/api/") {
                continue;
            }
            let described = paths
                .get(r.path.as_str())
                .and_then(|p| p.get(r.method.to_lowercase().as_str()))
                .is_some();
            assert!(described, "{} {} is not in openapi.yaml", r.method, r.path);
        }
    }

    /// API Gateway throttles the stage, and the unauthenticated sign-in routes tighter; a route
    /// key that names no route would silently throttle nothing.
    #[test]
    fn sign_in_routes_are_throttled_tighter_than_the_stage_and_hold_five_organisations_at_their_share(
    ) {
        let doc = template().unwrap();
        let api = doc["Resources"]["HttpApi"]["Properties"].clone();
        let limits = |v: &Value| {
            (
                v["ThrottlingRateLimit"].as_f64().unwrap(),
                v["ThrottlingBurstLimit"].as_f64().unwrap(),
            )
        };
        let stage = limits(&api["DefaultRouteSettings"]);
        let routes = http_routes().unwrap();
        let mut tighter = Vec::new();
        for (key, settings) in api["RouteSettings"].as_mapping().unwrap() {
            let key = key.as_str().unwrap();
            let (method, path) = key.split_once(' ').unwrap();
            assert!(
                routes.iter().any(|r| r.method == method && r.path == path),
                "{key} is not a route"
            );
            let (rate, burst) = limits(settings);
            assert!(rate < stage.0 && burst < stage.1, "{key}");
            // API Gateway's bucket is one for every organisation; tamlink's fair share is per
            // organisation (domain::limits). Five organisations at their share fit in the bucket.
            let share = tamlink::domain::limits::SIGN_IN_PER_APP.per_minute as f64 / 60.0;
            assert!(rate >= 5.0 * share, "{key}: {rate}/s < 5 x {share}/s");
            tighter.push(key.to_owned());
        }
        tighter.sort();
        assert_eq!(
            tighter,
            [
                "GET /thirdparty/lark/{appId}/login",
                "GET /thirdparty/lark/{appId}/oauth2/callback"
            ]
        );
        // Card presses have the stage's bucket.
        let share = tamlink::domain::limits::CARD_PRESSES_PER_APP.per_minute as f64 / 60.0;
        assert!(stage.0 >= 5.0 * share);
    }

    #[test]
    fn rates_parse_and_nonsense_does_not() {
        assert_eq!(parse_rate("rate(1 minute)").unwrap().as_secs(), 60);
        assert_eq!(parse_rate("rate(2 hours)").unwrap().as_secs(), 7200);
        assert!(parse_rate("rate(0 minutes)").is_none());
        assert!(parse_rate("cron(0 * * * ? *)").is_none());
    }

    #[test]
    fn the_guide_routes_are_declared() {
        let routes = http_routes().unwrap();
        for (method, path) in [
            ("GET", "/lark/{appId}"),
            ("GET", "/lark/{appId}/workbench"),
            ("GET", "/thirdparty/lark/{appId}/login"),
            ("GET", "/thirdparty/lark/{appId}/oauth2/callback"),
            ("GET", "/lark/{appId}/person/inviteToGroup"),
            ("POST", "/lark/{appId}/person/inviteToGroup"),
        ] {
            assert!(
                routes.iter().any(|r| r.method == method && r.path == path),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn table_definition_matches_what_the_store_uses() {
        let t = table_def().unwrap();
        assert_eq!(
            t.key,
            [
                ("pk".to_string(), "HASH".to_string()),
                ("sk".to_string(), "RANGE".to_string())
            ]
        );
        let names: Vec<&str> = t.indexes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["gsi1", "gsi2"]);
        assert_eq!(t.ttl_attribute.as_deref(), Some("ttl"));
    }

    #[test]
    fn notification_queue_has_a_dead_letter_queue() {
        let q = queue_defs().unwrap();
        let main = q
            .iter()
            .find(|d| d.logical_id == "NotificationQueue")
            .unwrap();
        assert_eq!(
            main.dead_letter_target.as_deref(),
            Some("NotificationDeadLetterQueue")
        );
        assert!(main.max_receive_count.is_some());
    }
}
