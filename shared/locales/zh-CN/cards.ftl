# 卡片与通知：在飞书/Lark 中告诉大家的内容。

note-mentioned = { $who } 在 { $group } 中提到了你
note-mentioned-someone = 有人在 { $group } 中提到了你
note-assigned = { $severity ->
    [sev1] S1 · 紧急
    [sev2] S2 · 高
    [sev3] S3 · 普通
   *[sev4] S4 · 低
} 工单 #{ $number } 已分派给你：{ $title }
note-opened = 工单 #{ $number } 已创建：{ $who } 正在处理
note-opened-tam = 工单 #{ $number } 已创建：你的 TAM 正在处理
note-moved = #{ $number } { $title }：{ $from ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
} → { $to ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}
note-moved-by = { $who } 将其改为“{ $to ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”。
note-replied = { $who } 回复了工单 #{ $number }：{ $title }
note-emergency = 紧急事件：工单 #{ $number }：{ $title }（{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}）
note-emergency-again = 工单 #{ $number } 的紧急事件仍未确认（第 { $page } 次呼叫）
note-emergency-excerpt = { $org } 的 { $who } 报告了{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}。请在员工控制台中确认。
note-emergency-acknowledged = 工单 #{ $number } 的紧急事件已确认
note-pages-stopped = { $who } 在 { $minutes } 分钟后确认了该事件，呼叫已停止。
note-on-your-emergency = { $who } 正在处理你的紧急事件（#{ $number }）
note-acknowledged-after = { $who } 在 { $minutes } 分钟后确认了该事件。
note-reminder = 工单 #{ $number } 的第 { $nth } 次催办：{ $title }
note-reminder-excerpt = { $who } 正在等待回复（{ $severity ->
    [sev1] S1 · 紧急
    [sev2] S2 · 高
    [sev3] S3 · 普通
   *[sev4] S4 · 低
}，{ $status ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}）。
note-sla-breached = 工单 #{ $number } 已超出 SLA：{ $title }
note-sla-soon = 工单 #{ $number } 即将到达首次响应时限：{ $title }
note-sla-excerpt-soon = { $severity ->
    [sev1] S1 · 紧急
    [sev2] S2 · 高
    [sev3] S3 · 普通
   *[sev4] S4 · 低
} — 首次响应将在 { $minutes } 分钟后到期。
note-sla-excerpt-late = { $severity ->
    [sev1] S1 · 紧急
    [sev2] S2 · 高
    [sev3] S3 · 普通
   *[sev4] S4 · 低
} — 首次响应已超时 { $minutes } 分钟。
oncall-title = 紧急事件 · { $org } · #{ $number } { $title }
oncall-title-again = 仍未确认（第 { $page } 次呼叫）· { $org } · #{ $number }
oncall-text = { $who } 报告了{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}。处理人：{ $assignee }。请在员工控制台中确认。
oncall-text-unassigned = { $who } 报告了{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}。尚无处理人。请在员工控制台中确认。
oncall-title-escalated = 无人确认（已呼叫 { $pages } 次）· { $org } · #{ $number }
oncall-text-escalated = { $text } 呼叫已停止：请值班人员立即接手。
oncall-text-others = { $text } 该组织另有未确认的紧急事件：{ $others }。
budget-spent = { $org } 本月（{ $month }）的 { $product } API 配额已用完
budget-spent-excerpt = 发给该组织的通知将等到下月 1 日合并为一条摘要发送；紧急呼叫仍会照常发出。请在员工控制台中提高配额比例或登记付费版。
budget-75 = { $org } 已用掉本月（{ $month }）{ $product } API 配额的 75%
budget-75-excerpt = 本月可用 { $calls } 次调用。通知现在最多等待 2 小时并合并为摘要发送，以便余量够用。
card-open = 在 tamlink 中打开
card-open-ticket = 打开工单
card-open-latest = 打开最新一条
card-acknowledge = 确认
card-resolve = 解决
card-remind = 催办服务团队
card-rating-comment = 给团队留言（可选）
card-oncall = tamlink 值班
card-quote = “{ $text }”
card-digest-line = • { $context } — { $title }：{ $excerpt }
card-digest-more = …还有 { $count } 条。打开 tamlink 查看全部。
card-digest-title = 你离开期间有 { $count } 条更新
toast-legacy = 此卡片使用的是旧版回调格式，tamlink 不予处理。请从卡片打开 tamlink 操作。
toast-already-done = 已经处理过了。
toast-unknown-person = tamlink 无法通过此应用识别你。请先从卡片打开一次 tamlink 完成登录。
toast-not-your-card = 此按钮不是发给你的：请在你自己的卡片上或在 tamlink 中操作。
toast-unknown-button = tamlink 不认识这个按钮。
toast-acknowledged = 已确认。工单 #{ $number } 的呼叫将停止。
toast-moved = 工单 #{ $number } 现在是“{ $status ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”。
toast-reminded = 已就工单 #{ $number } 催办服务团队。
toast-rated = 感谢你为工单 #{ $number } 评分：{ $score }/5。
card-reminded = { $who } 向团队发出了第 { $nth } 次催办。
card-rated = { $who } 给本次支持打了 { $score }/5 分。谢谢！
note-reassigned-to-you = { $who } 把工单 #{ $number } 转交给了你：{ $title }
note-reassigned-away = 工单 #{ $number } { $title } 现由 { $to } 处理
note-resolution-soon = 工单 #{ $number } 将在一小时内到达解决时限：{ $title }
note-resolution-breached = 工单 #{ $number } 已超出解决 SLA：{ $title }
note-asks-to-join = { $who } 请求加入 #{ $number } { $title }
note-asks-to-join-excerpt = 如果 { $who } 需要跟进此工单，请在工单群中通过“添加成员”把对方加入。
