//! InvitationExpiryFunction: wiring only; the job lives in `tamlink::invitations::expire_due`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tamlink::runtime::serve_job(&tamlink::jobs::INVITATION_EXPIRY).await
}
