# 页面：工作台、员工控制台、配置指南、邀请、登录与退出。

lang-switch = 语言
lang-switch-go = 切换
sign-out = 退出登录
signed-out = 已退出登录
signed-out-here = 你已退出此应用。
signed-out-everywhere = 你已在所有浏览器和设备上退出此应用。
sign-in-again = 重新登录
cancel = 取消
close = 关闭
copy = 复制
someone = 某人
none-yet = 暂无
on-duty = 值班中
participants = 成员
service-team = 服务团队
colleagues = 同事
members = 成员
add-people = 添加成员
tickets = 工单
ticket = 工单
role-short = { $role ->
    [tam] TAM
    [engineer] 工程师
    [manager] 经理
   *[admin] 管理员
}
role-tam = 技术客户经理（TAM）
role-engineer = 支持工程师
role-manager = 支持经理
role-admin = 管理员

workbench-title = 企业服务工作台
workbench-enterprise-number = 企业编号
workbench-service-active = 服务已开通
workbench-being-set-up = 你的 TAM 正在配置中
workbench-service-group = 服务群
workbench-invite-only = 你的组织需通过邀请加入服务群。请让已在群里的同事使用“添加成员”给你发送链接。
workbench-no-service-group = 还没有服务群。TAM 开通渠道后会绑定服务群。
tickets-none = 还没有工单。创建后会在这里显示状态、严重级别、处理人和 SLA。
ticket-create = 创建工单
ticket-open = 提交工单
ticket-field-title = 标题
ticket-field-severity = 严重级别
ticket-field-status = 状态
ticket-field-assignee = 处理人
ticket-field-description = 发生了什么？
ticket-field-product = 产品（可选）
ticket-field-category = 类别（可选）
ticket-tam-holds = （由 TAM 暂管，当前无人值班）
ticket-rated = { $who } 评分 { $score }/5
groups-yours = 我的群组
group-ticket = 工单群
group-refresh = 新消息会自动出现

emergency = 紧急事件
emergency-pill = 紧急
emergency-banner = 紧急事件：{ $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}，由 { $who } 宣布。
emergency-paged = 已呼叫服务团队 { $pages } 次；在有人确认之前，每 15 分钟重复呼叫一次，最多四次。
emergency-acknowledged-by = 已由 { $who } 确认。
emergency-declare = 宣布紧急事件
emergency-explain = 工单将升级为 S1 · 紧急，并立即呼叫你的处理人、TAM 和值班经理；在有人确认之前，每 15 分钟重复呼叫一次（最多四次，之后通知服务方的值班团队）。
emergency-reason-label = { $reason ->
    [data_loss] 数据丢失
    [data_corruption] 数据损坏
   *[business_outage] 业务中断
}
emergency-confirm = 是的，我们的业务正受到影响。
emergency-page = 呼叫服务团队
reminder-button = { $sent ->
    [0] 催办
   *[other] 催办（已发送 { $sent } 次）
}
reminder-possible-again = 可再次催办时间：{ $when }。

chat-older = 加载更早的消息
chat-empty = 还没有消息。和你的服务团队打个招呼吧。
chat-placeholder = 发消息给群组 · 输入 @ 提及成员 · Enter 发送，Shift+Enter 换行
chat-message = 消息
chat-send = 发送
members-title = 群成员管理
invite-how = 给本组织的同事发送一个链接。链接 24 小时内有效；对方用飞书/Lark 登录后即可加入此群。
invite-create = 创建链接
invite-link = 邀请链接
invite-active = 有效链接
js-unexpected = 服务器返回了意外的结果。
js-checking = 正在向飞书/Lark 核验…
js-you = （你）
js-leave = 退出
js-remove = 移除
js-confirm-leave = 确定退出此群组吗？
js-confirm-remove = 确定将 %name% 移出此群组吗？
js-revoke = 撤销
js-no-links = 没有有效链接。
js-did-not-work = 操作未成功。
js-service-team-short = 服务团队
js-link = 创建人 %by% · 有效期至 %until% · 已加入 %joined% 人

