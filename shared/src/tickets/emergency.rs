//! Emergency: declaring one (S1 at once, urgent pages, the on-call post) and acknowledging it.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyInput {
    pub reason: rules::EmergencyReason,
    /// The customer confirms the business is affected (the button asks).
    pub confirm: bool,
}

/// Emergency (customers): the ticket goes to S1, the assignee, the TAM and the on-duty managers
/// are paged at once (outside their DM windows), the on-call channel hears of it, and the pages
/// repeat every 15 minutes until someone acknowledges.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn declare_emergency(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
    input: EmergencyInput,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            crate::msg!("error-emergency-customer").into(),
        ));
    }
    if !input.confirm {
        return Err(AppError::BadRequest(
            crate::msg!("error-emergency-confirm").into(),
        ));
    }
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(
            &ticket,
            msg!("ticket-closed-emergency", number = ticket.number, status = ticket.status.as_arg()),
        )?;
        if let Some(e) = &ticket.emergency {
            return Err(AppError::Conflict(match e.acknowledged_by.as_deref() { Some(by) => crate::msg!("error-emergency-exists-acked", number = ticket.number, who = &e.declared_by, by = by), None => crate::msg!("error-emergency-exists", number = ticket.number, who = &e.declared_by) }.into()));
        }
        let now = ctx.now();
        let everyone = rules::ReminderTier {
            assignee: true,
            tam: true,
            managers: true,
        };
        let paged = reminder_recipients(ctx, &ticket, &tenant, everyone).await?;
        let names: Vec<&str> = paged.iter().map(|r| r.name.as_str()).collect();
        let emergency = crate::store::Emergency {
            reason: input.reason,
            declared_by: actor.name.clone(),
            declared_at: now,
            previous_severity: ticket.severity,
            pages: 1,
            acknowledged_by: None,
            acknowledged_at: None,
        };
        let schedule = crate::store::PageSchedule {
            app_id: ticket.app_id.clone(),
            number: ticket.number,
            pages: 1,
            next_page_at: now + rules::REPAGE_AFTER,
        };
        // An emergency is S1: its first response is due by S1's target if that is sooner.
        let s1_due = now + tenant.sla.seconds(rules::Severity::Sev1);
        let tightened = (ticket.first_response_at.is_none() && s1_due < ticket.first_response_due)
            .then_some(s1_due);
        let line = ctx
            .store
            .next_line(
            &ticket.group_id,
            crate::msg!(
                "line-emergency",
                who = &actor.name,
                number = ticket.number,
                reason = input.reason.as_arg(),
                paged = names.join(", ")
            ),
            now,
        )
            .await?;
        match settle(ctx
            .store
            .declare_emergency(&crate::store::Declaration {
                ticket: &ticket,
                emergency: &emergency,
                schedule: &schedule,
                line: &line,
                due: tightened,
                audit: &audit_of(actor, &ticket.app_id, ticket.number, AuditKind::EmergencyDeclared, now)
                    .change("severity", Some(ticket.severity.as_arg().to_owned()), Some("sev1".into()))
                    .change("emergency", None, Some(input.reason.as_arg().to_owned())),
                counts: &[count_of(&ticket, now, crate::domain::report::Event::EmergencyDeclared)],
                now,
            })
            .await)? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                let mut declared = ticket.clone();
                declared.severity = Severity::Sev1;
                declared.emergency = Some(emergency);
                declared.updated_at = now;
                if let Some(due) = tightened {
                    declared.first_response_due = due;
                    declared.sla_warned = false;
                }
                notify::enqueue(
                    ctx,
                    &page_notifications(ctx, &tenant, &declared, input.reason, 1, paged),
                )
                .await?;
                notify::enqueue_oncall(ctx, &oncall_post(ctx, &tenant, &declared, input.reason, 1))
                    .await?;
                tracing::warn!(app_id = %ticket.app_id, number = ticket.number, reason = ?input.reason, "emergency declared");
                Ok(Attempt::Written(view(&declared, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}

/// A staff member serving the organisation acknowledges: the pages stop, and the customer hears.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn acknowledge(ctx: &AppContext, actor: &Actor, id: &TicketId) -> AppResult<TicketView> {
    if actor.staff.is_none() {
        return Err(AppError::Forbidden(crate::msg!("error-ack-service").into()));
    }
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        let Some(emergency) = ticket.emergency.clone() else {
            return Err(AppError::Conflict(
                crate::msg!("error-no-emergency", number = ticket.number).into(),
            ));
        };
        if let Some(by) = &emergency.acknowledged_by {
            return Err(AppError::Conflict(
                crate::msg!("error-already-acknowledged", who = by).into(),
            ));
        }
        let now = ctx.now();
        let minutes = (now - emergency.declared_at) / 60;
        let line = ctx
            .store
            .next_line(
                &ticket.group_id,
                crate::msg!(
                    "line-acknowledged",
                    who = &actor.name,
                    number = ticket.number,
                    minutes = minutes
                ),
                now,
            )
            .await?;
        match settle(
            ctx.store
                .acknowledge_emergency(
                    &ticket,
                    &actor.name,
                    &line,
                    &audit_of(
                        actor,
                        &ticket.app_id,
                        ticket.number,
                        AuditKind::EmergencyAcknowledged,
                        now,
                    ),
                    // Credited to whoever acknowledged it.
                    &[crate::store::Count {
                        org: &ticket.app_id,
                        staff: Some((&actor.open_id, &actor.name)),
                        at: now,
                        event: crate::domain::report::Event::Acknowledged {
                            after: now - emergency.declared_at,
                        },
                    }],
                    now,
                )
                .await,
        )? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                let mut acked = ticket.clone();
                if let Some(e) = acked.emergency.as_mut() {
                    e.acknowledged_by = Some(actor.name.clone());
                    e.acknowledged_at = Some(now);
                }
                let mut n = ticket_notification(
                    ctx,
                    &tenant.org_name,
                    &acked,
                    NotificationKind::TicketUpdated,
                    Recipient {
                        app_id: acked.created_by.app_id.clone(),
                        open_id: acked.created_by.open_id.clone(),
                        name: acked.created_by.name.clone(),
                    },
                    crate::msg!(
                        "note-on-your-emergency",
                        who = &actor.name,
                        number = acked.number
                    ),
                    "emergency-ack",
                );
                n.urgent = true;
                n.excerpt = crate::msg!(
                    "note-acknowledged-after",
                    who = &actor.name,
                    minutes = minutes
                )
                .into();
                // Everyone who was paged sees it on the page itself, every copy of every page.
                let everyone = rules::ReminderTier {
                    assignee: true,
                    tam: true,
                    managers: true,
                };
                let paged = reminder_recipients(ctx, &acked, &tenant, everyone).await?;
                let mut notes = vec![n];
                notes.extend(acknowledged_pages(
                    ctx,
                    &tenant,
                    &acked,
                    &actor.name,
                    minutes,
                    emergency.pages,
                    &paged,
                ));
                notify::enqueue(ctx, &notes).await?;
                Ok(Attempt::Written(view(&acked, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}
