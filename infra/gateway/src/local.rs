//! The local stack: moto (DynamoDB, SQS, KMS) and the Lark sandbox as child processes on loopback,
//! the table, queues and key created from `template.yaml`, and the gateway in this process.
//! Dropping the stack stops everything it started.

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::stack::{self, LocalResources};
use tamlink::clock::Clock;
use tamlink::config::Settings;
use tamlink::context::{aws_sdk_config, AppContext};
use tamlink::ids::AppId;
use tokio::process::{Child, Command};

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("{0}")]
    Setup(String),
    #[error("{what} did not start within {secs}s; see {log}")]
    Timeout {
        what: &'static str,
        secs: u64,
        log: String,
    },
}

pub const PROVIDER_APP_ID: &str = "cli_nimbusprovider01";

/// The repository root (where `.venv`, `infra/` and `template.yaml` live).
pub fn repo_root() -> PathBuf {
    std::env::var_os("TAMLINK_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .canonicalize()
                .expect("repo root")
        })
}

#[derive(Clone)]
pub struct Options {
    /// 0 picks free ports.
    pub gateway_port: u16,
    pub moto_port: u16,
    pub sandbox_port: u16,
    pub clock: Arc<dyn Clock>,
    pub seed: PathBuf,
    pub log_dir: PathBuf,
    /// Run the template's schedules, at most this far apart; `None` leaves them to the caller
    /// (`LocalStack::run_job`), which is what tests with a manual clock want.
    pub schedules: Option<Duration>,
    /// Poll the notification queue and run the notifier, as the SQS event source does in AWS.
    /// Off in tests, which drive the notifier themselves (`LocalStack::deliver`).
    pub notifier: bool,
    /// Run the chat push on the table's stream, as its event source mapping does in AWS. Off in
    /// tests that count DynamoDB requests (a push would count in the measured window); the
    /// stream is read either way, so moto forgets the records.
    pub pushes: bool,
    /// The notifier's first retry delay (tests: 0, so a retry needs no waiting).
    pub retry_base_seconds: u64,
}

impl Options {
    pub fn ephemeral(clock: Arc<dyn Clock>) -> Self {
        let root = repo_root();
        Self {
            gateway_port: 0,
            moto_port: 0,
            sandbox_port: 0,
            clock,
            seed: root.join("infra/sandbox/seed.json"),
            log_dir: root.join("target/stack-logs"),
            schedules: None,
            notifier: false,
            pushes: false,
            retry_base_seconds: 0,
        }
    }
}

pub struct LocalStack {
    pub ctx: Arc<AppContext>,
    pub base_url: String,
    /// The sandbox's Lark listener (also where its `/_sandbox/…` pages are read).
    pub sandbox_url: String,
    /// The same sandbox's Feishu listener: calls for Feishu organisations go here.
    pub feishu_url: String,
    pub moto_url: String,
    pub resources: LocalResources,
    /// The local WebSocket API: its open connections.
    pub sockets: Arc<crate::sockets::Hub>,
    children: Vec<Child>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        crate::iam::save_usage();
        for task in &self.tasks {
            task.abort();
        }
        for child in &mut self.children {
            let _ = child.start_kill();
        }
    }
}

fn free_port() -> Result<u16, StackError> {
    let l = StdListener::bind("127.0.0.1:0")
        .map_err(|e| StackError::Setup(format!("no free port: {e}")))?;
    Ok(l.local_addr()
        .map_err(|e| StackError::Setup(e.to_string()))?
        .port())
}

/// A fixed port must be free now: otherwise a stale process from an earlier run would answer in
/// place of the one about to start.
fn pick(port: u16) -> Result<u16, StackError> {
    if port == 0 {
        return free_port();
    }
    StdListener::bind(("127.0.0.1", port))
        .map(|_| port)
        .map_err(|e| {
            StackError::Setup(format!(
                "port {port} is in use ({e}); stop what holds it or choose another port"
            ))
        })
}

pub fn python() -> PathBuf {
    std::env::var_os("TAMLINK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"))
}

fn spawn(
    what: &str,
    args: &[String],
    log_dir: &Path,
    port: u16,
) -> Result<(Child, PathBuf), StackError> {
    std::fs::create_dir_all(log_dir).map_err(|e| StackError::Setup(format!("log dir: {e}")))?;
    let log = log_dir.join(format!("{what}-{port}.log"));
    let file =
        std::fs::File::create(&log).map_err(|e| StackError::Setup(format!("log file: {e}")))?;
    let err = file
        .try_clone()
        .map_err(|e| StackError::Setup(e.to_string()))?;
    let py = python();
    if !py.exists() {
        return Err(StackError::Setup(format!(
            "{} not found: run `make setup` (or ./run setup) first",
            py.display()
        )));
    }
    let child = Command::new(py)
        .args(args)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| StackError::Setup(format!("starting {what}: {e}")))?;
    Ok((child, log))
}

