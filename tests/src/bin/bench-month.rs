//! `./run bench month [standard|chatty|both] [seed]`: a simulated calendar month on a simulated
//! clock, through the real handlers (the gateway's routes, the notifier, the scheduled jobs) on
//! moto and the Lark sandbox. Prints the Lark calls each organisation's tenant was counted for
//! the month against the free plan's 10,000, the days on which tamlink widened the DM window,
//! DynamoDB and SQS requests, and whether anything was lost or sent twice.
//!
//! - **standard**: 200 people; 2,000 mentions in working hours (Monday to Friday, 09:00-18:00
//!   UTC, a tenth of them in incidents that mention the same few people), posted in the service
//!   group by the TAM and by colleagues; 50 tickets through their life (opened, reminded while
//!   waiting, answered late enough for SLA warnings now and then, a conversation, resolved,
//!   rated); one emergency, acknowledged after 4 minutes.
//! - **chatty**: the notifier benchmark's organisation (`./run bench`) every day of the month:
//!   ~2,500 mentions a day, nights included. Its mentions are queued as that benchmark queues
//!   them (77,000 posts through HTTP would add an hour of local work and nothing to the count).
//!
//! The clock jumps from one thing that happens to the next: a person's action, a digest falling
//! due (asked of the digest index), an SLA deadline, an unacknowledged emergency. Scheduled runs
//! that would have found nothing are not run; what they cost is measured once on the idle stack
//! and added per run (a sweep that finds nothing costs the same every minute).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tamlink::clock::{Clock, Epoch};
use tamlink::domain::budget::{self, Step};
use tamlink::ids::{AppId, OpenId};
use tamlink::notify::{Notification, NotificationKind, Recipient};
use tamlink_gateway::{meter, prices};
use tamlink_tests::{Browser, TestStack, CUSTOMER_APP_ID, PROVIDER_APP_ID};

const MINUTE: Epoch = 60;
const HOUR: Epoch = 3600;
const DAY: Epoch = 86_400;
/// The people of the organisation; the last `OPENERS` of them open the tickets and are never
/// mentioned, so every mention can be accounted for person by person.
const PEOPLE: usize = 200;
const OPENERS: usize = 20;

/// The scheduled functions of `template.yaml` and how often they run.
const JOBS: [(&str, Epoch); 4] = [
    ("DigestSweepFunction", MINUTE),
    ("SlaCheckFunction", 5 * MINUTE),
    ("EmergencyRepageFunction", MINUTE),
    ("InvitationExpiryFunction", 15 * MINUTE),
];

#[derive(Debug, Clone)]
enum Action {
    /// `author` (a customer by index, or the TAM) mentions person `to` in the service group.
    Mention {
        author: Option<usize>,
        to: usize,
    },
    /// The chatty organisation: mentions queued as the notifier benchmark queues them.
    Queued {
        to: Vec<usize>,
    },
    Open {
        ticket: usize,
    },
    Remind {
        ticket: usize,
    },
    StaffReply {
        ticket: usize,
        first: bool,
    },
    CustomerReply {
        ticket: usize,
    },
    Resolve {
        ticket: usize,
    },
    Rate {
        ticket: usize,
    },
    Declare {
        ticket: usize,
    },
    Acknowledge {
        ticket: usize,
    },
}

/// A ticket's life as planned (minutes after it is opened) and as it went.
struct Ticket {
    opener: usize,
    severity: &'static str,
    /// Whether the first answer comes after the deadline (an SLA warning, then a breach).
    late: bool,
    remind: bool,
    emergency: bool,
    exchanges: usize,
    id: String,
    group: String,
    assignee: String,
}

/// DynamoDB and SQS requests as moto counted them, by operation.
#[derive(Default)]
struct Requests {
    dynamodb: BTreeMap<String, u64>,
    sqs: BTreeMap<String, u64>,
}

impl Requests {
    fn dynamodb_total(&self) -> u64 {
        self.dynamodb.values().sum()
    }
    fn sqs_total(&self) -> u64 {
        self.sqs
            .iter()
            .filter(|(op, _)| !op.contains("empty") && *op != "GetQueueAttributes")
            .map(|(_, n)| n)
            .sum()
    }
}

