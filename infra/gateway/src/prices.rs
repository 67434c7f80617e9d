//! What a month of tamlink costs on AWS at list prices, from what the local stack measured
//! (`meter`, moto's SQS counts) and what `template.yaml` deploys. One table of prices, with the
//! region and the date they are as of; free tiers are not applied (an account's free tier is
//! shared with everything else it runs).

use crate::meter::{Trigger, Usage};

/// The prices, in US dollars: AWS's public list prices for us-east-1 as known on 2026-12-07
/// (not read from a bill; check AWS's pricing pages before relying on a figure).
pub const AS_OF: &str = "us-east-1 list prices as known on 2026-12-07, free tiers not applied";

pub struct Prices {
    pub lambda_per_million_requests: f64,
    /// arm64.
    pub lambda_per_gb_second: f64,
    pub http_api_per_million: f64,
    pub websocket_per_million_messages: f64,
    pub websocket_per_million_connection_minutes: f64,
    pub dynamodb_per_million_writes: f64,
    pub dynamodb_per_million_reads: f64,
    pub dynamodb_per_gb_month: f64,
    pub sqs_per_million: f64,
    pub secrets_manager_per_secret_month: f64,
    pub kms_per_key_month: f64,
    pub logs_per_gb_ingested: f64,
    pub alarm_per_month: f64,
    pub scheduler_per_million: f64,
}

pub const PRICES: Prices = Prices {
    lambda_per_million_requests: 0.20,
    lambda_per_gb_second: 0.000_013_333_4,
    http_api_per_million: 1.00,
    websocket_per_million_messages: 1.00,
    websocket_per_million_connection_minutes: 0.25,
    dynamodb_per_million_writes: 0.625,
    dynamodb_per_million_reads: 0.125,
    dynamodb_per_gb_month: 0.25,
    sqs_per_million: 0.40,
    secrets_manager_per_secret_month: 0.40,
    kms_per_key_month: 1.00,
    logs_per_gb_ingested: 0.50,
    alarm_per_month: 0.10,
    scheduler_per_million: 1.00,
};

/// What Lambda itself writes to a function's log per invocation (its start and report lines, in
/// the JSON log format), an estimate; tamlink's own lines come on top and are not counted.
pub const LOG_BYTES_PER_INVOCATION: f64 = 500.0;

/// One line of a bill: what, how many, what it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub what: &'static str,
    pub quantity: f64,
    pub unit: &'static str,
    pub dollars: f64,
}

/// What the deployment has whatever the traffic, from `template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    pub secrets: usize,
    pub kms_keys: usize,
    pub alarms: usize,
}

impl Fixed {
    pub fn from_template() -> Result<Self, String> {
        let doc: serde_yaml::Value =
            serde_yaml::from_str(crate::stack::TEMPLATE).map_err(|e| e.to_string())?;
        let count = |kind: &str| {
            doc["Resources"]
                .as_mapping()
                .map(|m| m.values().filter(|r| r["Type"] == kind).count())
                .unwrap_or(0)
        };
        Ok(Self {
            secrets: count("AWS::SecretsManager::Secret"),
            kms_keys: count("AWS::KMS::Key"),
            alarms: count("AWS::CloudWatch::Alarm"),
        })
    }

    pub fn lines(&self) -> Vec<Line> {
        let p = &PRICES;
        vec![
            Line {
                what: "Secrets Manager secrets",
                quantity: self.secrets as f64,
                unit: "secrets",
                dollars: self.secrets as f64 * p.secrets_manager_per_secret_month,
            },
            Line {
                what: "KMS keys",
                quantity: self.kms_keys as f64,
                unit: "keys",
                dollars: self.kms_keys as f64 * p.kms_per_key_month,
            },
            Line {
                what: "CloudWatch alarms",
                quantity: self.alarms as f64,
                unit: "alarms",
                dollars: self.alarms as f64 * p.alarm_per_month,
            },
        ]
    }
}

/// The function's memory in `template.yaml`, in GB (its own `MemorySize`, else the Globals').
pub fn memory_gb(function: &str) -> f64 {
    static DOC: std::sync::OnceLock<serde_yaml::Value> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| {
        serde_yaml::from_str(crate::stack::TEMPLATE).unwrap_or(serde_yaml::Value::Null)
    });
    let own = doc["Resources"][function]["Properties"]["MemorySize"].as_f64();
    let global = doc["Globals"]["Function"]["MemorySize"].as_f64();
    own.or(global).unwrap_or(128.0) / 1024.0
}

