//! What a DynamoDB event source mapping does in AWS, for the table's stream: read new records
//! (from the stream's tip when the stack starts, as `StartingPosition: LATEST`), keep those
//! that match the mapping's filter in `template.yaml`, and hand them to the function as the
//! same `DynamoDB` event, in order. Lambda polls a shard four times a second; so does this, so
//! the push latency measured locally includes the wait AWS adds.
//!
//! moto keeps every stream record for as long as the server runs; after each read this asks
//! moto (through `infra/moto_server.py`) to drop what was read, as DynamoDB drops records after
//! 24 hours, so a long benchmark's memory stays flat.

use std::sync::Arc;
use std::time::Duration;

use crate::stack::{filter_matches, StreamConsumer};
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use tamlink::context::AppContext;

/// Lambda's polling rate for a stream shard.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

pub struct StreamReader {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    iterator: Option<String>,
    consumer: StreamConsumer,
    /// The consumer's logical id, whose role the mapping reads the stream with.
    function: &'static str,
    region: String,
    /// Whether to run the consumer (else records are read and dropped).
    run: bool,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl StreamReader {
    /// Opens the table's stream at its tip, for the template's one stream consumer (run only
    /// when `run`). Its calls are the event source mapping's, made with the consumer's role, so
    /// they pass the local IAM check (`iam`) as that function's.
    pub async fn open(
        ctx: &AppContext,
        run: bool,
        iam: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
    ) -> Result<Self, String> {
        let consumer = crate::stack::stream_consumers()
            .map_err(err)?
            .into_iter()
            .next()
            .ok_or("no function reads the table's stream in template.yaml")?;
        let function: &'static str = tamlink::runtime::Function::all_names()
            .find(|n| *n == consumer.function)
            .ok_or_else(|| format!("{} is not served by the binary", consumer.function))?;
        let aws = tamlink::context::aws_sdk_config(&ctx.settings);
        let client = aws_sdk_dynamodbstreams::Client::from_conf(
            aws_sdk_dynamodbstreams::config::Builder::from(&aws)
                .interceptor(iam)
                .build(),
        );
        let (arn, iterator) = crate::iam::as_function(function, async {
            let streams = client
                .list_streams()
                .table_name(&ctx.settings.table_name)
                .send()
                .await
                .map_err(|e| err(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e)))?;
            let arn = streams
                .streams
                .and_then(|s| s.into_iter().next())
                .and_then(|s| s.stream_arn)
                .ok_or("the table has no stream (StreamSpecification in template.yaml)")?;
            let stream = client
                .describe_stream()
                .stream_arn(&arn)
                .send()
                .await
                .map_err(|e| err(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e)))?;
            let shard = stream
                .stream_description
                .and_then(|d| d.shards)
                .and_then(|s| s.into_iter().next())
                .and_then(|s| s.shard_id)
                .ok_or("the stream has no shard")?;
            let iterator = client
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(shard)
                .shard_iterator_type(ShardIteratorType::Latest)
                .send()
                .await
                .map_err(|e| err(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e)))?
                .shard_iterator;
            Ok::<_, String>((arn, iterator))
        })
        .await?;
        Ok(Self {
            client,
            arn,
            iterator,
            consumer,
            function,
            region: ctx.settings.aws_region.clone(),
            run,
        })
    }

    /// Reads what is new, and runs the consumer on what its filter keeps (batches of its batch
    /// size). Returns how many records the function was given.
    pub async fn poll_once(&mut self, ctx: &AppContext) -> Result<usize, String> {
        let Some(iterator) = self.iterator.clone() else {
            return Ok(0);
        };
        let got = crate::iam::as_function(
            self.function,
            self.client
                .get_records()
                .shard_iterator(iterator)
                .limit(1000)
                .send(),
        )
        .await
        .map_err(|e| err(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e)))?;
        self.iterator = got.next_shard_iterator;
        if !self.run {
            return Ok(0);
        }
        let records: Vec<serde_json::Value> = got
            .records
            .unwrap_or_default()
            .into_iter()
            .map(|r| self.lambda_record(r))
            .filter(|r| {
                self.consumer.filters.is_empty()
                    || self.consumer.filters.iter().any(|f| filter_matches(f, r))
            })
            .collect();
        let given = records.len();
        for batch in records.chunks(self.consumer.batch_size.max(1)) {
            let event: aws_lambda_events::event::dynamodb::Event =
                serde_json::from_value(serde_json::json!({ "Records": batch })).map_err(err)?;
            let push = tamlink::sockets::push(ctx, event);
            crate::meter::invocation(self.function, crate::meter::Trigger::Stream, push)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(given)
    }

    /// A stream record as Lambda hands it to a function.
    fn lambda_record(&self, r: Record) -> serde_json::Value {
        let d = r
            .dynamodb
            .unwrap_or_else(|| aws_sdk_dynamodbstreams::types::StreamRecord::builder().build());
        let item = |m: Option<std::collections::HashMap<String, _>>| {
            serde_json::to_value(serde_dynamo_streams::Item::from(m.unwrap_or_default()))
                .unwrap_or_default()
        };
        serde_json::json!({
            "eventID": r.event_id,
            "eventName": r.event_name.map(|n| n.as_str().to_owned()),
            "eventVersion": r.event_version,
            "eventSource": "aws:dynamodb",
            "awsRegion": self.region,
            "eventSourceARN": self.arn,
            "dynamodb": {
                "ApproximateCreationDateTime": d.approximate_creation_date_time.map(|t| t.secs()),
                "Keys": item(d.keys),
                "NewImage": item(d.new_image),
                "SequenceNumber": d.sequence_number,
                "SizeBytes": d.size_bytes.unwrap_or(0),
                "StreamViewType": d.stream_view_type.map(|v| v.as_str().to_owned()),
            },
        })
    }
}

/// The long-running reader in the local stack.
pub fn spawn(ctx: Arc<AppContext>, mut reader: StreamReader) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match reader.poll_once(&ctx).await {
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "stream poll failed"),
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    })
}