struct Sim {
    t: TestStack,
    rng: StdRng,
    people: Vec<(String, OpenId)>,
    /// Signed-in browsers and when each signed in (sessions last 12 hours).
    browsers: HashMap<(String, String), (Browser, Epoch)>,
    actions: BTreeMap<Epoch, Vec<Action>>,
    /// When the SLA check has deadlines to look at, and the repage job an open emergency.
    sla_marks: BTreeSet<Epoch>,
    repage_marks: BTreeSet<Epoch>,
    tickets: Vec<Ticket>,
    measured: Requests,
    job_runs: HashMap<&'static str, u64>,
    /// Mentions each person was sent (by index), and the refusals met along the way.
    mentioned: Vec<usize>,
    refused: Vec<String>,
    counts: BTreeMap<String, usize>,
    steps: Vec<(Epoch, Step)>,
    start: Epoch,
    end: Epoch,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("both", String::as_str);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let mut failed = false;
    if matches!(which, "standard" | "both") {
        failed |= month(false, seed).await?;
    }
    if matches!(which, "chatty" | "both") {
        failed |= month(true, seed).await?;
    }
    if !matches!(which, "standard" | "chatty" | "both") {
        return Err("usage: bench-month [standard|chatty|both] [seed]".into());
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

fn customer() -> AppId {
    AppId::parse(CUSTOMER_APP_ID).expect("the sandbox customer's App ID")
}

/// Midnight UTC on the 1st of the month after the one `now` is in.
fn next_month(now: Epoch) -> Epoch {
    budget::next_month_start(now)
}

/// The DM window a step stands for, as people read it.
fn window(step: Step) -> String {
    match step.window_seconds() {
        Some(w) if w >= HOUR => format!("{} h", w / HOUR),
        Some(w) => format!("{} min", w / MINUTE),
        None => "held until the 1st".into(),
    }
}

fn weekday(at: Epoch) -> bool {
    let day = time::OffsetDateTime::from_unix_timestamp(at).expect("a time");
    !matches!(
        day.weekday(),
        time::Weekday::Saturday | time::Weekday::Sunday
    )
}

fn date(at: Epoch) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(at).expect("a time");
    format!("{} {:>2}", t.month(), t.day())
}

impl Sim {
    async fn new(seed: u64) -> Result<Self, Box<dyn std::error::Error>> {
        let t = TestStack::demo().await;
        // Set up on the last day of the month before: what signing everyone in costs is not
        // the month's.
        let start = next_month(t.clock.now());
        t.clock.advance(start - DAY + 8 * HOUR - t.clock.now());
        let mut sim = Self {
            t,
            rng: StdRng::seed_from_u64(seed),
            people: Vec::new(),
            browsers: HashMap::new(),
            actions: BTreeMap::new(),
            sla_marks: BTreeSet::new(),
            repage_marks: BTreeSet::new(),
            tickets: Vec::new(),
            measured: Requests::default(),
            job_runs: HashMap::new(),
            mentioned: vec![0; PEOPLE],
            refused: Vec::new(),
            counts: BTreeMap::new(),
            steps: Vec::new(),
            start,
            end: next_month(start),
        };
        sim.sync_sandbox().await;
        let users: Vec<Value> = (0..PEOPLE)
            .map(|i| json!({"user_id": format!("bench{i:03}"), "tenant_key": "tk_acme", "name": format!("Colleague {i}")}))
            .collect();
        sim.t
            .sandbox_post("/_sandbox/users", &json!({ "users": users }))
            .await;
        for i in 0..PEOPLE {
            let user = format!("bench{i:03}");
            let open_id = OpenId::parse(&sim.t.open_id(CUSTOMER_APP_ID, &user).await)?;
            sim.people.push((user, open_id));
        }
        Ok(sim)
    }

    async fn sync_sandbox(&self) {
        self.t
            .sandbox_post("/_sandbox/clock", &json!({"set": self.t.clock.now()}))
            .await;
    }

    fn now(&self) -> Epoch {
        self.t.clock.now()
    }

    fn plan(&mut self, at: Epoch, action: Action) {
        self.actions.entry(at).or_default().push(action);
    }

    /// Moto's counts since the last call; `keep` adds them to the month's (the benchmark's own
    /// reads are not kept).
    async fn meter(&mut self, keep: bool) {
        let counts: Value = reqwest::Client::new()
            .delete(format!(
                "{}/_tamlink/dynamodb-requests",
                self.t.stack.moto_url
            ))
            .send()
            .await
            .expect("moto answers")
            .json()
            .await
            .expect("moto JSON");
        if !keep {
            return;
        }
        for (field, into) in [
            ("by_operation", &mut self.measured.dynamodb),
            ("sqs", &mut self.measured.sqs),
        ] {
            for (op, n) in counts[field].as_object().into_iter().flatten() {
                *into.entry(op.clone()).or_default() += n.as_u64().unwrap_or(0);
            }
        }
    }

    /// A browser in which `user` of `app` is signed in, signing in again each working day.
    async fn browser(&mut self, app: &str, user: &str) -> &Browser {
        let key = (app.to_owned(), user.to_owned());
        let now = self.now();
        let fresh = self
            .browsers
            .get(&key)
            .is_some_and(|(_, at)| now - at < 11 * HOUR);
        if !fresh {
            // Each person on their own machine (address), as an organisation's people are.
            let n = self.browsers.len();
            let b = self
                .t
                .browser_at(&format!("127.1.{}.{}", n / 250, n % 250 + 1));
            let page = b.sign_in(app, user).await;
            assert!(page.status.is_success(), "{user} signs in: {}", page.status);
            *self.counts.entry("sign-ins".into()).or_default() += 1;
            self.browsers.insert(key.clone(), (b, now));
        }
        &self.browsers[&key].0
    }