/// The bill for what `usage` measured, plus `sqs_requests` to SQS.
pub fn usage_lines(usage: &Usage, sqs_requests: f64) -> Vec<Line> {
    let p = &PRICES;
    let invocations: f64 = usage.invocations.values().map(|i| i.count as f64).sum();
    let gb_seconds: f64 = usage
        .invocations
        .iter()
        .map(|(f, i)| i.billed_ms as f64 / 1000.0 * memory_gb(f))
        .sum();
    let by = |t: Trigger| -> f64 {
        usage
            .invocations
            .values()
            .filter(|i| i.trigger == t)
            .map(|i| i.count as f64)
            .sum()
    };
    let logs_gb = invocations * LOG_BYTES_PER_INVOCATION / 1e9;
    vec![
        Line {
            what: "Lambda requests",
            quantity: invocations,
            unit: "invocations",
            dollars: invocations / 1e6 * p.lambda_per_million_requests,
        },
        Line {
            what: "Lambda compute (arm64)",
            quantity: gb_seconds,
            unit: "GB-s",
            dollars: gb_seconds * p.lambda_per_gb_second,
        },
        Line {
            what: "HTTP API requests",
            quantity: by(Trigger::Http),
            unit: "requests",
            dollars: by(Trigger::Http) / 1e6 * p.http_api_per_million,
        },
        Line {
            what: "WebSocket API messages",
            quantity: by(Trigger::Socket),
            unit: "messages",
            dollars: by(Trigger::Socket) / 1e6 * p.websocket_per_million_messages,
        },
        Line {
            what: "DynamoDB writes",
            quantity: usage.write_units,
            unit: "WRU",
            dollars: usage.write_units / 1e6 * p.dynamodb_per_million_writes,
        },
        Line {
            what: "DynamoDB reads",
            quantity: usage.read_units,
            unit: "RRU",
            dollars: usage.read_units / 1e6 * p.dynamodb_per_million_reads,
        },
        Line {
            what: "SQS requests",
            quantity: sqs_requests,
            unit: "requests",
            dollars: sqs_requests / 1e6 * p.sqs_per_million,
        },
        Line {
            what: "EventBridge Scheduler",
            quantity: by(Trigger::Schedule),
            unit: "invocations",
            dollars: by(Trigger::Schedule) / 1e6 * p.scheduler_per_million,
        },
        Line {
            what: "CloudWatch Logs ingested",
            quantity: logs_gb,
            unit: "GB",
            dollars: logs_gb * p.logs_per_gb_ingested,
        },
    ]
}

pub fn total(lines: &[Line]) -> f64 {
    lines.iter().map(|l| l.dollars).sum()
}

/// `usage` scaled by `times` (an idle scheduled run's, for every run of a month).
pub fn scaled(usage: &Usage, times: f64) -> Usage {
    let mut out = usage.clone();
    for i in out.invocations.values_mut() {
        i.count = (i.count as f64 * times).round() as u64;
        i.billed_ms = (i.billed_ms as f64 * times).round() as u64;
    }
    out.read_units *= times;
    out.write_units *= times;
    out
}

/// `a` less `b` (what an organisation added beyond idle runs), never below zero.
pub fn less(a: &Usage, b: &Usage) -> Usage {
    let mut out = a.clone();
    for (f, i) in out.invocations.iter_mut() {
        if let Some(j) = b.invocations.get(f) {
            i.count = i.count.saturating_sub(j.count);
            i.billed_ms = i.billed_ms.saturating_sub(j.billed_ms);
        }
    }
    out.read_units = (out.read_units - b.read_units).max(0.0);
    out.write_units = (out.write_units - b.write_units).max(0.0);
    out
}

/// Adds `b` into `a`.
pub fn add(a: &mut Usage, b: &Usage) {
    for (f, j) in &b.invocations {
        let i = a.invocations.entry(f).or_insert(crate::meter::Invocations {
            trigger: j.trigger,
            count: 0,
            billed_ms: 0,
        });
        i.count += j.count;
        i.billed_ms += j.billed_ms;
    }
    a.read_units += b.read_units;
    a.write_units += b.write_units;
}

#[cfg(test)]
mod tests {
    use super::{usage_lines, Fixed, PRICES};
    use crate::meter::{Invocations, Trigger, Usage};

    #[test]
    fn a_million_http_requests_of_100_ms_cost_what_the_table_says() {
        let mut usage = Usage::default();
        usage.invocations.insert(
            "ListGroupsFunction",
            Invocations {
                trigger: Trigger::Http,
                count: 1_000_000,
                billed_ms: 100_000_000,
            },
        );
        let lines = usage_lines(&usage, 0.0);
        let line = |what: &str| lines.iter().find(|l| l.what == what).unwrap().dollars;
        assert!((line("Lambda requests") - 0.20).abs() < 1e-9);
        assert!((line("HTTP API requests") - 1.00).abs() < 1e-9);
        // 1,000,000 x 0.1 s x 0.25 GB = 25,000 GB-s.
        assert!(
            (line("Lambda compute (arm64)") - 25_000.0 * PRICES.lambda_per_gb_second).abs() < 1e-6
        );
    }

    #[test]
    fn the_fixed_costs_are_what_the_template_deploys() {
        let fixed = Fixed::from_template().unwrap();
        assert_eq!(fixed.kms_keys, 1);
        assert_eq!(fixed.secrets, 2);
        assert!(fixed.alarms >= 6, "{fixed:?}");
    }
}
