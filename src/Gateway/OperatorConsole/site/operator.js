// The operator's and admin's console: the map lit by load, a grid's desk, the live feed, overdue and
// escalated cases per level, statistics and rankings, and the case view with the operator actions.
"use strict";
const OpenStatuses = ["Reported", "AwaitingConfirmation", "Registered", "Dispatched", "Accepted", "Resolved", "Verified"];
const FeedKept = 200;

class OperatorConsole {
  constructor() {
    this.cases = new Map();        // open cases by id: the register's summaries, kept current by the feed
    this.feedQueue = [];
    this.feedPaused = false;
    this.deskGrid = null;
    this.caseId = null;
    this.map = new CityMap(document.getElementById("city-map"), (gridId) => gridId && this.openDesk(gridId));
    window.dispatchMap = this.map;
    window.dispatchConsole = this;
  }

  async start() {
    this.wire();
    await attempt(() => this.map.loadMap());
    this.relabel();
    document.addEventListener("dispatch:language", () => this.relabel());
    await this.refreshRegister();
    this.stopFeed = Api.feed(tr => this.onTransition(tr), state => {
      this.feedState = state;
      document.getElementById("feed-state").textContent = t(state === "connected" ? "feedConnected" : "feedReconnecting");
      document.getElementById("feed").dataset.state = state;
    });
    // Deadlines count down and cases turn overdue without any event: re-colour every few seconds,
    // and read the register again now and then for deadlines the feed does not carry.
    this.ticker = setInterval(() => this.tick(), 1000);
    this.refresher = setInterval(() => this.refreshRegister(), 20000);
  }

  stop() {
    this.stopFeed?.();
    clearInterval(this.ticker);
    clearInterval(this.refresher);
  }

  wire() {
    for (const tab of document.querySelectorAll("#operator-tabs [role=tab]")) {
      tab.addEventListener("click", () => this.showTab(tab.dataset.panel));
    }
    document.getElementById("zoom-area").addEventListener("change", e => this.map.zoomTo(e.target.value));
    document.getElementById("grid-pick").addEventListener("change", e => e.target.value && this.openDesk(e.target.value));
    document.getElementById("zoom-in").addEventListener("click", () => this.map.zoom(1.25));
    document.getElementById("zoom-out").addEventListener("click", () => this.map.zoom(0.8));
    document.getElementById("case-open").addEventListener("submit", e => { e.preventDefault(); this.openCase(document.getElementById("case-number").value.trim()); });
    document.getElementById("feed-pause").addEventListener("click", e => {
      this.feedPaused = !this.feedPaused;
      e.target.textContent = t(this.feedPaused ? "resume" : "pause");
      e.target.dataset.t = this.feedPaused ? "resume" : "pause";
    });
    document.getElementById("stats-refresh").addEventListener("click", () => this.loadRankings());
    document.getElementById("stats-month").addEventListener("change", () => this.loadRankings());
    for (const button of document.querySelectorAll("#case-actions [data-action]")) {
      button.addEventListener("click", () => this.act(button.dataset.action));
    }
  }