    async fn customer(&mut self, i: usize) -> &Browser {
        let user = self.people[i].0.clone();
        self.browser(CUSTOMER_APP_ID, &user).await
    }

    async fn staff(&mut self, user: &str) -> &Browser {
        self.browser(PROVIDER_APP_ID, user).await
    }

    fn expect(&mut self, what: &str, status: reqwest::StatusCode, body: &Value) {
        if !status.is_success() {
            self.refused.push(format!("{what}: {status} {body}"));
        }
        *self.counts.entry(what.into()).or_default() += 1;
    }

    async fn service_group(&self) -> String {
        self.t.service_group(CUSTOMER_APP_ID).await
    }

    /// Does one person's action.
    async fn act(&mut self, action: Action, group: &str) {
        let now = self.now();
        match action {
            Action::Mention { author, to } => {
                let target =
                    json!([{"app_id": CUSTOMER_APP_ID, "open_id": self.people[to].1.to_string()}]);
                let body = json!({"text": format!("@{} can you look at this?", self.people[to].0), "mentions": target});
                let (app, b) = match author {
                    Some(a) => (CUSTOMER_APP_ID, self.customer(a).await),
                    None => (PROVIDER_APP_ID, self.staff("tara").await),
                };
                let (status, reply) = b.post_message(app, group, &body).await;
                if status.is_success() {
                    self.mentioned[to] += 1;
                }
                self.expect("mentions", status, &reply);
            }
            Action::Queued { to } => {
                let batch: Vec<Notification> = to
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| self.queued_mention(now, k, i, group))
                    .collect();
                tamlink::notify::enqueue(&self.t.stack.ctx, &batch)
                    .await
                    .expect("queued");
                for i in to {
                    self.mentioned[i] += 1;
                }
                *self.counts.entry("mentions".into()).or_default() += batch.len();
            }
            Action::Open { ticket } => self.open(ticket, now).await,
            Action::Remind { ticket } => {
                let (opener, id) = (self.tickets[ticket].opener, self.tickets[ticket].id.clone());
                let (status, body) = self
                    .customer(opener)
                    .await
                    .remind(CUSTOMER_APP_ID, &id)
                    .await;
                self.expect("reminders", status, &body);
            }
            Action::StaffReply { ticket, first } => {
                let (who, id, group) = self.staff_of(ticket);
                let b = self.staff(&who).await;
                if first {
                    let (status, body) = b.move_ticket(PROVIDER_APP_ID, &id, "in_progress").await;
                    self.expect("tickets taken up", status, &body);
                }
                let b = self.staff(&who).await;
                let (status, body) = b
                    .post_message(
                        PROVIDER_APP_ID,
                        &group,
                        &json!({"text": "Here is what we found."}),
                    )
                    .await;
                self.expect("engineers' replies", status, &body);
            }
            Action::CustomerReply { ticket } => {
                let (opener, group) = (
                    self.tickets[ticket].opener,
                    self.tickets[ticket].group.clone(),
                );
                let (status, body) = self
                    .customer(opener)
                    .await
                    .post_message(
                        CUSTOMER_APP_ID,
                        &group,
                        &json!({"text": "Thanks, trying it now."}),
                    )
                    .await;
                self.expect("customers' replies", status, &body);
            }
            Action::Resolve { ticket } => {
                let (who, id, _) = self.staff_of(ticket);
                let (status, body) = self
                    .staff(&who)
                    .await
                    .move_ticket(PROVIDER_APP_ID, &id, "resolved")
                    .await;
                self.expect("tickets resolved", status, &body);
            }
            Action::Rate { ticket } => {
                let (opener, id) = (self.tickets[ticket].opener, self.tickets[ticket].id.clone());
                let score = 3 + (ticket % 3);
                let (status, body) = self
                    .customer(opener)
                    .await
                    .post_json(
                        &format!("/lark/{CUSTOMER_APP_ID}/api/tickets/{id}/rating"),
                        &json!({"score": score}),
                    )
                    .await;
                self.expect("ratings", status, &body);
            }
            Action::Declare { ticket } => {
                let (opener, id) = (self.tickets[ticket].opener, self.tickets[ticket].id.clone());
                let (status, body) = self
                    .customer(opener)
                    .await
                    .declare_emergency(
                        CUSTOMER_APP_ID,
                        &id,
                        &json!({"reason": "business_outage", "confirm": true}),
                    )
                    .await;
                self.expect("emergencies", status, &body);
                for m in 0..=5 {
                    self.repage_marks.insert(now + m * MINUTE);
                }
            }
            Action::Acknowledge { ticket } => {
                let (who, id, _) = self.staff_of(ticket);
                let (status, body) = self
                    .staff(&who)
                    .await
                    .acknowledge(PROVIDER_APP_ID, &id)
                    .await;
                self.expect("acknowledgements", status, &body);
            }
        }
    }

