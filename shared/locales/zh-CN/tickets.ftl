# 工单：严重级别、状态、流转、SLA、紧急事件、评分及其拒绝说明。

severity-sev1 = S1 · 紧急
    .describe = S1 · 紧急：业务中断或数据面临风险
severity-sev2 = S2 · 高
    .describe = S2 · 高：主要功能受损，且没有变通办法
severity-sev3 = S3 · 普通
    .describe = S3 · 普通：功能受损，但有变通办法
severity-sev4 = S4 · 低
    .describe = S4 · 低：咨询或小问题

status-open = 待处理
status-assigned = 已分派
status-in-progress = 处理中
status-waiting-on-customer = 等待客户回复
status-resolved = 已解决
status-closed = 已关闭

move-reopen = 重新打开
move-back-to-team = 交回服务团队
move-start-work = 开始处理
move-wait-for-customer = 等待客户回复
move-resolve = 标记为已解决
move-close = 关闭工单

ticket-already = 工单已经是“{ $status ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”状态。
ticket-cannot-go = 工单不能从“{ $from ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”变为“{ $to ->
    [open] 待处理
    [assigned] 已分派
    [in_progress] 处理中
    [waiting_on_customer] 等待客户回复
    [resolved] 已解决
   *[closed] 已关闭
}”。
ticket-you-cannot-move = 你无法将工单从“{ $from ->
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

sla-target-range = { $kind ->
    [resolution] 解决时限目标
   *[first_response] 首次响应目标
}必须在 1 分钟到 { $days } 天之间。
sla-target-order = 更严重级别的{ $kind ->
    [resolution] 解决时限目标
   *[first_response] 首次响应目标
}不能比较低级别的更晚。

emergency-reason = { $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}

rating-comment-long = 评价内容最多 { $max } 个字符。
rating-comment-one-line = 评价内容只能是一行，且不能包含控制字符。
ticket-title-long = 标题最多 { $max } 个字符。
ticket-title-missing = 请为工单填写标题。
ticket-title-one-line = 标题只能是一行，且不能包含控制字符。
ticket-description-long = 描述最多 { $max } 个字符。
ticket-description-control = 描述中包含控制字符。
ticket-closed-emergency = 工单 #{ $number } 已{ $status ->
    [resolved] 解决
   *[other] 关闭
}；如有新的紧急情况，请新建工单。
ticket-closed-reminder = 工单 #{ $number } 已{ $status ->
    [resolved] 解决
   *[other] 关闭
}；如果问题再次出现，请重新打开它。
sla-met = 已按时首次响应
sla-late = 首次响应已超时
sla-closed-unanswered = 未响应即关闭
sla-overdue = 响应已超时 { $hours ->
    [0] { $minutes } 分钟
   *[other] { $hours } 小时 { $minutes } 分钟
}
sla-due-hours = 需在 { $hours } 小时 { $minutes } 分钟内响应
sla-due-minutes = 需在 { $minutes } 分钟内响应
reminder-again-in = { $minutes ->
    [0] 现在
   *[other] { $minutes } 分钟后
}
ticket-closed-reassign = 工单 #{ $number } 已{ $status ->
    [resolved] 解决
   *[other] 关闭
}；请先重新打开再转交。
resolution-due-hours = 需在 { $hours } 小时 { $minutes } 分钟内解决
resolution-due-minutes = 需在 { $minutes } 分钟内解决
resolution-overdue = 解决已超时 { $hours ->
    [0] { $minutes } 分钟
   *[other] { $hours } 小时 { $minutes } 分钟
}
resolution-paused = 等待客户回复期间，解决时限暂停计时
resolution-met = 已按时解决
resolution-late = 解决超时
audit-with-changes = { $what }（{ $changes }）
audit-ticket-created = { $who } 创建了工单
audit-ticket-moved = { $who } 更改了状态
audit-ticket-reassigned = { $who } 转交了工单
audit-ticket-reminded = { $who } 催办了团队
audit-emergency-declared = { $who } 宣布了紧急事件
audit-emergency-acknowledged = { $who } 确认了紧急事件
audit-ticket-rated = { $who } 进行了评分
audit-title = 历史记录
audit-settings-changed = { $who } 修改了组织设置
audit-plan-changed = { $who } 修改了套餐
audit-signed-in = { $who } 登录了
audit-joined = { $who } 加入了服务群
audit-left = { $who } 退出了一个群
audit-removed = { $who } 将某人移出了一个群
audit-link-made = { $who } 创建了邀请链接
audit-link-revoked = { $who } 撤销了邀请链接
audit-link-used = { $who } 通过邀请链接加入
audit-registered = { $who } 注册了该组织
audit-activated = { $who } 激活了该组织
audit-callback-keys-changed = { $who } 设置了应用的回调密钥
audit-tenant-changed = { $who } 的重新检查发现应用的租户已变更
audit-signed-out-everywhere = { $who } 在所有设备上退出了登录
audit-sessions-ended = { $who } 结束了某人的会话
audit-duty-changed = { $who } 切换了值班状态
