# 错误：错误页的标题与拒绝的说明（JSON `message`、提示、页面）。

error-title-bad-request = 无法处理该请求
error-title-sign-in = 请先登录
error-title-forbidden = 你没有访问权限
error-title-not-found = 未找到
error-title-conflict = 已经处理过了
error-title-gone = 此链接已失效
error-title-too-soon = 暂时还不行
error-title-too-large = 内容过大
error-title-unavailable = 暂时无法使用

error-too-large = 请求内容超过 { $bytes } 字节。
error-lark = 暂时无法连接飞书/Lark，或其返回了错误；请稍后重试。
error-store = 服务暂时无法保存数据；请稍后重试。
error-secrets = 加密服务出错；请稍后重试。
error-unavailable = 服务繁忙；请稍后重试。
error-internal = 我们这边出了点问题。
error-session-other-org = 你的登录属于另一个组织。
error-not-staff = 你不是此部署登记的员工。
error-logout-scope = scope 只能是 "this" 或 "everywhere"，而不是“{ $given }”。
error-lang-unknown = tamlink 支持英语（en）和简体中文（zh-CN），不支持“{ $given }”。
error-session-ended = 此登录已结束（已退出）。请从飞书/Lark 重新打开应用登录。
error-not-signed-in = 你的登录已过期，或尚未登录。
error-message-empty = 请先输入消息再发送。
error-message-long = 消息最多 { $max } 个字符；这条有 { $chars } 个。
error-message-control = 消息中包含控制字符。
error-mentions-many = 一条消息最多提及 { $max } 人。
error-mention-nonmember = 只能提及本群成员。请先用“添加成员”把对方加进来。
error-remove-service = 服务团队成员由员工控制台分配，不能从群中移除。
error-remove-not-allowed = 你可以退出群组，或移除你添加的同事；其他成员需由你的 TAM 移除。
error-group-unknown = 群组 { $group } 不存在，或你不是其成员。
error-client-id = client_id 必须是 1-64 个字母、数字、“-”或“_”。
error-seq = { $key } 必须是消息序号（0 到 { $max }）。
error-before = before 必须是 1 或更大的消息序号。
error-not-member = 此人不是本群成员。
error-cursor = cursor 必须是上一页返回的 `next`。
error-staff-only = 此操作属于员工控制台。
error-manage-customers = 只有 TAM、经理和管理员可以管理客户组织。
error-org-unknown = 没有为应用 { $app } 登记的组织。
error-sign-in-again = { $why }请从飞书/Lark 重新打开应用登录（{ $workbench }）。
why-sign-in-incomplete = 此登录链接不完整（缺少 code 或 state）。
why-sign-in-used = 此登录链接已被使用或已过期。
why-sign-in-invalid = 此登录链接无效（{ $detail }）。
why-sign-in-elsewhere = 此次登录是在另一个浏览器或窗口中发起的。
error-sign-in-cancelled = 已在飞书/Lark 中取消登录。请重新打开应用登录。
error-sign-in-incomplete-lark = 飞书/Lark 未完成登录。请重新打开应用登录。
error-foreign-tenant = 此应用仅供 { $org } 的成员使用。你的账号属于其他组织。
error-code-expired = 飞书/Lark 提示此登录码已过期或已被使用。请从飞书/Lark 重新打开应用。
error-not-available = 你的账号不在此应用的可用范围内；请联系管理员。
error-not-staff-ask = 你不是此部署登记的员工。请联系管理员添加你。
error-monthly-calls-number = monthly_calls 必须是数字；免费版 10,000 次可不填。
error-monthly-calls-min = monthly_calls 至少为 1（免费版 10,000 次可不填）。
error-first-response-four = first_response_minutes 需要给出全部四个目标；不填则保持现有设置。
error-brand-unknown = brand 只能是 lark 或 feishu，而不是“{ $given }”。
error-links-max = 此群已有 { $max } 个有效链接；请先撤销一个。
error-link-unknown = 此群没有这个邀请链接。
error-link-ended = 此链接已被撤销或已过期。
error-link-incomplete = 此邀请链接不完整。请从收到的消息中复制完整链接。
error-link-invalid = 此邀请链接无效：它被修改过或复制不完整。请索取新链接。
error-link-other-app = 此邀请属于另一个组织的应用。请从对应的应用中打开。
error-invitation-gone = 此邀请已不存在。
error-invitation-group-gone = 此邀请对应的群组已不存在。
error-link-expired = 此邀请链接已过期：链接 24 小时内有效。请向群成员索取新链接。
error-link-revoked-by = 此邀请链接已被 { $who } 撤销。请向群成员索取新链接。
error-link-revoked = 此邀请链接已被群成员撤销。请向群成员索取新链接。
error-org-not-registered = 此组织尚未登记。
error-link-colleagues-only = 邀请链接仅供本组织同事使用。服务团队成员由员工控制台添加。
error-join-again = 请再试一次加入。
error-callback-keys = Verification Token（以及你设置的 Encrypt Key）是“事件与回调 → 加密策略”中的单个词。
error-org-name-missing = 请填写组织名称。
error-org-name-long = 组织名称最多 { $max } 个字符。
error-app-secret-missing = 请填写 App Secret：从“凭证与基础信息”中复制。
error-neither-brand = 飞书和 Lark 都不接受此 App ID 和 App Secret（{ $codes }）。请在开发者后台（open.feishu.cn/app 或 open.larksuite.com/app）的“凭证与基础信息”中重新复制。
error-brand-rejected = { $product } 拒绝了此 App ID 和 App Secret（错误码 { $code }）。请在 { $product } 开发者后台（{ $console }）的“凭证与基础信息”中重新复制。
error-already-registered-recheck = { $app } 已登记；请用“重新检查”再次核验。
error-already-registered = { $app } 已登记。
error-provider-app = 此部署的服务商应用是 { $app }；PROVIDER_APP_ID 必须是你要登记的应用。
error-own-app = 这是服务商自己的应用，不是客户的。
error-staff-role = { $who } 不是具有相应角色的员工。
error-only-customers-activated = 只有客户组织需要开通。
error-already-active = { $org } 已开通。
error-checklist-fails = 应用仍未通过检查清单；请先修正标记为 ✗ 的项目，再点“重新检查”。
error-tickets-by-colleagues = 工单由客户同事在工作台中创建。
error-channel-inactive = 你所在组织的支持渠道尚未开通；请等待 TAM 开通。
error-nobody-to-take = 服务团队目前无人能接单，也没有指定 TAM；请联系服务商。
error-emergency-customer = “紧急事件”是客户的按钮。
error-emergency-confirm = 请确认这是紧急事件（数据丢失、数据损坏或业务中断）。
error-emergency-exists = 工单 #{ $number } 已由 { $who } 宣布过紧急事件。
error-emergency-exists-acked = 工单 #{ $number } 已由 { $who } 宣布过紧急事件，并已由 { $by } 确认。
error-emergencies-open = { $org } 已有 { $max } 个尚无人确认的紧急事件：{ $first }；{ $second }。服务团队正在为它们接受呼叫；请在这些工单中补充信息，或在其中一个被确认后再宣布此紧急事件。
emergency-open-item = #{ $number }，由 { $who } 宣布，已呼叫 { $paged }
error-ack-service = 紧急事件由服务团队确认。
error-no-emergency = 工单 #{ $number } 没有紧急事件。
error-already-acknowledged = { $who } 已确认此紧急事件。
error-product-long = 产品和类别最多 { $max } 个字符。
error-product-one-line = 产品和类别只能是一行，且不能包含控制字符。
error-ticket-unknown = 工单 { $ticket } 不存在，或你无权查看。
error-rate-customers = 由客户为获得的支持评分。
error-rating-range = 评分为 1 到 5。
error-rate-open = 工单 #{ $number } 仍未解决；解决后再评分。
error-rate-reopened = 工单 #{ $number } 已重新打开；再次解决后再评分。
error-reminder-customer = “催办”是客户的按钮；请在工单群中回复。
error-reminder-too-soon = 团队{ $ago ->
    [0] 刚刚
   *[other] { $ago } 分钟前
}已被催办；{ $minutes } 分钟后可再次催办。
error-missing-param = 地址中缺少 { $name }。
error-json-content-type = 请以 JSON 格式发送请求（Content-Type: application/json）。
error-json-invalid = 请求内容不是此操作可用的 JSON：{ $detail }。
error-cross-site = 此请求来自其他网站；tamlink 只接受来自自身页面的修改。
error-invalid-id = { $value } 不是有效的{ $what ->
    [app_id] App ID（形如 cli_a1b2c3d4e5f6）
    [open_id] open_id
    [group_id] 群组 ID
    [invitation_id] 邀请 ID
   *[ticket_id] 工单 ID（应用.编号）
}。
error-share-range = 占比必须在 1% 到 100% 之间。
error-free-plan-calls = 免费版需要填写每月调用次数（Lark 入门版为 10,000 次）。
error-reassign-staff = 工单由服务团队转交。
error-reassign-who = 只有该工单的 TAM、经理或管理员，或其处理人，才能把它转交给其他工程师。
error-reassign-target = { $who } 不是为该组织服务的工程师。
error-reassign-same = 工单 #{ $number } 已由 { $who } 处理。
error-settings-empty = 请至少提交一项要修改的设置。
error-rate-creator = 这张工单由 { $who } 创建，需由 { $who } 评分。
error-rating-locked = 评分可在 7 天内修改；工单 #{ $number } 的评分现已不可更改。
error-setting-line = { $what ->
    [display_name] 显示名称
    [products] 每个产品
   *[categories] 每个类别
}必须是一行，1 到 100 个字符。
error-setting-choices-many = 最多提供 { $max } 个{ $what ->
    [products] 产品
   *[categories] 类别
}。
error-setting-choices-twice = “{ $item }”重复了。
error-invite-only = 你的组织通过 TAM 发放“添加成员”链接；请向 TAM 索取。
error-product-unknown = { $what ->
    [product] 请选择组织提供的产品：{ $choices }。
   *[category] 请选择组织提供的类别：{ $choices }。
}
error-audit-day = { $name } 应为形如 2026-11-30 的日期，而不是“{ $given }”。
error-audit-kind = “{ $given }”不是审计记录的类型。
error-audit-range = 结束日期早于开始日期。
error-audit-format = format 只能是 json 或 csv，而不是“{ $given }”。
error-report-month = 报告月份应写作 2026-11，而不是“{ $given }”。
error-report-future = { $month } 尚未开始：报告只涵盖本月及以前的月份。
error-report-format = format 只能是 html 或 csv，而不是“{ $given }”。
error-report-staff = 你只能查看自己的月度数据；经理和管理员可以查看所有人的。
error-report-unknown-staff = 服务团队中没有 open_id 为 { $who } 的成员。
error-read-seq = seq 是消息序号，取值 0 到 { $max }。
error-socket-only = 此地址是 tamlink 的聊天连接；请从群组页面打开。
error-socket-origin = 聊天连接只接受来自 tamlink 自身页面的连接。
error-socket-ticket = 此聊天连接凭证属于其他应用或群组；请刷新页面。
error-busy-sign-in = 此组织当前登录请求过多；请在 { $seconds } 秒后重试。
error-busy-card = 此组织当前卡片操作过多；请在 { $seconds } 秒后重试。
error-tickets-person = 您在最近几分钟内已创建 { $max } 个工单，这是每人 10 分钟内的上限；请在 { $minutes } 分钟后再创建。如遇故障，请在其中一个工单上宣布紧急事件。
error-tickets-org = 您的组织本小时已创建 { $max } 个工单，这是每小时的上限；请在 { $minutes } 分钟后再创建。在此期间请在已打开的工单中补充信息。
error-not-in-service-group = 你不在 { $org } 的服务群中，因此无法在此创建工单。请联系你的 TAM 将你重新加入。
error-provider-encrypt-key = 服务方应用需要配置事件与回调密钥，包括 Encrypt Key：服务团队在其卡片上操作，只有加密并签名的回调才能证明是谁点击的。请设置 LARK_VERIFICATION_TOKEN 和 LARK_ENCRYPT_KEY。
error-already-in-ticket = 你已经在 #{ $number } 的群中。
error-asked-today = 你今天已经请 { $who } 把你加入 #{ $number }；对方已收到通知。