    fn staff_of(&self, ticket: usize) -> (String, String, String) {
        let t = &self.tickets[ticket];
        let who = match t.assignee.as_str() {
            "Eli Novak" => "eli",
            "Erin Park" => "erin",
            _ => "tara",
        };
        (who.into(), t.id.clone(), t.group.clone())
    }

    /// Opens ticket `k` and plans the rest of its life from its deadlines.
    async fn open(&mut self, k: usize, now: Epoch) {
        let (opener, severity) = (self.tickets[k].opener, self.tickets[k].severity);
        let body = json!({"title": format!("Issue {k}"), "description": "Robots in hall B stopped reporting.", "severity": severity, "product": "Fleet API"});
        let (status, opened) = self
            .customer(opener)
            .await
            .open_ticket(CUSTOMER_APP_ID, &body)
            .await;
        self.expect("tickets opened", status, &opened);
        if !status.is_success() {
            return;
        }
        let due = opened["first_response_due"].as_i64().unwrap_or(now + HOUR);
        let resolution_due = opened["resolution_due"].as_i64().unwrap_or(now + DAY);
        {
            let t = &mut self.tickets[k];
            t.id = opened["id"].as_str().unwrap_or_default().into();
            t.group = opened["group_id"].as_str().unwrap_or_default().into();
            t.assignee = opened["assignee"].as_str().unwrap_or_default().into();
        }
        let t = &self.tickets[k];
        let (late, remind, emergency, exchanges) = (t.late, t.remind, t.emergency, t.exchanges);
        let allowance = (due - now).max(10 * MINUTE);
        let first = if late {
            due + self.rng.gen_range(10..40) * MINUTE
        } else {
            now + (allowance * self.rng.gen_range(10..60) / 100).max(5 * MINUTE)
        };
        let first = first - first.rem_euclid(MINUTE);
        if remind {
            let at = opened["next_reminder_at"]
                .as_i64()
                .unwrap_or(now + HOUR)
                .max(now + MINUTE);
            let at = at + MINUTE - at.rem_euclid(MINUTE);
            if at < first {
                self.plan(at, Action::Remind { ticket: k });
            }
        }
        if emergency {
            self.plan(now + 10 * MINUTE, Action::Declare { ticket: k });
            self.plan(now + 14 * MINUTE, Action::Acknowledge { ticket: k });
        }
        self.plan(
            first,
            Action::StaffReply {
                ticket: k,
                first: true,
            },
        );
        let mut at = first;
        for _ in 0..exchanges {
            at += self.rng.gen_range(30..180) * MINUTE;
            self.plan(at, Action::CustomerReply { ticket: k });
            at += self.rng.gen_range(20..120) * MINUTE;
            self.plan(
                at,
                Action::StaffReply {
                    ticket: k,
                    first: false,
                },
            );
        }
        at += self.rng.gen_range(60..180) * MINUTE;
        let resolved = at;
        self.plan(resolved, Action::Resolve { ticket: k });
        let rated = resolved + self.rng.gen_range(2..24) * HOUR;
        self.plan(rated, Action::Rate { ticket: k });
        // The SLA check has something to find around each deadline the ticket comes near.
        let mark = |at: Epoch| at - at.rem_euclid(5 * MINUTE);
        let around = |from: Epoch, to: Epoch, marks: &mut BTreeSet<Epoch>| {
            let mut m = mark(from.max(now)) + 5 * MINUTE;
            while m <= to {
                marks.insert(m);
                m += 5 * MINUTE;
            }
        };
        around(
            due - 20 * MINUTE,
            first.min(due + 10 * MINUTE),
            &mut self.sla_marks,
        );
        let warning = tamlink::domain::tickets::RESOLUTION_WARNING;
        around(
            resolution_due - warning - 10 * MINUTE,
            resolved.min(resolution_due + 10 * MINUTE),
            &mut self.sla_marks,
        );
    }

    fn queued_mention(&self, now: Epoch, k: usize, i: usize, group: &str) -> Notification {
        let (user, open_id) = &self.people[i];
        Notification {
            id: format!("month.{now}.{k}"),
            kind: NotificationKind::Mention,
            urgent: false,
            recipient: Recipient {
                app_id: customer(),
                open_id: open_id.clone(),
                name: user.clone(),
            },
            org_app_id: customer(),
            org_name: "Acme Robotics".into(),
            group_id: Some(tamlink::ids::GroupId::parse(group).expect("a group id")),
            group_name: Some("Acme Robotics · Enterprise Service".into()),
            actor: Some("Tara Lin".into()),
            title: "Tara Lin mentioned you".into(),
            excerpt: format!("event {now}.{k}").into(),
            link: format!("{}/lark/{CUSTOMER_APP_ID}/workbench", self.t.base()),
            created_at: now,
            card_key: None,
            ticket: None,
            ticket_status: None,
            only_update: false,
            survey: false,
            seq: None,
            revision: None,
        }
    }

