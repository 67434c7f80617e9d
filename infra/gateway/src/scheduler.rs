//! What EventBridge Scheduler does in AWS: runs each scheduled function of `template.yaml` on its
//! rate. Locally the rate may be capped (a developer does not wait 15 minutes to see a link
//! expire); the job is the same `tamlink::jobs` entry the Lambda binary runs.

use std::sync::Arc;
use std::time::Duration;

use crate::stack;
use tamlink::context::AppContext;
use tamlink::jobs;

/// Starts one timer per schedule; each waits a full period before its first run.
pub fn spawn(
    ctx: Arc<AppContext>,
    cap: Duration,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let mut tasks = Vec::new();
    for schedule in stack::schedules().map_err(|e| e.to_string())? {
        let job = jobs::by_function(&schedule.function)
            .ok_or_else(|| format!("no job for {}", schedule.function))?;
        let period = schedule.every.min(cap);
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move {
            let mut timer = tokio::time::interval(period);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            timer.tick().await;
            loop {
                timer.tick().await;
                let run = (job.run)(&ctx);
                let ran =
                    crate::meter::invocation(job.function, crate::meter::Trigger::Schedule, run);
                if let Err(e) = ran.await {
                    e.log();
                }
            }
        }));
    }
    Ok(tasks)
}
