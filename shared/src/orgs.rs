//! Organisations: registering a Lark app (verified against Lark first), re-checking it, and
//! activating a customer (which binds its service group). Shared by the staff console's JSON
//! routes and the admin CLI.

use serde::Deserialize;

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::domain::brand::Brand;
use crate::domain::checklist::{self, CheckItem, LarkFacts};
use crate::domain::lark_app::TenantInfo;
use crate::domain::roles::StaffRole;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, GroupId, OpenId};
use crate::lark::{Credentials, LarkError};
use crate::secrets::Purpose;
use crate::store::{
    Group, GroupKind, JoinedVia, Member, Side, Staff, StoreError, Tenant, TenantKind, TenantStatus,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub org_name: String,
    pub app_id: String,
    pub app_secret: crate::config::SecretString,
    /// Lark or Feishu. Left out, tamlink finds it: the credentials go to Lark's token endpoint
    /// and, only if Lark does not know the app, to Feishu's (`detect_brand`).
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub brand: Option<crate::domain::brand::Brand>,
    /// The TAM's open_id in the provider app; defaults to the registering TAM.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub tam: Option<String>,
    /// Support engineers of the plan; defaults to every engineer.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub engineers: Option<Vec<String>>,
    /// The app's Events & Callbacks keys, so people can act from its cards (optional).
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub callback: Option<CallbackInput>,
}

/// The Encrypt Key (optional in Lark) and Verification Token from Events & Callbacks →
/// Encryption Strategy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackInput {
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub encrypt_key: Option<crate::config::SecretString>,
    pub verification_token: crate::config::SecretString,
}