    /// Runs a scheduled function as its schedule would, counting the run.
    async fn job(&mut self, function: &'static str) {
        self.t.stack.run_job(function).await.expect("the job runs");
        *self.job_runs.entry(function).or_default() += 1;
    }

    /// The earliest moment after now at which a digest falls due, looking no further than
    /// `until` (the benchmark's own reads, not counted).
    async fn next_digest(&mut self, until: Epoch) -> Option<Epoch> {
        self.meter(true).await;
        let store = &self.t.stack.ctx.store;
        let now = self.now();
        let mut found = None;
        for hour in tamlink::store::due_hour(now)..=tamlink::store::due_hour(until) {
            if let Some(due) = store.next_digest_due(hour, now).await.expect("index read") {
                found = Some(due);
                break;
            }
        }
        self.meter(false).await;
        found
    }

    /// The step tamlink's own count puts the organisation at (not counted).
    async fn step_now(&mut self) -> (Step, i64) {
        self.meter(true).await;
        let store = &self.t.stack.ctx.store;
        let usage = store
            .usage(&customer(), &budget::month_of(self.now()))
            .await
            .expect("usage");
        let tenant = store
            .tenant(&customer())
            .await
            .expect("tenant")
            .expect("acme");
        self.meter(false).await;
        (
            budget::step(&tenant.plan, usage.calls, usage.exhausted),
            usage.calls,
        )
    }

    /// The month: from one thing that happens to the next, until everything has gone out.
    async fn run(&mut self) {
        let group = self.service_group().await;
        // Everyone signs in the day before: they join the service group.
        for i in 0..PEOPLE {
            self.customer(i).await;
        }
        self.t.deliver().await;
        self.browsers.clear();
        self.counts.clear();
        self.t.clock.advance(self.start - self.now());
        self.sync_sandbox().await;
        self.meter(false).await;
        let mut day = self.start;
        self.steps.push((day, Step::Normal));
        let stop = self.end + 2 * DAY;
        loop {
            let now = self.now();
            // Whatever comes first: an action, an SLA or repage mark, a digest falling due.
            let mut next = [
                self.actions.keys().next(),
                self.sla_marks.range(now + 1..).next(),
                self.repage_marks.range(now + 1..).next(),
            ]
            .into_iter()
            .flatten()
            .min()
            .copied()
            .unwrap_or(stop);
            if let Some(due) = self.next_digest(next.min(stop)).await {
                let due = due + MINUTE - 1;
                next = next.min(due - due.rem_euclid(MINUTE));
            }
            if next >= stop {
                break;
            }
            self.t.clock.advance((next - self.now()).max(0));
            self.sync_sandbox().await;
            while day + DAY <= self.now() && day + DAY <= self.end {
                day += DAY;
                let (step, calls) = self.step_now().await;
                eprintln!(
                    "  … {}: {} minutes visited, {calls} Lark calls counted so far, window {}",
                    date(day),
                    self.job_runs
                        .get("DigestSweepFunction")
                        .copied()
                        .unwrap_or(0),
                    window(step)
                );
                if self.steps.last().is_some_and(|(_, s)| *s != step) {
                    self.steps.push((day, step));
                }
            }
            let at = self.now();
            for action in self.actions.remove(&next).unwrap_or_default() {
                self.act(action, &group).await;
            }
            self.t.deliver().await;
            // The schedules that have work at this minute.
            self.job("DigestSweepFunction").await;
            if self.sla_marks.contains(&at) {
                self.job("SlaCheckFunction").await;
            }
            if self.repage_marks.contains(&at) {
                self.job("EmergencyRepageFunction").await;
            }
            self.t.deliver().await;
        }
        let (step, _) = self.step_now().await;
        if self.steps.last().is_some_and(|(_, s)| *s != step) {
            self.steps.push((self.end, step));
        }
        self.meter(true).await;
    }
}

/// Picks one of `people` (by index): a few get most of the mentions (Zipf-like), as in any
/// support channel.
fn popularity(people: usize) -> impl Fn(&mut StdRng) -> usize {
    let weights: Vec<f64> = (0..people)
        .map(|i| 1.0 / ((i + 1) as f64).powf(0.8))
        .collect();
    let total: f64 = weights.iter().sum();
    move |rng: &mut StdRng| {
        let mut x = rng.gen::<f64>() * total;
        for (i, w) in weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return i;
            }
        }
        people - 1
    }
}

