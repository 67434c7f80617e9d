# Cards and notifications: what people are told in Lark, in their language.

note-mentioned = { $who } mentioned you in { $group }
note-mentioned-someone = Someone mentioned you in { $group }
note-assigned = { $severity ->
    [sev1] S1 · Critical
    [sev2] S2 · High
    [sev3] S3 · Normal
   *[sev4] S4 · Low
} #{ $number } assigned to you: { $title }
note-opened = Ticket #{ $number } opened: { $who } is on it
note-opened-tam = Ticket #{ $number } opened: your TAM is on it
note-moved = #{ $number } { $title }: { $from ->
    [open] Open
    [assigned] Assigned
    [in_progress] In progress
    [waiting_on_customer] Waiting on customer
    [resolved] Resolved
   *[closed] Closed
} → { $to ->
    [open] Open
    [assigned] Assigned
    [in_progress] In progress
    [waiting_on_customer] Waiting on customer
    [resolved] Resolved
   *[closed] Closed
}
note-moved-by = { $who } moved it to { $to ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on customer
    [resolved] resolved
   *[closed] closed
}.
note-replied = { $who } replied on #{ $number }: { $title }
note-emergency = EMERGENCY on #{ $number }: { $title } ({ $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] business outage
})
note-emergency-again = EMERGENCY on #{ $number } still not acknowledged (page { $page })
note-emergency-excerpt = { $who } reports { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] a business outage
} at { $org }. Acknowledge it in the staff console.
note-emergency-acknowledged = Emergency on #{ $number } acknowledged
note-pages-stopped = { $who } acknowledged it after { $minutes } min. The pages stopped.
note-on-your-emergency = { $who } is on your emergency (#{ $number })
note-acknowledged-after = { $who } acknowledged it after { $minutes } min.
note-reminder = Reminder { $nth } on #{ $number }: { $title }
note-reminder-excerpt = { $who } is waiting for an answer ({ $severity ->
    [sev1] S1 · Critical
    [sev2] S2 · High
    [sev3] S3 · Normal
   *[sev4] S4 · Low
}, { $status ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on customer
    [resolved] resolved
   *[closed] closed
}).
note-sla-breached = SLA breached on #{ $number }: { $title }
note-sla-soon = First response due soon on #{ $number }: { $title }
note-sla-excerpt-soon = { $severity ->
    [sev1] S1 · Critical
    [sev2] S2 · High
    [sev3] S3 · Normal
   *[sev4] S4 · Low
} — first response due in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
note-sla-excerpt-late = { $severity ->
    [sev1] S1 · Critical
    [sev2] S2 · High
    [sev3] S3 · Normal
   *[sev4] S4 · Low
} — the first response is { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
} late.
oncall-title = EMERGENCY · { $org } · #{ $number } { $title }
oncall-title-again = STILL UNACKNOWLEDGED (page { $page }) · { $org } · #{ $number }
oncall-text = { $who } reports { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] a business outage
}. Assignee: { $assignee }. Acknowledge in the staff console.
oncall-text-unassigned = { $who } reports { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] a business outage
}. Nobody is assigned yet. Acknowledge in the staff console.
oncall-title-escalated = NOBODY ACKNOWLEDGED ({ $pages } pages) · { $org } · #{ $number }
oncall-text-escalated = { $text } The pages have stopped: whoever is on call, take it now.
oncall-text-others = { $text } Also unacknowledged for this organisation: { $others }.
budget-spent = { $org }'s { $product } API share for { $month } is spent
budget-spent-excerpt = Notifications to this organisation now wait until the 1st and arrive as one digest; emergency pages still go out. Raise the share or record a paid plan in the staff console.
budget-75 = { $org } has used 75% of its { $product } API share for { $month }
budget-75-excerpt = { $calls } calls this month. Notifications now wait up to 2 hours and arrive as digests, to make the rest last.
card-open = Open in tamlink
card-open-ticket = Open the ticket
card-open-latest = Open the latest
card-acknowledge = Acknowledge
card-resolve = Resolve
card-remind = Remind the team
card-rating-comment = A comment for the team (optional)
card-oncall = tamlink on-call
card-quote = “{ $text }”
card-digest-line = • { $context } — { $title }: { $excerpt }
card-digest-more = …and { $count } more. Open tamlink to see everything.
card-digest-title = { $count ->
    [one] { $count } update while you were away
   *[other] { $count } updates while you were away
}
toast-legacy = This card uses Lark's old callback format, which tamlink does not answer. Open tamlink from the card instead.
toast-already-done = Already done.
toast-unknown-person = tamlink does not know you through this app. Open tamlink from the card once to sign in.
toast-not-your-card = This button was not sent to you: act from your own card, or in tamlink.
toast-unknown-button = This button is not one tamlink knows.
toast-acknowledged = Acknowledged. The pages for #{ $number } stop.
toast-moved = #{ $number } is now { $status ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on customer
    [resolved] resolved
   *[closed] closed
}.
toast-reminded = The team was reminded about #{ $number }.
toast-rated = Thanks for rating #{ $number }: { $score }/5.
card-reminded = { $who } sent reminder { $nth } to the team.
card-rated = { $who } rated the support { $score }/5. Thank you.
note-reassigned-to-you = { $who } handed you #{ $number }: { $title }
note-reassigned-away = #{ $number } { $title } is now with { $to }
note-resolution-soon = Resolution due within the hour on #{ $number }: { $title }
note-resolution-breached = Resolution SLA breached on #{ $number }: { $title }
note-asks-to-join = { $who } asks to join #{ $number } { $title }
note-asks-to-join-excerpt = Add { $who } with Add People in the ticket's group, if they should follow it.
