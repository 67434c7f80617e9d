# Lines tamlink writes into a group's chat. Stored as events, shown in each reader's language.

line-left = { $who } left the group.
line-removed = { $who } removed { $member } from the group.
line-joined-by-link = { $who } joined with { $inviter }'s invitation link.
line-moved = { $who } moved #{ $number } from { $from ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on customer
    [resolved] resolved
   *[closed] closed
} to { $to ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on customer
    [resolved] resolved
   *[closed] closed
}.
line-opened = { $who } opened #{ $number } ({ $severity ->
    [sev1] S1 · Critical
    [sev2] S2 · High
    [sev3] S3 · Normal
   *[sev4] S4 · Low
}): { $title }. { $taken ->
    [engineer] { $holder } is on it.
   *[tam] No engineer is on duty, so { $holder } (your TAM) holds it for now.
}
line-opened-announced = { $who } opened ticket #{ $number }: { $title }. { $taken ->
    [engineer] { $holder } is on it.
   *[tam] No engineer is on duty, so { $holder } (your TAM) holds it for now.
}
line-emergency = { $who } declared an EMERGENCY on #{ $number }: { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] business outage
}. Now S1 · Critical. Paging { $paged }.
line-acknowledged = { $who } acknowledged the emergency on #{ $number } after { $minutes } min.
line-reminder = { $who } sent reminder { $nth } on #{ $number }; { $notified } notified.
line-reassigned = { $who } handed #{ $number } from { $from } to { $to }.