/// Plans the standard organisation's month.
fn plan_standard(sim: &mut Sim) {
    let days: Vec<Epoch> = (0..31)
        .map(|d| sim.start + d * DAY)
        .filter(|d| *d < sim.end && weekday(*d))
        .collect();
    let office = |rng: &mut StdRng| {
        days[rng.gen_range(0..days.len())] + 9 * HOUR + rng.gen_range(0..9 * 60) * MINUTE
    };
    let pick = popularity(PEOPLE - OPENERS);
    let mut planned = 0;
    // A tenth in incidents: 8 of 25 mentions each, of 3 people, within 10 minutes.
    for _ in 0..8 {
        let at = office(&mut sim.rng);
        let hot: Vec<usize> = (0..3).map(|_| pick(&mut sim.rng)).collect();
        for k in 0..25 {
            let when = at + sim.rng.gen_range(0..10) * MINUTE;
            sim.plan(
                when,
                Action::Mention {
                    author: None,
                    to: hot[k % 3],
                },
            );
            planned += 1;
        }
    }
    while planned < 2000 {
        let at = office(&mut sim.rng);
        let to = pick(&mut sim.rng);
        // Two in five by the TAM, the rest by colleagues (the 40 most active).
        let author = if sim.rng.gen_range(0..5) < 2 {
            None
        } else {
            let mut a = sim.rng.gen_range(0..40);
            if a == to {
                a = (a + 1) % 40;
            }
            Some(a)
        };
        sim.plan(at, Action::Mention { author, to });
        planned += 1;
    }
    let severities = [("sev1", 3), ("sev2", 12), ("sev3", 25), ("sev4", 10)];
    let mut k = 0;
    for (severity, n) in severities {
        for _ in 0..n {
            let at = office(&mut sim.rng);
            sim.tickets.push(Ticket {
                opener: PEOPLE - OPENERS + k % OPENERS,
                severity,
                late: k % 6 == 5,
                remind: k % 5 == 1,
                emergency: k == 1,
                exchanges: 1 + k % 3,
                id: String::new(),
                group: String::new(),
                assignee: String::new(),
            });
            sim.plan(at, Action::Open { ticket: k });
            k += 1;
        }
    }
}

/// Plans the chatty organisation's month: the notifier benchmark's day, every day.
fn plan_chatty(sim: &mut Sim) {
    let pick = popularity(PEOPLE);
    let mut minute = 0;
    while sim.start + minute * MINUTE < sim.end {
        let hour = (minute / 60) % 24;
        let base: f64 = if (9..18).contains(&hour) { 3.0 } else { 0.4 };
        let (mut n, l) = (0, (-base).exp());
        let mut p = sim.rng.gen::<f64>();
        while p > l {
            n += 1;
            p *= sim.rng.gen::<f64>();
        }
        let burst = sim.rng.gen::<f64>() < 0.01;
        let hot: Vec<usize> = (0..3).map(|_| pick(&mut sim.rng)).collect();
        if burst {
            n += sim.rng.gen_range(20..60);
        }
        let to: Vec<usize> = (0..n)
            .map(|i| {
                if burst {
                    hot[i % 3]
                } else {
                    pick(&mut sim.rng)
                }
            })
            .collect();
        if !to.is_empty() {
            sim.plan(sim.start + minute * MINUTE, Action::Queued { to });
        }
        minute += 1;
    }
}

/// Runs one organisation's month and prints it; true if something was lost or sent twice.
async fn month(chatty: bool, seed: u64) -> Result<bool, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut sim = Sim::new(seed).await?;
    // What a scheduled run costs when it finds nothing, on the idle stack.
    let mut idle = HashMap::new();
    let mut idle_usage = HashMap::new();
    for (function, _) in JOBS {
        // The second run: a first run reads back further (the invitation expiry, a week).
        sim.t.stack.run_job(function).await.expect("the job runs");
        sim.meter(false).await;
        meter::take();
        sim.t.stack.run_job(function).await.expect("the job runs");
        let before = sim.measured.dynamodb_total();
        sim.meter(true).await;
        idle.insert(function, sim.measured.dynamodb_total() - before);
        idle_usage.insert(function, meter::take());
    }
    sim.measured = Requests::default();
    meter::take();
    if chatty {
        plan_chatty(&mut sim);
    } else {
        plan_standard(&mut sim);
    }
    sim.run().await;
    let used = meter::take();
    let wall = started.elapsed();
    let failed = report(&sim, chatty, seed, &idle, wall).await?;
    cost(&sim, &used, &idle_usage)?;
    Ok(failed)
}

