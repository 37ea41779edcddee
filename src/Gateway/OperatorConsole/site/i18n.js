// English and Chinese labels. Static text carries data-t="key" (data-t-label for aria-label,
// data-t-placeholder for placeholders); scripts call t("key").
"use strict";
const Dictionary = {
  en: {
    title: "Dispatch console", signIn: "Sign in", signOut: "Sign out", apiKey: "API key",
    keyNote: "The key stays in this browser tab's session only; closing the tab forgets it.",
    language: "中文", signedInAs: "Signed in as", role_operator: "operator", role_admin: "admin", role_hotline: "hotline", role_worker: "worker",
    map: "City map", mapHelp: "Click a grid for its desk. Wheel or + / − to zoom, arrow keys or drag to move.",
    zoomTo: "Zoom to", wholeCity: "Whole city", gridPick: "Grid desk", zoomIn: "Zoom in", zoomOut: "Zoom out",
    legendNone: "no open case", legendOpen: "open", legendBusy: "3+ open", legendOverdue: "overdue", legendEscalated: "escalated",
    tabDesk: "Desk", tabCase: "Case", tabLists: "Overdue & escalated", tabStats: "Statistics",
    feed: "Live feed", feedConnected: "connected", feedReconnecting: "reconnecting…", pause: "Pause", resume: "Resume",
    deskEmpty: "Click a grid on the map, or pick one from the list.", roster: "Roster", worker: "Worker", openCases: "Open cases", notices: "Notices",
    onDuty: "on duty", offDuty: "off duty", load: "load", due: "due", overdueBy: "overdue by", none: "none",
    caseEmpty: "Open a case from a desk, a list or the feed, or type its number.", caseNumber: "Case number", open: "Open",
    status: "Status", category: "Category", assignee: "Assignee", tracker: "Tracked by", reported: "Reported", acceptDue: "Accept by", resolveDue: "Resolve by",
    timeline: "Timeline", at: "At", actor: "Actor", action: "Action", change: "Change", reason: "Reason",
    operatorActions: "Operator actions", reasonOrNote: "Reason or note", workerId: "Worker (blank: the grid's policy picks)",
    verify: "Verify", failVerification: "Fail verification", close: "Close", reassign: "Reassign", supervise: "Supervise (督办)", cancel: "Cancel case",
    done: "Done", overdueList: "Overdue", escalatedList: "Escalated", level_Grid: "Grid", level_Community: "Community", level_Street: "Street", level_District: "District", level_City: "City", level_Department: "Department",
    rankings: "Rankings", rankBy: "Rank", streets: "Streets", communities: "Communities", onTimeRate: "On time", meanAccept: "Response", meanResolve: "Resolution", satisfaction: "Satisfaction",
    month: "Month", cases: "Cases", responseRate: "Response rate", resolutionRate: "Resolution rate", satisfactionRate: "Satisfaction rate", extensionsCol: "Extensions", appealsCol: "Appeals", assessScore: "Score",
    openCount: "Open", closedCount: "Closed", refresh: "Refresh", period: "Cases reported", from: "From", to: "To",
    intake: "New report", categoryPick: "Category", description: "What happened", callerName: "Caller's name", callerPhone: "Caller's phone",
    locationBy: "Location", byBuilding: "Building", searchBuilding: "Search by address", byAddress: "Address", byMap: "Point on the map", buildingId: "Building id", findBuilding: "Find",
    address: "Address", longitude: "Longitude", latitude: "Latitude", mapClickHelp: "Click the map to place the report.", submit: "Register report",
    registered: "Registered as case", earlierCases: "This caller's earlier cases", earlierNote: "Cases reported from this number in the last 90 days, newest first.",
    rating: "Follow-up rating", score: "Score (1–5)", comment: "Comment", rate: "Record rating",
    myCases: "My cases", dutyOn: "Go on duty", dutyOff: "Go off duty", accept: "Accept", reject: "Reject", note: "Add note", resolve: "Resolve", confirmFound: "Found on site: file it", confirmNotFound: "Not found on site",
    contacted: "Resident contacted", contactBy: "Contact the resident by",
    resultOrReason: "Reason, note or result", noCases: "No open cases.", problem: "Refused",
    gridsDrawn: "grids drawn in", ms: "ms", skip: "Skip to content", escalatedTo: "escalated to", place: "Place",
  },
  zh: {
    title: "调度指挥台", signIn: "登录", signOut: "退出", apiKey: "API 密钥",
    keyNote: "密钥只保存在本浏览器标签页的会话中，关闭标签页即清除。",
    language: "English", signedInAs: "当前身份", role_operator: "值班员", role_admin: "管理员", role_hotline: "热线", role_worker: "网格员",
    map: "城市网格图", mapHelp: "点击网格查看工作台。滚轮或 + / − 缩放，方向键或拖动平移。",
    zoomTo: "定位到", wholeCity: "全市", gridPick: "网格工作台", zoomIn: "放大", zoomOut: "缩小",
    legendNone: "无在办", legendOpen: "在办", legendBusy: "在办 3 件以上", legendOverdue: "超时", legendEscalated: "已升级",
    tabDesk: "工作台", tabCase: "案件", tabLists: "超时与升级", tabStats: "统计",
    feed: "实时动态", feedConnected: "已连接", feedReconnecting: "重新连接中…", pause: "暂停", resume: "继续",
    deskEmpty: "点击地图上的网格，或从列表中选择。", roster: "人员", worker: "网格员", openCases: "在办案件", notices: "通知",
    onDuty: "在岗", offDuty: "离岗", load: "在办", due: "时限", overdueBy: "已超时", none: "无",
    caseEmpty: "从工作台、列表或动态中打开案件，或输入案件编号。", caseNumber: "案件编号", open: "打开",
    status: "状态", category: "类别", assignee: "承办人", tracker: "跟踪单位", reported: "上报时间", acceptDue: "签收时限", resolveDue: "办结时限",
    timeline: "处置记录", at: "时间", actor: "操作人", action: "操作", change: "状态变化", reason: "说明",
    operatorActions: "值班员操作", reasonOrNote: "原因或备注", workerId: "网格员（留空由网格规则选派）",
    verify: "核查通过", failVerification: "核查不通过", close: "结案", reassign: "改派", supervise: "督办", cancel: "撤销案件",
    done: "已完成", overdueList: "超时", escalatedList: "已升级", level_Grid: "网格", level_Community: "社区", level_Street: "街道", level_District: "区", level_City: "市", level_Department: "部门",
    rankings: "排名", rankBy: "排序", streets: "街道", communities: "社区", onTimeRate: "按时办结率", meanAccept: "响应时长", meanResolve: "办结时长", satisfaction: "满意度",
    month: "月份", cases: "工单数", responseRate: "响应率", resolutionRate: "解决率", satisfactionRate: "满意率", extensionsCol: "延期", appealsCol: "申诉", assessScore: "综合得分",
    openCount: "在办", closedCount: "已结", refresh: "刷新", period: "上报时间段", from: "从", to: "到",
    intake: "新建工单", categoryPick: "类别", description: "事件描述", callerName: "来电人", callerPhone: "来电号码",
    locationBy: "位置", byBuilding: "楼栋", searchBuilding: "按地址搜索", byAddress: "地址", byMap: "地图选点", buildingId: "楼栋编号", findBuilding: "查找",
    address: "地址", longitude: "经度", latitude: "纬度", mapClickHelp: "点击地图确定位置。", submit: "登记工单",
    registered: "已登记，案件编号", earlierCases: "该来电人的历史工单", earlierNote: "该号码近90天反映的工单，最新在前。",
    rating: "回访评价", score: "评分（1–5）", comment: "评价内容", rate: "记录评价",
    myCases: "我的案件", dutyOn: "上岗", dutyOff: "离岗", accept: "签收", reject: "退回", note: "添加备注", resolve: "办结", confirmFound: "核实属实,立案", confirmNotFound: "核实不属实",
    contacted: "已联系居民", contactBy: "首次联系时限",
    resultOrReason: "原因、备注或办理结果", noCases: "暂无在办案件。", problem: "操作被拒绝",
    gridsDrawn: "个网格，绘制用时", ms: "毫秒", skip: "跳到正文", escalatedTo: "升级至", place: "位置",
  },
};

const StatusNames = {
  zh: { Reported: "已上报", Registered: "已登记", Dispatched: "已派遣", Accepted: "已签收", Resolved: "已办结", Verified: "已核查", Closed: "已结案", Rated: "已评价", Merged: "已合并", Cancelled: "已撤销", Parked: "已挂账", AwaitingConfirmation: "待核实", Unconfirmed: "核实不属实" },
  en: { AwaitingConfirmation: "Awaiting on-site check", Unconfirmed: "Not confirmed" },
};

let language = sessionStorage.getItem("dispatch.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");

function t(key) {
  return (Dictionary[language] && Dictionary[language][key]) || Dictionary.en[key] || key;
}

function statusName(status) {
  return (StatusNames[language] && StatusNames[language][status]) || status;
}

function translatePage(root = document) {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
  for (const el of root.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
}

function setLanguage(next) {
  language = next;
  sessionStorage.setItem("dispatch.lang", next);
  translatePage();
  // Text the scripts wrote is written again by whoever wrote it.
  document.dispatchEvent(new Event("dispatch:language"));
}
