// The grid worker's phone screen: duty on and off, and my cases with accept, reject with a reason,
// the first contact with the resident, notes and resolve, and the on-site check (核实) of a held report:
// found (filed) or not found.
"use strict";
class WorkerScreen {
  constructor(workerId) {
    this.workerId = workerId;
  }

  async start() {
    document.getElementById("duty").addEventListener("click", () => this.toggleDuty());
    document.addEventListener("dispatch:language", () => { this.signature = null; this.refresh(); });
    await this.refresh();
    // Workers have no feed (it is for operators): a phone re-reads its cases every few seconds.
    this.poller = setInterval(() => this.refresh(), 5000);
    this.ticker = setInterval(() => { for (const n of document.querySelectorAll("#my-cases [data-due]")) n.textContent = countdown(n.dataset.due); }, 1000);
  }

  stop() { clearInterval(this.poller); clearInterval(this.ticker); }

  async refresh() {
    const me = await attempt(() => Api.get(`/workers/${encodeURIComponent(this.workerId)}`));
    if (!me) return;
    this.onDuty = me.onDuty;
    const duty = document.getElementById("duty");
    duty.textContent = t(me.onDuty ? "dutyOff" : "dutyOn");
    duty.dataset.t = me.onDuty ? "dutyOff" : "dutyOn";
    duty.setAttribute("aria-pressed", String(me.onDuty));
    const state = document.getElementById("duty-state");
    state.textContent = `${me.profile.name} (${me.profile.id}) · ${t(me.onDuty ? "onDuty" : "offDuty")}`;
    state.dataset.onDuty = String(me.onDuty);
    this.render(me.assignments);
  }

  async toggleDuty() {
    if (await attempt(() => Api.put(`/workers/${encodeURIComponent(this.workerId)}/duty`, { onDuty: !this.onDuty }))) await this.refresh();
  }

  render(cases) {
    const list = document.getElementById("my-cases");
    // Keep what is being typed: re-render only when the cases changed.
    const signature = JSON.stringify(cases.map(c => [c.incidentId, c.status, c.version]));
    if (signature === this.signature) return;
    this.signature = signature;
    if (!cases.length) { list.replaceChildren(el("p", { text: t("noCases") })); return; }
    list.replaceChildren(...cases.map(c => {
      const due = c.status === "Accepted" ? c.resolveDue : c.status === "AwaitingConfirmation" ? c.confirmDue : c.acceptDue;
      const text = el("textarea", { id: `text-${c.incidentId}`, rows: "2" });
      const act = (path, body) => async () => {
        const done = await attempt(() => Api.post(`/incidents/${encodeURIComponent(c.incidentId)}/${path}`, body?.(text.value.trim())));
        if (done) { this.signature = null; await this.refresh(); }
      };
      return el("article", { class: "card", "data-case": c.incidentId, "data-status": c.status },
        el("h3", { text: c.incidentId }),
        el("p", {}, `${c.category} · `, el("strong", { class: "case-status", text: statusName(c.status) })),
        el("p", {}, `${t("due")}: `, el("span", { "data-due": due, text: countdown(due) })),
        // Until someone has reached the resident who reported it, its own clock (首次联系).
        c.contactDue && el("p", { class: "contact-due" }, `${t("contactBy")}: `, el("span", { "data-due": c.contactDue, text: countdown(c.contactDue) })),
        el("label", { for: text.id, text: t("resultOrReason") }), text,
        // The actions the case's state allows; the server decides in the end and its refusal is shown.
        el("div", { class: "buttons" },
          c.status === "AwaitingConfirmation" && el("button", { type: "button", "data-action": "confirm", text: t("confirmFound"), onclick: act("confirm", v => ({ confirmed: true, note: v || null })) }),
          c.status === "AwaitingConfirmation" && el("button", { type: "button", "data-action": "unconfirmed", text: t("confirmNotFound"), onclick: act("confirm", v => ({ confirmed: false, note: v })) }),
          c.status === "Dispatched" && el("button", { type: "button", "data-action": "accept", text: t("accept"), onclick: act("accept") }),
          c.status === "Dispatched" && el("button", { type: "button", "data-action": "reject", text: t("reject"), onclick: act("reject", v => ({ reason: v })) }),
          c.contactDue && el("button", { type: "button", "data-action": "contact", text: t("contacted"), onclick: act("contact", v => ({ note: v })) }),
          el("button", { type: "button", "data-action": "note", text: t("note"), onclick: act("notes", v => ({ note: v })) }),
          c.status === "Accepted" && el("button", { type: "button", "data-action": "resolve", text: t("resolve"), onclick: act("resolve", v => ({ result: v })) })));
    }));
  }
}