/// The month at AWS's list prices (`tamlink_gateway::prices`): the organisation's own, and the
/// idle deployment's (what it costs with no organisation: its fixed resources and every
/// scheduled run finding nothing).
fn cost(
    sim: &Sim,
    used: &meter::Usage,
    idle: &HashMap<&str, meter::Usage>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut idle_month = meter::Usage::default();
    let mut idle_ran = meter::Usage::default();
    for (function, every) in JOBS {
        let runs = ((sim.end - sim.start) / every) as f64;
        let ran = sim.job_runs.get(function).copied().unwrap_or(0) as f64;
        prices::add(&mut idle_month, &prices::scaled(&idle[function], runs));
        prices::add(&mut idle_ran, &prices::scaled(&idle[function], ran));
    }
    let sqs = sim.measured.sqs_total() as f64;
    let org = prices::usage_lines(&prices::less(used, &idle_ran), sqs);
    let fixed = prices::Fixed::from_template()?.lines();
    let deployment = prices::usage_lines(&idle_month, 0.0);
    println!("  at AWS's list prices ({}):", prices::AS_OF);
    let show = |lines: &[prices::Line]| {
        for l in lines.iter().filter(|l| l.quantity > 0.0) {
            println!(
                "    {:<30}{:>14.1} {:<12}${:.4}",
                l.what, l.quantity, l.unit, l.dollars
            );
        }
    };
    println!("    the organisation's month (its requests, and the scheduled runs' work beyond an idle run):");
    show(&org);
    println!(
        "    {:<57}${:.2}",
        "the organisation's month",
        prices::total(&org)
    );
    println!(
        "    the idle deployment's month (fixed resources, every scheduled run finding nothing):"
    );
    show(&fixed);
    show(&deployment);
    println!(
        "    {:<57}${:.2}",
        "the idle deployment's month",
        prices::total(&fixed) + prices::total(&deployment)
    );
    println!("    (Lambda's billed duration is the local run's, against moto and the sandbox on loopback; on AWS each DynamoDB and Lark round trip adds to it. DynamoDB units are counted per item touched at 1 KB written, 4 KB read; storage, PITR and the connection minutes of open chat sockets are not counted)");
    Ok(())
}