console-title = 员工控制台
console-all-orgs = 全部组织
console-open-tickets = 未关闭的工单
console-no-open-tickets = 你负责的组织中没有未关闭的工单。
console-orgs = 你负责的组织
console-no-orgs = 还没有组织。
console-register-first = 用右侧表单登记第一个组织。
org-active = 已开通
org-ready = 可以开通
org-needs-fixes = 需要修正
org-people = TAM：{ $tam } · 工程师：{ $engineers } · 服务群成员：{ $members }
org-checklist = 检查清单
org-recheck = 重新检查
org-activate = 开通
org-setup-values = 客户配置参数
org-open-service-group = 打开服务群
org-language = 未选择语言的成员所用语言
org-settings-save = 保存设置
org-csat = 工单解决后邀请评分
budget-heading = { $product } API，{ $month }：
budget-calls-of = 已用 { $calls } 次，共 { $allowance } 次（免费版 { $monthly } 次中的 { $share }%）· 预计月底达到 { $projected } 次。
budget-calls-paid = 已用 { $calls } 次（付费版：不限量）。
budget-pace = 通知{ $pace }
budget-exhausted = 飞书/Lark 报告该组织本月配额已用完。
pace-normal = 实时发送：每人每 10 分钟最多一条私信
pace-half = 合并发送：每人每 30 分钟最多一条私信
pace-three-quarters = 合并发送：每人每 2 小时最多一条私信
pace-nearly = 合并发送：每人每 8 小时最多一条私信
pace-hold = 暂停至下月 1 日；紧急呼叫仍会发出
plan = 套餐
plan-free = 免费版（Starter）
plan-paid = 付费版
plan-calls = 每月调用次数
plan-share = tamlink 占比 %
plan-save = 保存套餐
keys-on = 卡片操作：已开启。
keys-off = 卡片操作：未开启（仅链接）。
keys-set = 设置密钥
keys-replace = 更换密钥
undeliverable-count = 有 { $count } 条通知未能送达
register-title = 登记客户
register-explain = 客户管理员会发来这三项信息（指南第 3 步）。tamlink 会先向飞书或 Lark 核验，再接受登记。
register-org-name = 组织名称
register-brand = 飞书还是 Lark
register-brand-detect = 根据 App ID 自动识别
register-engineers = 套餐内的工程师
register-submit = 核验并登记
duty-go-on = 开始值班
duty-go-off = 结束值班

invite-join-title = 加入 { $group }
invite-context = 邀请
invite-invited-you = { $inviter } 邀请你加入
invite-explain = 与同事、TAM 和支持工程师一起沟通。
invite-until = 此链接有效期至
invite-join = 加入群组
invite-already-title = 你已在此群组中
invite-already = 你已经是 { $group } 的成员。
invite-open-group = 打开群组

setup-title = { $app } 的 { $product } 配置参数
setup-context = { $product } 应用配置
setup-heading = 你的 { $product } 应用设置
setup-intro = 以下是 App ID { $app } 的精确配置值，按集成指南的步骤排列。
setup-brand = 你的组织使用
setup-console = 请在 { $product } 开发者后台完成以下步骤。
setup-step-homepage = 第 4 步 · 网页应用桌面端主页 URL
setup-step-scopes = 第 5 步 · 权限管理 → 批量导入
setup-step-redirects = 第 6.1 步 · 安全设置 → 重定向 URL
setup-step-trusted = 第 6.2 步 · H5 可信域名
setup-then-publish = 然后发布一个版本（第 7 步），并把组织名称、App ID 和 App Secret 发给你的 TAM。
setup-optional-cards = 可选 · 在卡片上直接操作
setup-callbacks-how = 让同事无需打开应用，就能在 { $product } 的 tamlink 卡片上点击“催办服务团队”等按钮：在“事件与回调”中，于“加密策略”下设置 Encrypt Key（推荐），然后在“回调配置”中选择“将回调发送至开发者服务器”，填写下面的请求地址（{ $product } 会立即校验），并添加回调 card.action.trigger。发布一个版本后，将 Verification Token 和 Encrypt Key 连同 App Secret 一起发给你的 TAM。
setup-step-callback = 事件与回调 → 回调配置 → 请求地址

