//! What the local stack's functions used, in the units AWS bills: invocations and their billed
//! milliseconds per function, and DynamoDB read and write request units. The month benchmark
//! reads it to price a month (`prices`). Invocations are counted where the Lambda service would
//! invoke a function (the gateway, the socket hub, the schedules, the queue pollers, the stream
//! reader); request units by the IAM interceptor, which sees every call a function makes.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// What invokes a function, which decides what else the invocation is billed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    /// An HTTP API request.
    Http,
    /// A WebSocket API message ($connect, $disconnect, a frame).
    Socket,
    /// An SQS event source mapping's batch.
    Queue,
    /// A DynamoDB stream event source mapping's batch (its reads are free for Lambda).
    Stream,
    /// An EventBridge Scheduler invocation.
    Schedule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Invocations {
    pub trigger: Trigger,
    pub count: u64,
    /// Lambda bills each invocation's duration rounded up to the millisecond.
    pub billed_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub invocations: BTreeMap<&'static str, Invocations>,
    /// DynamoDB request units, counted per item touched (see [`read_units`], [`write_units`]).
    pub read_units: f64,
    pub write_units: f64,
}

fn meter() -> &'static Mutex<Usage> {
    static METER: OnceLock<Mutex<Usage>> = OnceLock::new();
    METER.get_or_init(Default::default)
}

fn with<T>(f: impl FnOnce(&mut Usage) -> T) -> T {
    let mut usage = meter().lock().unwrap_or_else(|p| p.into_inner());
    f(&mut usage)
}

/// What was used since the last call.
pub fn take() -> Usage {
    with(std::mem::take)
}

/// Runs `fut` as an invocation of `function` (its AWS calls checked against its role, `iam`),
/// and counts it.
pub async fn invocation<F: std::future::Future>(
    function: &'static str,
    trigger: Trigger,
    fut: F,
) -> F::Output {
    let started = std::time::Instant::now();
    // On the heap: a notifier batch's future is large, and a test that delivers awaits it
    // inline on its own thread's stack.
    let out = crate::iam::as_function(function, Box::pin(fut)).await;
    invoked(function, trigger, started.elapsed());
    out
}

/// Counts one invocation of `function` that took `elapsed`.
pub fn invoked(function: &'static str, trigger: Trigger, elapsed: Duration) {
    let billed = elapsed.as_micros().div_ceil(1000).max(1) as u64;
    with(|u| {
        let e = u.invocations.entry(function).or_insert(Invocations {
            trigger,
            count: 0,
            billed_ms: 0,
        });
        e.count += 1;
        e.billed_ms += billed;
    });
}

/// Adds DynamoDB request units.
pub fn dynamodb(read: f64, write: f64) {
    with(|u| {
        u.read_units += read;
        u.write_units += write;
    });
}

/// Read units of a read touching `items` items (strongly consistent, as tamlink reads: one unit
/// per item of up to 4 KB, which tamlink's items are but for a large digest window).
pub fn read_units(items: usize) -> f64 {
    items.max(1) as f64
}

/// Read units of a query that read `items` items: one per 4 KB read, at about 1 KB an item.
pub fn query_units(items: usize) -> f64 {
    items.div_ceil(4).max(1) as f64
}

/// Write units of a write touching `items` items of up to 1 KB; a transaction's items cost two.
pub fn write_units(items: usize, transactional: bool) -> f64 {
    let per = if transactional { 2.0 } else { 1.0 };
    items.max(1) as f64 * per
}

#[cfg(test)]
mod tests {
    use super::{query_units, write_units};

    #[test]
    fn units_follow_dynamodbs_rounding() {
        assert_eq!(query_units(0), 1.0);
        assert_eq!(query_units(5), 2.0);
        assert_eq!(write_units(3, true), 6.0);
        assert_eq!(write_units(1, false), 1.0);
    }
}