async fn report(
    sim: &Sim,
    chatty: bool,
    seed: u64,
    idle: &HashMap<&str, u64>,
    wall: std::time::Duration,
) -> Result<bool, Box<dyn std::error::Error>> {
    let month = budget::month_of(sim.start);
    let calls = sim.t.sandbox_get("/_sandbox/calls").await;
    let calls = calls["calls"].as_array().cloned().unwrap_or_default();
    let in_month = |c: &&Value| {
        let at = c["at"].as_f64().unwrap_or(0.0) as Epoch;
        c["status"] == 200 && at >= sim.start && at < sim.end
    };
    let counted = ["message", "cardkit", "tenant", "application"];
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut provider_calls = 0;
    for c in calls.iter().filter(in_month) {
        let kind = c["kind"].as_str().unwrap_or_default();
        if !counted.contains(&kind) {
            continue;
        }
        if c["app_id"] == CUSTOMER_APP_ID {
            *by_kind.entry(kind.to_owned()).or_default() += 1;
        } else if c["app_id"] == PROVIDER_APP_ID {
            provider_calls += 1;
        }
    }
    let usage = sim.t.sandbox_get("/_sandbox/usage").await;
    let lark_count = usage["usage"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["tenant_key"] == "tk_acme" && u["month"] == month.as_str())
        .and_then(|u| u["calls"].as_u64())
        .unwrap_or(0);

    // What each person got: a card is one notification, a digest says how many it carries.
    let messages = sim
        .t
        .sandbox_get(&format!("/_sandbox/messages?app_id={CUSTOMER_APP_ID}"))
        .await;
    let messages = messages["messages"].as_array().cloned().unwrap_or_default();
    let mut got: HashMap<String, usize> = HashMap::new();
    let mut times: HashMap<String, Vec<f64>> = HashMap::new();
    for m in &messages {
        let who = m["recipient"].as_str().unwrap_or_default().to_owned();
        let title = m["content"]["header"]["title"]["content"]
            .as_str()
            .unwrap_or_default();
        let items = title
            .strip_suffix(" updates while you were away")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        *got.entry(who.clone()).or_default() += items;
        // The emergency's own messages bypass the window by design (design.md §4).
        if !title.contains("emergency") {
            times
                .entry(who)
                .or_default()
                .push(m["at"].as_f64().unwrap_or_default());
        }
    }
    let (mut lost, mut duplicated) = (0, 0);
    let mentioned_people = if chatty { PEOPLE } else { PEOPLE - OPENERS };
    for i in 0..mentioned_people {
        let want = sim.mentioned[i];
        let have = got.get(&sim.people[i].0).copied().unwrap_or(0);
        lost += want.saturating_sub(have);
        duplicated += have.saturating_sub(want);
    }
    let openers_got: usize = (mentioned_people..PEOPLE)
        .map(|i| got.get(&sim.people[i].0).copied().unwrap_or(0))
        .sum();
    let mut most_in_ten = 0;
    for (who, t) in times.iter_mut() {
        t.sort_by(|a, b| a.total_cmp(b));
        for i in 0..t.len() {
            let n = t[i..].iter().take_while(|x| **x < t[i] + 600.0).count();
            if n > 1 {
                let titles: Vec<&str> = messages
                    .iter()
                    .filter(|m| m["recipient"] == who.as_str())
                    .filter(|m| (t[i]..t[i] + 600.0).contains(&m["at"].as_f64().unwrap_or(0.0)))
                    .filter_map(|m| m["content"]["header"]["title"]["content"].as_str())
                    .collect();
                println!("  {n} DMs to {who} within 10 minutes: {titles:?}");
            }
            most_in_ten = most_in_ten.max(n);
        }
    }
    let sent_in_month = messages
        .iter()
        .filter(|m| {
            let at = m["at"].as_f64().unwrap_or(0.0) as Epoch;
            at >= sim.start && at < sim.end
        })
        .count();

    let acme: usize = by_kind.values().sum();
    let name = if chatty {
        "the chatty organisation (the notifier benchmark's day, every day)"
    } else {
        "the standard organisation (200 people, 50 tickets, 2,000 mentions in working hours)"
    };
    println!("tamlink month benchmark: {name}, {month}, seed {seed}");
    for (what, n) in &sim.counts {
        println!("  {what:<38}{n}");
    }
    if !sim.refused.is_empty() {
        println!(
            "  refused                               {}",
            sim.refused.len()
        );
        for r in sim.refused.iter().take(5) {
            println!("    {r}");
        }
    }
    println!("  DMs to Acme's people in the month     {sent_in_month} (and {} after it: what waited for the 1st)", messages.len() - sent_in_month);
    if !chatty {
        println!("  notifications to the {OPENERS} ticket openers {openers_got} (ticket replies, status and survey cards)");
    }
    println!(
        "  Lark calls counted for Acme's tenant  {acme} of the free plan's 10,000 ({:.1} %); Lark's own count {lark_count}",
        acme as f64 / 100.0
    );
    // What the budget saw: it must be what Lark counted, or the window widens too late.
    let ours = sim
        .t
        .stack
        .ctx
        .store
        .calls_this_month(&customer(), &month)
        .await?;
    println!(
        "  tamlink's own count for Acme's app    {ours}  (must equal Lark's: what the budget decides on)"
    );
    println!(
        "    by kind                             {}",
        by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !chatty {
        println!(
            "    goal <= 2,500 (a quarter of the quota): {}",
            if acme <= 2500 { "met" } else { "NOT met" }
        );
    }
    println!("  the provider's app (staff's cards)    {provider_calls} calls (the provider's tenant, not Acme's)");
    let widened: Vec<String> = sim
        .steps
        .iter()
        .skip(1)
        .map(|(day, step)| format!("{}: {}", date(*day), window(*step)))
        .collect();
    println!(
        "  days the DM window widened            {}",
        if widened.is_empty() {
            "none (10 minutes all month)".to_owned()
        } else {
            widened.join("; ")
        }
    );
    println!("  lost notifications                    {lost}  (must be 0)");
    println!("  duplicated notifications              {duplicated}  (must be 0)");
    println!("  most DMs to one person in 10 minutes  {most_in_ten}  (must be 1; the emergency's own cards excepted)");
    let minutes = (sim.end - sim.start) / MINUTE;
    let mut idle_total = 0;
    for (function, every) in JOBS {
        let runs = (sim.end - sim.start) / every;
        let ran = sim.job_runs.get(function).copied().unwrap_or(0) as i64;
        idle_total += (runs - ran).max(0) as u64 * idle[function];
    }
    let dynamodb = sim.measured.dynamodb_total();
    println!(
        "  DynamoDB requests                     {} ({dynamodb} measured + {idle_total} for the scheduled runs skipped as idle, {} a run)",
        dynamodb + idle_total,
        JOBS.iter().map(|(f, _)| format!("{} {}", f.trim_end_matches("Function"), idle[f])).collect::<Vec<_>>().join(", ")
    );
    println!(
        "    by operation                        {}",
        sim.measured
            .dynamodb
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  SQS requests                          {} ({})",
        sim.measured.sqs_total(),
        sim.measured
            .sqs
            .iter()
            .filter(|(op, _)| !op.contains("empty") && *op != "GetQueueAttributes")
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("    (empty receives are not counted: an event source mapping's long polls cost the same whatever the load)");
    println!(
        "  simulated minutes visited             {} of {minutes}",
        sim.job_runs
            .get("DigestSweepFunction")
            .copied()
            .unwrap_or(0)
    );
    println!(
        "  wall time                             {:.0} s",
        wall.as_secs_f64()
    );
    Ok(lost > 0
        || duplicated > 0
        || ours != acme as i64
        || most_in_ten > 1
        || !sim.refused.is_empty()
        || (!chatty && acme > 2500))
}