check-credentials = { $product } 已接受 App ID 和 App Secret
check-fix-in-console = { $fix }开发者后台：{ $console }
check-callback = 卡片回调发送到本部署（可选）
check-callback-not-set-up = 卡片回调（可选）：未配置
check-encrypt-key = 卡片操作已加密并签名（Encrypt Key）
check-encrypt-key-fix = 未设置 Encrypt Key 时，任何见过一次卡片操作请求的人都可以冒充组织中的任何人点击按钮。请在“事件与回调 → 加密策略”中设置，并连同 Verification Token 一起填入 tamlink 的回调密钥。
check-callback-elsewhere = 回调目前发往 { $url }：请在“事件与回调 → 回调配置”中将回调发送至 { $expected } 并添加 card.action.trigger；设置 Encrypt Key；然后在“版本管理与发布”中发布新版本；再把 Verification Token 和 Encrypt Key 交给 tamlink（控制台 → 设置密钥）。
check-callback-how = 未获取到此应用的回调地址。若希望成员在卡片上直接操作：请在“事件与回调 → 回调配置”中将回调发送至 { $expected } 并添加 card.action.trigger；设置 Encrypt Key；然后在“版本管理与发布”中发布新版本；再把 Verification Token 和 Encrypt Key 交给 tamlink（控制台 → 设置密钥）。
check-scope = 已授予权限 { $scope }
check-scope-unapproved = 已申请权限 { $scope } 但尚未审批：请管理员在管理后台审批，然后在“版本管理与发布”中发布新版本。
check-scope-missing = 在“权限管理”中添加权限 { $scope }，然后在“版本管理与发布”中发布新版本。
check-published = 应用已发布并启用
check-published-unreadable = 无法读取应用配置：请添加权限 application:application:self_manage，然后在“版本管理与发布”中发布新版本。
check-published-fix = 请在“版本管理与发布”中发布一个版本，并确认应用已启用。
check-bot = 已启用机器人能力
check-bot-fix = 在“添加应用能力”中添加机器人，然后在“版本管理与发布”中发布新版本。
check-homepage = 网页应用桌面端主页 URL
check-homepage-fix = 在“网页应用配置”中将桌面端主页设置为 { $expected }（当前为 { $now }），然后在“版本管理与发布”中发布新版本。
check-homepage-fix-empty = 在“网页应用配置”中将桌面端主页设置为 { $expected }（当前为空），然后在“版本管理与发布”中发布新版本。
check-homepage-fix-no-web-app = 在“网页应用配置”中将桌面端主页设置为 { $expected }（缺少网页应用能力：请先在“添加应用能力”中添加），然后在“版本管理与发布”中发布新版本。
check-redirects = 安全设置中的 5 个重定向 URL
check-redirects-fix = 在“安全设置 → 重定向 URL”中添加：{ $missing }，然后在“版本管理与发布”中发布新版本。
check-org-name = 组织名称与 { $product } 一致
check-org-name-is = 组织名称与 { $product } 一致（“{ $name }”）
check-org-unreadable = 无法读取组织信息：请添加权限 tenant:tenant:readonly，然后在“版本管理与发布”中发布新版本。
check-org-name-fix = { $product } 显示此应用属于“{ $name }”，但填写的名称是“{ $typed }”。请确认 App ID 属于该客户，或更正名称。
service-group-name = { $org } · 企业服务
reassign = 转交
reassign-to = 转交给哪位工程师
rate-prompt = 这张工单的支持体验如何？
rate-change = 评分可在 7 天内修改。
rate-submit = 提交评分
org-auto-join = 同事登录时自动加入服务群
org-invite-only = 仅 TAM 可创建“添加成员”链接
org-display-name = 显示名称
org-products = 产品（用逗号分隔）
org-categories = 类别（用逗号分隔）
audit-all-kinds = 全部类型
audit-from = 从
audit-to = 到
audit-csv = 下载 CSV

## Reports
report-title = { $name } · { $month }
report-month = 月份
report-show = 查看
report-previous = ← 上个月
report-next = 下个月 →
report-csv = 下载 CSV
report-counted = 每项数据计入其发生的月份：某月新建、次月解决的工单，在前一个月计为新建，在后一个月计为解决。时长为中位数和第 90 百分位数,与精确值相差不超过八分之一。
report-no-data = 这个月没有任何记录。
report-opened = 新建
report-resolved = 已解决
report-daily = 每日新建与解决的工单
report-first-response = 首次响应
report-resolution = 解决
report-ack-short = 已确认
report-median = 中位数
report-p90 = 第 90 百分位
report-times = 各项用时
report-attainment = SLA 达成率
report-emergencies-acked = 共 { $count } 个紧急事件，已确认 { $acked } 个（中位数 { $median }）
report-csat = 满意度
report-csat-average = 平均分（满分 5），共 { $count } 个评分
report-stars = { $score } ★
report-lark = Lark API 调用
report-lark-of = { $calls } / { $allowance }
report-lark-paid = { $calls }（付费版：不计量）
report-pages = 紧急呼叫占用的服务方应用调用
report-pages-of = { $calls } / { $budget }
report-pages-paid = { $calls }（服务方应用不计量）
budget-pages = 本月紧急呼叫：该组织的呼叫最多可占用服务方应用 { $budget } 次调用，已用 { $calls } 次；超出后，其呼叫将等待每个人的私信窗口。
report-engineers = 按工程师
report-orgs = 按组织
report-who = 工程师
report-org = 组织
report-link = 月度报告
report-my-link = 我的月度
report-duration-days = { $days } 天 { $hours } 小时
report-duration-hours = { $hours } 小时 { $minutes } 分钟
report-duration-minutes = { $minutes } 分钟
ticket-not-member = 你不在此工单的群中：请 { $who } 通过“添加成员”把你加入。
ticket-ask-to-join = 请求加入
ticket-asked = 已请求 { $who }。
