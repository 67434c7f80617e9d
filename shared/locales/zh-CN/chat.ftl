# tamlink 写入群聊的系统消息。以事件形式保存，按每位读者的语言显示。

line-left = { $who } 退出了群组。
line-removed = { $who } 将 { $member } 移出了群组。
line-joined-by-link = { $who } 通过 { $inviter } 的邀请链接加入了群组。
line-moved = { $who } 将工单 #{ $number } 从“{ $from ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”改为“{ $to ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”。
line-opened = { $who } 创建了工单 #{ $number }（{ $severity ->
    [sev1] S1 · 紧急
    [sev2] S2 · 高
    [sev3] S3 · 普通
   *[sev4] S4 · 低
}）：{ $title }。{ $taken ->
    [engineer] { $holder } 正在处理。
   *[tam] 目前没有值班工程师，由 { $holder }（你的 TAM）暂时负责。
}
line-opened-announced = { $who } 创建了工单 #{ $number }：{ $title }。{ $taken ->
    [engineer] { $holder } 正在处理。
   *[tam] 目前没有值班工程师，由 { $holder }（你的 TAM）暂时负责。
}
line-emergency = { $who } 为工单 #{ $number } 宣布了紧急事件：{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}。已升级为 S1 · 紧急，正在呼叫 { $paged }。
line-acknowledged = { $who } 在 { $minutes } 分钟后确认了工单 #{ $number } 的紧急事件。
line-reminder = { $who } 对工单 #{ $number } 发出了第 { $nth } 次催办，已通知 { $notified }。
line-reassigned = { $who } 将工单 #{ $number } 从 { $from } 转交给 { $to }。