async fn wait_http(
    what: &'static str,
    url: &str,
    log: &Path,
    child: &mut Child,
) -> Result<(), StackError> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let limit = Duration::from_secs(60);
    while started.elapsed() < limit {
        if client.get(url).send().await.is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(StackError::Setup(format!(
                "{what} exited ({status}); see {}",
                log.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(StackError::Timeout {
        what,
        secs: limit.as_secs(),
        log: log.display().to_string(),
    })
}

impl LocalStack {
    pub async fn start(opts: Options) -> Result<Self, StackError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.gateway_port))
            .await
            .map_err(|e| StackError::Setup(format!("gateway port {}: {e}", opts.gateway_port)))?;
        let gateway_port = listener
            .local_addr()
            .map_err(|e| StackError::Setup(e.to_string()))?
            .port();
        let base_url = format!("http://127.0.0.1:{gateway_port}");
        let (moto_port, sandbox_port) = (pick(opts.moto_port)?, pick(opts.sandbox_port)?);
        // Feishu's listener sits next to Lark's when the port is fixed (the dev stack's URLs stay
        // the same from run to run).
        let feishu_port = pick(if opts.sandbox_port == 0 {
            0
        } else {
            opts.sandbox_port + 1
        })?;
        let moto_url = format!("http://127.0.0.1:{moto_port}");
        let sandbox_url = format!("http://127.0.0.1:{sandbox_port}");
        let feishu_url = format!("http://127.0.0.1:{feishu_port}");

        let moto_script = repo_root().join("infra/moto_server.py");
        let moto_args = [
            moto_script.display().to_string(),
            "-H".into(),
            "127.0.0.1".into(),
            "-p".into(),
            moto_port.to_string(),
        ];
        let (mut moto, moto_log) = spawn("moto", &moto_args, &opts.log_dir, moto_port)?;
        let sandbox_script = repo_root().join("infra/sandbox/lark_sandbox.py");
        let sandbox_args = [
            sandbox_script.display().to_string(),
            "--port".into(),
            sandbox_port.to_string(),
            "--feishu-port".into(),
            feishu_port.to_string(),
            "--seed".into(),
            opts.seed.display().to_string(),
            "--base-url".into(),
            base_url.clone(),
        ];
        let (mut sandbox, sandbox_log) =
            spawn("lark-sandbox", &sandbox_args, &opts.log_dir, sandbox_port)?;
        wait_http(
            "moto",
            &format!("{moto_url}/moto-api/"),
            &moto_log,
            &mut moto,
        )
        .await?;
        wait_http(
            "lark sandbox",
            &format!("{sandbox_url}/_sandbox/apps"),
            &sandbox_log,
            &mut sandbox,
        )
        .await?;

        let mut settings = Settings {
            base_url: base_url.clone(),
            lark_endpoints: tamlink::lark::Endpoints::local(&sandbox_url, &feishu_url),
            table_name: String::new(),
            queue_url: String::new(),
            page_queue_url: String::new(),
            kms_key_id: String::new(),
            aws_endpoint_url: Some(moto_url.clone()),
            aws_region: "us-east-1".into(),
            signing_key_secret: None,
            provider_app_id: AppId::parse(PROVIDER_APP_ID).expect("the sandbox's provider App ID"),
            retry_base_seconds: opts.retry_base_seconds,
            oncall_secret: None,
            socket_url: Some(format!(
                "ws://127.0.0.1:{gateway_port}{}",
                crate::sockets::PATH
            )),
            socket_endpoint: Some(format!("{base_url}{}", crate::sockets::PATH)),
        };
        let aws = aws_sdk_config(&settings);
        let resources = stack::bootstrap(&aws, "tamlink")
            .await
            .map_err(|e| StackError::Setup(e.to_string()))?;
        // The sandbox's seeded on-call group bot (see infra/sandbox/seed.json), put into the
        // secret as an operator would after deploying.
        let oncall_arn = resources
            .secret_arn("OnCallWebhookSecret")
            .unwrap_or_default();
        aws_sdk_secretsmanager::Client::new(&aws)
            .put_secret_value()
            .secret_id(oncall_arn)
            .secret_string(
                serde_json::json!({
                    "url": format!("{sandbox_url}/open-apis/bot/v2/hook/oncall-nimbus"),
                    "secret": "sandbox-oncall-signing-secret",
                })
                .to_string(),
            )
            .send()
            .await
            .map_err(|e| StackError::Setup(format!("on-call secret: {e}")))?;
        settings.table_name = resources.table_name.clone();
        settings.queue_url = resources
            .queue_url("NotificationQueue")
            .unwrap_or_default()
            .to_owned();
        settings.page_queue_url = resources
            .queue_url("PageQueue")
            .unwrap_or_default()
            .to_owned();
        settings.kms_key_id = resources.kms_key_id.clone();
        settings.signing_key_secret = resources.secret_arn("SigningKeySecret").map(str::to_owned);
        settings.oncall_secret = Some(oncall_arn.to_owned());
        let enforcer =
            crate::iam::Enforcer::shared(resources.clone()).map_err(StackError::Setup)?;
        let ctx = Arc::new(
            AppContext::build(settings, opts.clock, Some(enforcer.clone()))
                .await
                .map_err(|e| StackError::Setup(e.to_string()))?,
        );
        let sockets = crate::sockets::Hub::from_template(ctx.clone()).map_err(StackError::Setup)?;
        let mut tasks = vec![
            crate::gateway::spawn(ctx.clone(), sockets.clone(), listener)
                .map_err(StackError::Setup)?,
        ];
        // The table's stream feeds the chat push, as its event source mapping does in AWS.
        let reader = crate::stream::StreamReader::open(&ctx, opts.pushes, enforcer)
            .await
            .map_err(StackError::Setup)?;
        tasks.push(crate::stream::spawn(ctx.clone(), reader));
        if opts.notifier {
            tasks.push(crate::poller::spawn(
                ctx.clone(),
                crate::poller::NOTIFICATIONS,
            ));
            tasks.push(crate::poller::spawn(ctx.clone(), crate::poller::PAGES));
        }
        if let Some(cap) = opts.schedules {
            tasks.extend(crate::scheduler::spawn(ctx.clone(), cap).map_err(StackError::Setup)?);
        }
        Ok(Self {
            ctx,
            base_url,
            sandbox_url,
            feishu_url,
            moto_url,
            resources,
            sockets,
            children: vec![moto, sandbox],
            tasks,
        })
    }

    /// Runs the pager and the notifier on everything on their queues, retries included, as the
    /// SQS event sources would; returns how many messages they handled.
    pub async fn deliver(&self) -> Result<usize, String> {
        crate::poller::drain(&self.ctx, Duration::from_secs(60)).await
    }

    /// Runs only the pager: what reaches people while the notifier has a backlog.
    pub async fn deliver_pages(&self) -> Result<usize, String> {
        crate::poller::drain_sources(&self.ctx, &[crate::poller::PAGES], Duration::from_secs(60))
            .await
    }

    /// Runs a scheduled function now, as its schedule would.
    pub async fn run_job(
        &self,
        function: &str,
    ) -> Result<serde_json::Value, tamlink::error::AppError> {
        let job = tamlink::jobs::by_function(function).ok_or_else(|| {
            tamlink::error::AppError::NotFound(format!("no job {function}").into())
        })?;
        crate::meter::invocation(
            job.function,
            crate::meter::Trigger::Schedule,
            (job.run)(&self.ctx),
        )
        .await
    }

    /// Environment for a process (the admin CLI) that should talk to this stack.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let s = &self.ctx.settings;
        vec![
            ("TAMLINK_BASE_URL", s.base_url.clone()),
            (
                "LARK_SANDBOX_URLS",
                format!(
                    "lark={},feishu={}",
                    s.lark_endpoints.lark.open, s.lark_endpoints.feishu.open
                ),
            ),
            ("TABLE_NAME", s.table_name.clone()),
            ("QUEUE_URL", s.queue_url.clone()),
            ("PAGE_QUEUE_URL", s.page_queue_url.clone()),
            ("KMS_KEY_ID", s.kms_key_id.clone()),
            ("AWS_ENDPOINT_URL", self.moto_url.clone()),
            ("AWS_REGION", s.aws_region.clone()),
            ("PROVIDER_APP_ID", s.provider_app_id.to_string()),
            (
                "SIGNING_KEY_SECRET_ARN",
                s.signing_key_secret.clone().unwrap_or_default(),
            ),
            (
                "ONCALL_SECRET_ARN",
                s.oncall_secret.clone().unwrap_or_default(),
            ),
        ]
    }
}