  showTab(panel) {
    for (const tab of document.querySelectorAll("#operator-tabs [role=tab]")) {
      const on = tab.dataset.panel === panel;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.dataset.panel).hidden = !on;
    }
    if (panel === "panel-lists") this.renderLists();
    if (panel === "panel-stats" && !this.rankingsLoaded) this.loadRankings();
  }

  /** Writes again, in the current language, what the scripts wrote. */
  relabel() {
    legend(document.getElementById("legend"));
    const stats = this.map.stats;
    if (stats.grids !== undefined) document.getElementById("map-status").textContent = `${stats.grids} ${t("gridsDrawn")} ${Math.round(stats.totalMs)} ${t("ms")}`;
    if (this.feedState) document.getElementById("feed-state").textContent = t(this.feedState === "connected" ? "feedConnected" : "feedReconnecting");
    const zoom = document.getElementById("zoom-area").value;
    this.fillPickers();
    document.getElementById("zoom-area").value = zoom;
    if (this.deskGrid) document.getElementById("grid-pick").value = this.deskGrid;
    this.recount();
    if (this.deskGrid) this.openDesk(this.deskGrid, false);
    if (this.caseId) this.openCase(this.caseId, false);
    if (this.rankingsLoaded) this.loadRankings();
    this.renderLists();
  }

  fillPickers() {
    const zoom = document.getElementById("zoom-area");
    const levels = { District: 0, Street: 1, Community: 2 };
    const areas = [...this.map.areas.values()].filter(a => a.level in levels).sort((a, b) => a.id.localeCompare(b.id));
    zoom.replaceChildren(el("option", { value: "", text: t("wholeCity") }),
      ...areas.map(a => el("option", { value: a.id, text: `${"\u00a0\u00a0".repeat(levels[a.level])}${t("level_" + a.level)} ${a.name} (${a.id})` })));
    const grids = document.getElementById("grid-pick");
    grids.replaceChildren(el("option", { value: "", text: "—" }),
      ...this.map.grids.map(g => el("option", { value: g.id, text: `${g.id} ${g.name}` })));
  }

  /** The open cases of the register (the last 90 days — the register searches at most 92 — up to 5,000), as the starting load. */
  async refreshRegister() {
    const from = new Date(Date.now() - 90 * 86400000).toISOString();
    const cases = new Map();
    let cursor = null;
    for (let page = 0; page < 25; page++) {
      const data = await attempt(() => Api.get(`/incidents?status=${OpenStatuses.join(",")}&limit=200&from=${encodeURIComponent(from)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
      if (!data) return;
      for (const c of data.items) cases.set(c.id, c);
      if (!(cursor = data.next)) break;
    }
    // Which are overdue is the server's to say (its clock decides deadlines); between reads the
    // browser's clock turns cases overdue as their deadlines pass.
    const overdue = await attempt(() => Api.get(`/incidents?status=${OpenStatuses.join(",")}&overdue=true&limit=200&from=${encodeURIComponent(from)}`));
    if (overdue) for (const c of overdue.items) if (cases.has(c.id)) cases.get(c.id).overdue = true;
    // Keep what the feed brought meanwhile that the register has not projected yet.
    for (const [id, c] of this.cases) if (!cases.has(id) && c.fromFeed && Date.now() - c.fromFeed < 30000) cases.set(id, c);
    this.cases = cases;
    this.recount();
  }

  isOverdue(c, now = Date.now()) {
    if (c.overdue) return true;
    const due = c.status === "Dispatched" || c.status === "Registered" ? c.acceptDue : c.status === "Accepted" ? c.resolveDue : null;
    return !!due && new Date(due).getTime() < now;
  }

  recount() {
    const load = new Map();
    const now = Date.now();
    for (const c of this.cases.values()) {
      const grid = c.path?.gridId;
      if (!grid) continue;
      let l = load.get(grid);
      if (!l) load.set(grid, l = { open: 0, overdue: 0, escalated: 0 });
      l.open++;
      if (this.isOverdue(c, now)) l.overdue++;
      if (c.escalatedTo) l.escalated++;
    }
    this.map.setLoad(load);
    let open = 0, overdue = 0, escalated = 0;
    for (const l of load.values()) { open += l.open; overdue += l.overdue; escalated += l.escalated; }
    const totals = document.getElementById("totals");
    totals.textContent = `${t("openCount")} ${open} · ${t("overdueList")} ${overdue} · ${t("escalatedList")} ${escalated}`;
    totals.dataset.open = String(open);
  }

  tick() {
    this.recount();
    for (const node of document.querySelectorAll("[data-due]")) node.textContent = countdown(node.dataset.due);
  }

  onTransition(tr) {
    const open = OpenStatuses.includes(tr.to);
    const known = this.cases.get(tr.incidentId);
    if (!open) this.cases.delete(tr.incidentId);
    else if (known) {
      if (tr.version >= (known.version || 0)) Object.assign(known, { status: tr.to, path: tr.path, tracker: tr.tracker, assignee: tr.assignee, version: tr.version });
      if (tr.action === "Escalate") known.escalatedTo = tr.tracker;
    } else {
      this.cases.set(tr.incidentId, { id: tr.incidentId, status: tr.to, category: tr.category, path: tr.path, tracker: tr.tracker, assignee: tr.assignee,
        version: tr.version, reportedAt: tr.at, escalatedTo: tr.action === "Escalate" ? tr.tracker : null, fromFeed: Date.now() });
    }
    this.scheduleRecount();
    if (!this.feedPaused) this.feedQueue.push(tr);
    this.scheduleFeed();
    if (tr.incidentId === this.caseId) this.scheduleCaseReload();
    if (tr.path?.gridId && tr.path.gridId === this.deskGrid) this.scheduleDeskReload();
  }

  // A busy feed (100 transitions a second) is absorbed by batching: the feed list at most five times
  // a second, the map's colours (a recount of every open case and a redraw) at most four.
  scheduleRecount() {
    if (this.recountPending) return;
    this.recountPending = true;
    setTimeout(() => { this.recountPending = false; this.recount(); }, 250);
  }

  scheduleFeed() {
    if (this.feedPending) return;
    this.feedPending = true;
    setTimeout(() => requestAnimationFrame(() => { this.feedPending = false; this.renderFeed(); }), 200);
  }

  renderFeed() {
    const list = document.getElementById("feed-list");
    const batch = this.feedQueue.splice(0).slice(-FeedKept);
    const fragment = document.createDocumentFragment();
    for (const tr of batch.reverse()) {
      fragment.append(el("li", { "data-case": tr.incidentId },
        el("time", { datetime: tr.at, text: new Date(tr.at).toLocaleTimeString() }), " ",
        el("button", { type: "button", class: "link", text: tr.incidentId, onclick: () => this.openCase(tr.incidentId) }), " ",
        `${tr.action}: ${statusName(tr.from)} → ${statusName(tr.to)}`, " ",
        el("span", { class: "muted", text: `${tr.path?.gridId || tr.tracker?.key || ""} · ${tr.actor}` })));
    }
    list.prepend(fragment);
    while (list.childElementCount > FeedKept) list.lastElementChild.remove();
  }

  reloadLater(name, action) {
    clearTimeout(this[name]);
    this[name] = setTimeout(action, 300);
  }

  scheduleCaseReload() { this.reloadLater("caseTimer", () => this.openCase(this.caseId, false)); }
  scheduleDeskReload() { this.reloadLater("deskTimer", () => this.openDesk(this.deskGrid, false)); }

  async openDesk(gridId, focus = true) {
    this.deskGrid = gridId;
    this.map.select(gridId);
    document.getElementById("grid-pick").value = gridId;
    if (focus) this.showTab("panel-desk");
    const desk = await attempt(() => Api.get(`/grids/${encodeURIComponent(gridId)}/desk`));
    if (!desk) return;
    const panel = document.getElementById("desk-body");
    panel.replaceChildren(
      el("h3", { text: `${desk.name} (${desk.gridId})` }),
      el("p", { class: "muted", text: [desk.path.districtId, desk.path.streetId, desk.path.communityId].filter(Boolean).join(" › ") }),
      el("h4", { text: t("roster") }),
      el("table", {},
        el("thead", {}, el("tr", {}, ...["worker", "status", "load"].map(k => el("th", { scope: "col", text: t(k) })))),
        el("tbody", {}, ...desk.roster.map(r => el("tr", {},
          el("td", { text: `${r.worker.id} ${r.worker.name} (${r.worker.role})` }),
          el("td", { class: r.onDuty ? "on" : "off", text: t(r.onDuty ? "onDuty" : "offDuty") }),
          el("td", { text: String(r.openLoad) }))))),
      el("h4", { text: `${t("openCases")} (${desk.openCases.length})` }),
      desk.openCases.length ? el("ul", { class: "cases", id: "desk-cases" }, ...desk.openCases.map(c => el("li", {},
        el("button", { type: "button", class: "link", text: c.incidentId, onclick: () => this.openCase(c.incidentId) }),
        ` ${c.category} · ${statusName(c.status)} · ${c.assignee?.workerId || "—"} · ${t("due")} `,
        el("span", { "data-due": c.status === "Accepted" ? c.resolveDue : c.acceptDue || c.resolveDue, text: countdown(c.status === "Accepted" ? c.resolveDue : c.acceptDue || c.resolveDue) }))))
        : el("p", { text: t("none") }),
      el("h4", { text: t("notices") }),
      desk.notices.length ? el("ul", {}, ...desk.notices.map(n => el("li", { text: `${formatTime(n.at)} ${n.text}` }))) : el("p", { text: t("none") }));
  }

  async openCase(id, focus = true) {
    if (!id) return;
    this.caseId = id;
    if (focus) this.showTab("panel-case");
    document.getElementById("case-number").value = id;
    const c = await attempt(() => Api.get(`/incidents/${encodeURIComponent(id)}`));
    if (!c) return;
    document.getElementById("case-actions").hidden = false;
    const field = (key, value, attrs = {}) => [el("dt", { text: t(key) }), el("dd", { text: value, ...attrs })];
    document.getElementById("case-body").replaceChildren(
      el("h3", { text: `${c.id} · ${c.category}` }),
      el("dl", { class: "fields" },
        field("status", statusName(c.status), { id: "case-status", "data-status": c.status }),
        field("place", [c.placement?.path?.gridId, c.placement?.buildingId].filter(Boolean).join(" · ")),
        field("assignee", c.assignee?.workerId || c.assignee?.desk?.key || "—"),
        field("tracker", c.tracker?.key || "—"),
        field("reported", formatTime(c.reportedAt)),
        field("acceptDue", c.acceptDue ? `${formatTime(c.acceptDue)} (${countdown(c.acceptDue)})` : "—"),
        field("resolveDue", c.resolveDue ? `${formatTime(c.resolveDue)} (${countdown(c.resolveDue)})` : "—"),
        field("description", c.description)),
      el("h4", { text: t("timeline") }),
      el("table", { class: "timeline" },
        el("thead", {}, el("tr", {}, ...["at", "actor", "action", "change", "reason"].map(k => el("th", { scope: "col", text: t(k) })))),
        el("tbody", {}, ...c.timeline.map(e => el("tr", {},
          el("td", { text: formatTime(e.at) }), el("td", { text: e.actor }), el("td", { text: e.action }),
          el("td", { text: `${statusName(e.from)} → ${statusName(e.to)}` }), el("td", { text: e.reason || "" }))))));
  }

  async act(action) {
    const id = this.caseId;
    const reason = document.getElementById("action-reason").value.trim() || null;
    const worker = document.getElementById("action-worker").value.trim() || null;
    const bodies = {
      verify: ["verify", { passed: true, reason }],
      fail: ["verify", { passed: false, reason }],
      close: ["close", { reason }],
      reassign: ["reassign", { workerId: worker, reason }],
      supervise: ["supervise", { note: reason }],
      cancel: ["cancel", { reason }],
    };
    const [path, body] = bodies[action];
    const done = await attempt(() => Api.post(`/incidents/${encodeURIComponent(id)}/${path}`, body));
    if (done) {
      document.getElementById("action-reason").value = "";
      document.getElementById("action-worker").value = "";
      document.getElementById("action-status").textContent = `${t("done")}: ${statusName(done.status)}`;
      await this.openCase(id, false);
    } else {
      document.getElementById("action-status").textContent = "";
    }
  }

  renderLists() {
    const now = Date.now();
    const open = [...this.cases.values()];
    const overdue = open.filter(c => this.isOverdue(c, now));
    const escalated = open.filter(c => c.escalatedTo);
    const byLevel = (cases, levelOf) => {
      const groups = new Map();
      for (const c of cases) {
        const level = levelOf(c);
        if (!groups.has(level)) groups.set(level, []);
        groups.get(level).push(c);
      }
      return [...groups].map(([level, items]) => el("section", {},
        el("h5", { text: `${t("level_" + level)} (${items.length})` }),
        el("ul", { class: "cases" }, ...items.slice(0, 100).map(c => el("li", {},
          el("button", { type: "button", class: "link", text: c.id, onclick: () => this.openCase(c.id) }),
          ` ${c.category} · ${statusName(c.status)} · ${c.path?.gridId || ""} · ${c.escalatedTo ? `${t("escalatedTo")} ${c.escalatedTo.key}` : countdown(c.status === "Accepted" ? c.resolveDue : c.acceptDue)}`)))));
    };
    document.getElementById("overdue-list").replaceChildren(...(overdue.length ? byLevel(overdue, c => c.tracker?.level || "Grid") : [el("p", { text: t("none") })]));
    document.getElementById("escalated-list").replaceChildren(...(escalated.length ? byLevel(escalated, c => c.escalatedTo.level) : [el("p", { text: t("none") })]));
  }

  /**
   * Streets and communities ranked by the monthly assessment of the month picked (the hotline's
   * response, resolution and satisfaction rates, scored on the server).
   */
  async loadRankings() {
    this.rankingsLoaded = true;
    const month = document.getElementById("stats-month");
    if (!month.value) {
      const now = new Date(Date.now() + 8 * 3600_000);
      month.value = now.toISOString().slice(0, 7);
    }

    await attempt(async () => {
      const percent = v => v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`;
      const sections = [];
      for (const [level, title] of [["street", "streets"], ["community", "communities"]]) {
        const assessment = await Api.get(`/assessment?level=${level}&month=${encodeURIComponent(month.value)}`);
        const rows = assessment.units.map(u => el("tr", {},
          el("td", { text: String(u.rank) }), el("td", { text: `${u.name} (${u.desk.slice(u.desk.indexOf(":") + 1)})` }),
          el("td", { text: String(u.cases) }), el("td", { text: percent(u.responseRate) }), el("td", { text: percent(u.resolutionRate) }),
          el("td", { text: percent(u.satisfactionRate) }), el("td", { text: percent(u.onTimeRate) }),
          el("td", { text: String(u.extensions) }), el("td", { text: String(u.appeals) }), el("td", { text: u.score.toFixed(1) })));
        sections.push(el("h4", { text: t(title) }), el("table", { class: "ranking", "data-level": level },
          el("thead", {}, el("tr", {}, ...["#", title, "cases", "responseRate", "resolutionRate", "satisfactionRate", "onTimeRate", "extensionsCol", "appealsCol", "assessScore"]
            .map(k => el("th", { scope: "col", text: k === "#" ? "#" : t(k) })))),
          el("tbody", {}, ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "10", text: t("none") }))]))));
      }

      document.getElementById("rankings").replaceChildren(...sections);
    });
  }
}