/// Seals an app's callback keys for storage, after checking they look like keys.
pub async fn seal_callback_keys(
    ctx: &AppContext,
    app_id: &AppId,
    input: &CallbackInput,
) -> AppResult<crate::store::CallbackKeys> {
    // Lark's keys are printable ASCII words (no spaces): anything else was mis-copied.
    let ok = |s: &str| (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
    let token = input.verification_token.expose();
    let key = input.encrypt_key.as_ref().map(|k| k.expose());
    if !ok(token) || key.is_some_and(|k| !ok(k)) {
        return Err(AppError::BadRequest(
            crate::msg!("error-callback-keys").into(),
        ));
    }
    let encrypt_key_sealed = match key {
        Some(k) => Some(
            ctx.secrets
                .seal(Purpose::EncryptKey, app_id.as_str(), k)
                .await?,
        ),
        None => None,
    };
    Ok(crate::store::CallbackKeys {
        encrypt_key_sealed,
        verification_token_sealed: ctx
            .secrets
            .seal(Purpose::VerificationToken, app_id.as_str(), token)
            .await?,
    })
}

struct Validated {
    org_name: String,
    app_id: AppId,
    app_secret: String,
}

fn validate(reg: &Registration) -> AppResult<Validated> {
    let org_name = reg.org_name.trim();
    if org_name.is_empty() {
        return Err(AppError::BadRequest(
            crate::msg!("error-org-name-missing").into(),
        ));
    }
    if org_name.chars().count() > 100 {
        return Err(AppError::BadRequest(
            crate::msg!("error-org-name-long", max = 100).into(),
        ));
    }
    let app_id = AppId::parse(reg.app_id.trim())?;
    let secret = reg.app_secret.expose().trim();
    if secret.is_empty() || secret.len() > 128 || secret.chars().any(char::is_whitespace) {
        return Err(AppError::BadRequest(
            crate::msg!("error-app-secret-missing").into(),
        ));
    }
    Ok(Validated {
        org_name: org_name.to_owned(),
        app_id,
        app_secret: secret.to_owned(),
    })
}

/// What Lark says about an app, judged against the guide.
pub struct Verification {
    pub checklist: Vec<CheckItem>,
    pub tenant: Option<TenantInfo>,
    /// Calls Lark counts against the tenant's monthly quota (the successful introspection
    /// calls; token calls are free and failures are not counted).
    pub counted_calls: i64,
    /// The app's main language, where Lark said and it is one tamlink speaks.
    pub lang: Option<crate::i18n::Lang>,
}

/// A Lark call whose failure for missing permissions is itself a finding, not an error.
fn finding<T>(result: Result<T, LarkError>) -> AppResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e @ LarkError::Api { status, .. }) if status < 500 && status != 429 => {
            tracing::info!(error = %e, "lark refused an introspection call; reported in the checklist");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Which brand knows these credentials, asked of one brand at a time: Lark first (most
/// organisations), then Feishu only if Lark refused them. The secret thus reaches the other
/// brand in one token call at most, and only when the first one did not know the app.
pub async fn detect_brand(ctx: &AppContext, app_id: &AppId, secret: &str) -> AppResult<Brand> {
    let mut refusals = Vec::new();
    for brand in Brand::ALL {
        let creds = Credentials {
            app_id,
            app_secret: secret,
            brand,
        };
        match ctx.lark.prove_credentials(creds).await {
            Ok(_) => return Ok(brand),
            Err(e) if e.is_bad_credentials() => refusals.push(format!(
                "{} code {}",
                brand.product(),
                e.code().unwrap_or_default()
            )),
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unprocessable(
        crate::msg!("error-neither-brand", codes = refusals.join(", ")).into(),
    ))
}

pub async fn verify(
    ctx: &AppContext,
    creds: Credentials<'_>,
    typed_name: &str,
) -> AppResult<Verification> {
    ctx.lark.prove_credentials(creds).await.map_err(|e| {
        if e.is_bad_credentials() {
            AppError::Unprocessable(
                crate::msg!(
                    "error-brand-rejected",
                    product = creds.brand.product(),
                    code = e.code().unwrap_or_default(),
                    console = creds.brand.console_url("")
                )
                .into(),
            )
        } else {
            e.into()
        }
    })?;
    let grants = ctx.lark.scope_grants(creds).await?;
    let app = finding(ctx.lark.application(creds).await)?;
    let version = match app.as_ref().filter(|a| !a.online_version_id.is_empty()) {
        Some(a) => finding(ctx.lark.app_version(creds, &a.online_version_id).await)?,
        None => None,
    };
    let tenant = finding(ctx.lark.tenant(creds).await)?;
    let facts = LarkFacts {
        grants: &grants,
        app: app.as_ref(),
        version: version.as_ref(),
        tenant: tenant.as_ref(),
    };
    let checklist = checklist::evaluate(
        &facts,
        typed_name,
        &ctx.settings.base_url,
        creds.app_id,
        creds.brand,
    );
    let counted_calls = 1 + [app.is_some(), version.is_some(), tenant.is_some()]
        .iter()
        .filter(|ok| **ok)
        .count() as i64;
    Ok(Verification {
        checklist,
        tenant,
        counted_calls,
        lang: app
            .as_ref()
            .and_then(|a| crate::i18n::Lang::parse(&a.primary_language)),
    })
}

/// Puts a verification's Lark calls into the organisation's budget for this month.
async fn count_calls(ctx: &AppContext, app_id: &AppId, v: &Verification) -> AppResult<()> {
    let now = ctx.now();
    ctx.store
        .count_lark_calls(
            app_id,
            &crate::domain::budget::month_of(now),
            v.counted_calls,
            now,
        )
        .await?;
    Ok(())
}

fn apply_tenant_info(tenant: &mut Tenant, info: Option<TenantInfo>) {
    if let Some(info) = info {
        tenant.tenant_key = info.tenant_key;
        tenant.tenant_name = info.name;
        tenant.display_id = info.display_id;
        tenant.avatar = if info.avatar.avatar_240.is_empty() {
            info.avatar.avatar_origin
        } else {
            info.avatar.avatar_240
        };
    }
}

async fn register(
    ctx: &AppContext,
    reg: &Registration,
    kind: TenantKind,
    by: &str,
) -> AppResult<(Tenant, Validated)> {
    let v = validate(reg)?;
    if ctx.store.tenant(&v.app_id).await?.is_some() {
        return Err(AppError::Conflict(
            crate::msg!(
                "error-already-registered-recheck",
                app = v.app_id.to_string()
            )
            .into(),
        ));
    }
    let brand = match reg.brand {
        Some(brand) => brand,
        None => detect_brand(ctx, &v.app_id, &v.app_secret).await?,
    };
    let creds = Credentials {
        app_id: &v.app_id,
        app_secret: &v.app_secret,
        brand,
    };
    let verification = verify(ctx, creds, &v.org_name).await?;
    count_calls(ctx, &v.app_id, &verification).await?;
    let now = ctx.now();
    let lang = verification.lang;
    let mut tenant = Tenant {
        app_id: v.app_id.clone(),
        brand,
        kind,
        org_name: v.org_name.clone(),
        tenant_key: String::new(),
        tenant_name: String::new(),
        display_id: String::new(),
        avatar: String::new(),
        secret_sealed: ctx
            .secrets
            .seal(Purpose::AppSecret, v.app_id.as_str(), &v.app_secret)
            .await?,
        status: TenantStatus::Registered,
        tam: None,
        engineers: Vec::new(),
        checklist: verification.checklist,
        checked_at: now,
        created_at: now,
        created_by: by.to_owned(),
        service_group_id: None,
        auto_join: true,
        plan: Default::default(),
        ticket_seq: 0,
        last_assigned: None,
        sla: Default::default(),
        callback: match &reg.callback {
            Some(input) => Some(seal_callback_keys(ctx, &v.app_id, input).await?),
            None => None,
        },
        lang,
        csat: true,
        resolution: crate::domain::tickets::SlaTargets::resolution_default(),
        display_name: None,
        invite_only: false,
        products: Vec::new(),
        categories: Vec::new(),
    };
    apply_tenant_info(&mut tenant, verification.tenant);
    Ok((tenant, v))
}

fn conflict_if_exists(e: StoreError, app_id: &str) -> AppError {
    match e {
        StoreError::ConditionFailed => {
            AppError::Conflict(crate::msg!("error-already-registered", app = app_id).into())
        }
        other => other.into(),
    }
}

/// Registers the provider's own app (bootstrap, from the admin CLI).
pub async fn register_provider(ctx: &AppContext, reg: &Registration) -> AppResult<Tenant> {
    // The service team acknowledges emergencies and moves tickets from the provider app's cards:
    // those presses must come encrypted and signed, so its Encrypt Key is required (asked before
    // any call to Lark or KMS).
    if reg
        .callback
        .as_ref()
        .and_then(|c| c.encrypt_key.as_ref())
        .is_none()
    {
        return Err(AppError::BadRequest(
            crate::msg!("error-provider-encrypt-key").into(),
        ));
    }
    let (mut tenant, v) = register(ctx, reg, TenantKind::Provider, "admin-cli").await?;
    if v.app_id != ctx.settings.provider_app_id {
        return Err(AppError::BadRequest(
            crate::msg!(
                "error-provider-app",
                app = ctx.settings.provider_app_id.to_string()
            )
            .into(),
        ));
    }
    tenant.status = TenantStatus::Active;
    ctx.store
        .create_tenant(&tenant, None)
        .await
        .map_err(|e| conflict_if_exists(e, &tenant.app_id))?;
    Ok(tenant)
}

/// Registers a customer organisation on behalf of a staff member.
#[tracing::instrument(skip_all, fields(app_id = %reg.app_id, by = %by.open_id))]
pub async fn register_customer(
    ctx: &AppContext,
    reg: &Registration,
    by: &Staff,
) -> AppResult<Tenant> {
    let staff = ctx.store.all_staff(&ctx.settings.provider_app_id).await?;
    let tam = match &reg.tam {
        Some(open_id) => Some(staff_with_role(
            &staff,
            open_id,
            &[StaffRole::Tam, StaffRole::Manager, StaffRole::Admin],
        )?),
        None if by.role == StaffRole::Tam => Some(by.open_id.clone()),
        None => staff
            .iter()
            .find(|s| s.role == StaffRole::Tam)
            .map(|s| s.open_id.clone()),
    };
    let engineers = match &reg.engineers {
        Some(list) => list
            .iter()
            .map(|e| staff_with_role(&staff, e, &[StaffRole::Engineer]))
            .collect::<AppResult<_>>()?,
        None => staff
            .iter()
            .filter(|s| s.role == StaffRole::Engineer)
            .map(|s| s.open_id.clone())
            .collect(),
    };
    if reg.app_id.trim() == ctx.settings.provider_app_id {
        return Err(AppError::Unprocessable(crate::msg!("error-own-app").into()));
    }
    let (mut tenant, _) = register(ctx, reg, TenantKind::Customer, &by.open_id).await?;
    tenant.tam = tam;
    tenant.engineers = engineers;
    let audit = AuditEntry::new(
        &tenant.app_id,
        tenant.created_at,
        AuditActor::staff(&ctx.settings.provider_app_id, by),
        AuditKind::Registered,
    )
    .change("org_name", None, Some(tenant.org_name.clone()))
    .change("brand", None, Some(tenant.brand.as_str().to_owned()));
    ctx.store
        .create_tenant(&tenant, Some(&audit))
        .await
        .map_err(|e| conflict_if_exists(e, &tenant.app_id))?;
    tracing::info!(app_id = %tenant.app_id, by = %by.open_id, "customer registered");
    Ok(tenant)
}

fn staff_with_role(staff: &[Staff], open_id: &str, roles: &[StaffRole]) -> AppResult<OpenId> {
    staff
        .iter()
        .find(|s| s.open_id == open_id && roles.contains(&s.role))
        .map(|s| s.open_id.clone())
        .ok_or_else(|| {
            AppError::Unprocessable(crate::msg!("error-staff-role", who = open_id).into())
        })
}

pub async fn load(ctx: &AppContext, app_id: &AppId) -> AppResult<Tenant> {
    ctx.store.tenant(app_id).await?.ok_or_else(|| {
        AppError::NotFound(crate::msg!("error-org-unknown", app = app_id.to_string()).into())
    })
}

/// An organisation's credentials for a Lark call: its App ID, the opened secret, its brand.
pub fn credentials<'a>(tenant: &'a Tenant, secret: &'a str) -> Credentials<'a> {
    Credentials {
        app_id: &tenant.app_id,
        app_secret: secret,
        brand: tenant.brand,
    }
}

/// The tenant's App Secret, decrypted for a call to Lark. Never stored or logged in this form.
pub async fn app_secret(ctx: &AppContext, tenant: &Tenant) -> AppResult<String> {
    Ok(ctx
        .secrets
        .open(Purpose::AppSecret, &tenant.app_id, &tenant.secret_sealed)
        .await?)
}

/// Re-runs the checklist with the stored (decrypted) secret.
#[tracing::instrument(skip_all, fields(app_id = %app_id))]
/// A re-check by `by`; one that finds the app in another tenant (or the tenant renamed) says so
/// on the audit trail, in the same write.
pub async fn recheck(ctx: &AppContext, app_id: &AppId, by: AuditActor) -> AppResult<Tenant> {
    let mut tenant = load(ctx, app_id).await?;
    let secret = app_secret(ctx, &tenant).await?;
    let creds = credentials(&tenant, &secret);
    let verification = verify(ctx, creds, &tenant.org_name).await?;
    count_calls(ctx, &tenant.app_id, &verification).await?;
    let before = (tenant.tenant_key.clone(), tenant.tenant_name.clone());
    tenant.checklist = verification.checklist;
    tenant.checked_at = ctx.now();
    apply_tenant_info(&mut tenant, verification.tenant);
    let fields = [
        "checklist",
        "checked_at",
        "tenant_key",
        "tenant_name",
        "display_id",
        "avatar",
    ];
    let mut audit = AuditEntry::new(&tenant.app_id, ctx.now(), by, AuditKind::TenantChanged);
    if before.0 != tenant.tenant_key {
        audit = audit.change(
            "tenant_key",
            Some(before.0),
            Some(tenant.tenant_key.clone()),
        );
    }
    if before.1 != tenant.tenant_name {
        audit = audit.change(
            "tenant_name",
            Some(before.1),
            Some(tenant.tenant_name.clone()),
        );
    }
    if audit.changes.is_empty() {
        ctx.store.update_tenant(&tenant, &fields).await?;
    } else {
        ctx.store
            .update_tenant_audited(&tenant, &fields, &audit)
            .await?;
    }
    Ok(tenant)
}

/// Activates a customer: creates its service group with the TAM and the plan's engineers, in one
/// transaction with the tenant's new status.
#[tracing::instrument(skip_all, fields(app_id = %app_id, by = %by.open_id))]
pub async fn activate(ctx: &AppContext, app_id: &AppId, by: &Staff) -> AppResult<Tenant> {
    let mut tenant = load(ctx, app_id).await?;
    if tenant.kind != TenantKind::Customer {
        return Err(AppError::BadRequest(
            crate::msg!("error-only-customers-activated").into(),
        ));
    }
    if tenant.status == TenantStatus::Active {
        return Err(AppError::Conflict(
            crate::msg!("error-already-active", org = &tenant.org_name).into(),
        ));
    }
    if !checklist::all_blocking_passed(&tenant.checklist) {
        return Err(AppError::Unprocessable(
            crate::msg!("error-checklist-fails").into(),
        ));
    }
    let now = ctx.now();
    let group = Group {
        id: GroupId::generate(),
        app_id: tenant.app_id.clone(),
        kind: GroupKind::Service,
        // Named once, in the organisation's language (a name, like a typed one, stays as made).
        name: crate::msg!("service-group-name", org = &tenant.org_name)
            .in_lang(tenant.lang.unwrap_or_default()),
        msg_seq: 0,
        ticket: None,
        created_at: now,
    };
    let staff = ctx.store.all_staff(&ctx.settings.provider_app_id).await?;
    let members: Vec<Member> = staff
        .iter()
        .filter(|s| {
            tenant.tam.as_deref() == Some(s.open_id.as_str())
                || tenant.engineers.contains(&s.open_id)
        })
        .map(|s| Member {
            group_id: group.id.clone(),
            side: Side::Service,
            app_id: ctx.settings.provider_app_id.clone(),
            open_id: s.open_id.clone(),
            name: s.name.clone(),
            avatar: s.avatar.clone(),
            role: Some(s.role),
            added_by: by.open_id.to_string(),
            added_at: now,
            via: JoinedVia::Activation,
        })
        .collect();
    tenant.status = TenantStatus::Active;
    tenant.service_group_id = Some(group.id.clone());
    let audit = AuditEntry::new(
        &tenant.app_id,
        now,
        AuditActor::staff(&ctx.settings.provider_app_id, by),
        AuditKind::Activated,
    )
    .change("service_group", None, Some(group.name.clone()));
    ctx.store
        .activate_tenant(&tenant, &group, &members, &audit)
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => AppError::Conflict(
                crate::msg!("error-already-active", org = &tenant.org_name).into(),
            ),
            other => other.into(),
        })?;
    tracing::info!(app_id = %tenant.app_id, group = %group.id, members = members.len(), "customer activated");
    Ok(tenant)
}

/// Whether a staff member serves this organisation.
pub fn serves(staff: &Staff, tenant: &Tenant) -> bool {
    staff.role.sees_all_orgs()
        || tenant.tam.as_deref() == Some(staff.open_id.as_str())
        || tenant.engineers.contains(&staff.open_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_never_prints_its_app_secret() {
        let r: Registration = serde_json::from_str(
            r#"{"org_name":"Acme","app_id":"cli_a","app_secret":"the-app-secret"}"#,
        )
        .unwrap();
        assert!(!format!("{r:?}").contains("the-app-secret"));
        assert_eq!(r.app_secret.expose(), "the-app-secret");
    }

    fn reg(name: &str, app: &str, secret: &str) -> Registration {
        Registration {
            org_name: name.into(),
            app_id: app.into(),
            app_secret: crate::config::SecretString::new(secret),
            tam: None,
            callback: None,
            engineers: None,
            brand: None,
        }
    }

    #[test]
    fn registration_input_is_validated_with_readable_messages() {
        assert!(validate(&reg("Acme", "cli_abc", "s3cret")).is_ok());
        let cases = [
            (reg(" ", "cli_abc", "x"), "Organisation name is required."),
            (
                reg("Acme", "cli_abc", ""),
                "App Secret is required: copy it from Credentials & Basic Info.",
            ),
        ];
        for (r, msg) in cases {
            assert_eq!(validate(&r).err().unwrap().to_string(), msg);
        }
        assert!(validate(&reg("Acme", "not-an-app", "x")).is_err());
        assert!(validate(&reg(&"n".repeat(101), "cli_abc", "x")).is_err());
    }
}
