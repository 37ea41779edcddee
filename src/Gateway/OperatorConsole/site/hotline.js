// The hotline's screen: the intake form (category, caller, location by building, address or a
// point on the map), the caller's earlier cases, and the follow-up rating.
"use strict";
class HotlineDesk {
  constructor() {
    this.map = new CityMap(document.getElementById("intake-map"), (gridId, point) => this.placeOnMap(point));
    window.dispatchMap = this.map;
    this.idempotencyKey = crypto.randomUUID();
  }

  async start() {
    const catalog = await attempt(() => Api.get("/catalog"));
    if (catalog) {
      document.getElementById("intake-category").replaceChildren(...catalog.categories.map(c =>
        el("option", { value: c.code, text: `${c.nameZh} / ${c.nameEn}`, title: language === "zh" ? c.descriptionZh : c.descriptionEn })));
    }
    document.getElementById("intake").addEventListener("submit", e => { e.preventDefault(); this.submit(); });
    document.getElementById("intake").addEventListener("input", () => { this.idempotencyKey = crypto.randomUUID(); });
    for (const radio of document.querySelectorAll("input[name=location-by]")) radio.addEventListener("change", () => this.showLocation());
    document.getElementById("find-building").addEventListener("click", () => this.findBuilding());
    document.getElementById("building-search").addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.searchBuildings(), 250);
    });
    document.getElementById("intake-phone").addEventListener("change", () => this.showEarlier());
    document.getElementById("rating").addEventListener("submit", e => { e.preventDefault(); this.rate(); });
    this.showLocation();
    await attempt(() => this.map.loadMap());
  }

  stop() {}

  showLocation() {
    const by = document.querySelector("input[name=location-by]:checked").value;
    for (const part of document.querySelectorAll("[data-location]")) part.hidden = part.dataset.location !== by;
    if (by === "map") this.map.request();
  }

  /** Buildings whose address holds what was typed; picking one fills the building id. */
  async searchBuildings() {
    const text = document.getElementById("building-search").value.trim();
    const list = document.getElementById("building-results");
    if (text.replace(/[\s\p{P}]/gu, "").length < 2) {
      list.replaceChildren();
      return;
    }

    const found = await attempt(() => Api.get(`/territory/buildings?q=${encodeURIComponent(text)}`)) ?? [];
    list.replaceChildren(...(found.length
      ? found.map(b => el("li", {}, el("button", {
          type: "button", class: "link", "data-building": b.building.id, text: `${b.building.address} · ${b.building.name} (${b.building.id})`,
          onclick: () => {
            document.getElementById("intake-building").value = b.building.id;
            list.replaceChildren();
            this.findBuilding();
          },
        })))
      : [el("li", { text: t("none") })]));
  }

  async findBuilding() {
    const id = document.getElementById("intake-building").value.trim();
    if (!id) return;
    const found = await attempt(() => Api.get(`/territory/buildings/${encodeURIComponent(id)}`));
    document.getElementById("building-found").textContent = found ? `${found.building.name}, ${found.building.address} → ${found.path.gridId || found.path.communityId || ""}` : "";
    if (found) this.map.select(found.building.gridId);
  }

  async placeOnMap(point) {
    // A click on the map chooses the map as the way to give the location.
    document.querySelector("input[name=location-by][value=map]").checked = true;
    this.showLocation();
    document.getElementById("intake-longitude").value = point.longitude.toFixed(6);
    document.getElementById("intake-latitude").value = point.latitude.toFixed(6);
    this.idempotencyKey = crypto.randomUUID();
    const path = await attempt(() => Api.get(`/territory/locate?longitude=${point.longitude}&latitude=${point.latitude}`));
    if (path) {
      this.map.select(path.gridId);
      document.getElementById("point-found").textContent = path.gridId || path.lowestDesk?.key || "";
    }
  }

  location() {
    const by = document.querySelector("input[name=location-by]:checked").value;
    if (by === "building") return { buildingId: document.getElementById("intake-building").value.trim() };
    if (by === "address") return { address: document.getElementById("intake-address").value.trim() };
    const number = id => { const v = document.getElementById(id).value.trim(); return v === "" ? null : Number(v); };
    return { longitude: number("intake-longitude"), latitude: number("intake-latitude") };
  }

  async submit() {
    const phone = document.getElementById("intake-phone").value.trim();
    const report = {
      category: document.getElementById("intake-category").value,
      description: document.getElementById("intake-description").value,
      reporter: { name: document.getElementById("intake-name").value, phone },
      channel: "Hotline",
      location: this.location(),
    };
    // One key per filled form: a double click or a retry registers one case.
    const created = await attempt(() => Api.post("/incidents", report, { "Idempotency-Key": this.idempotencyKey }));
    if (!created) return;
    document.getElementById("intake-result").replaceChildren(`${t("registered")} `, el("strong", { id: "intake-case", text: created.id }), ` (${statusName(created.status)})`);
    document.getElementById("rating-case").value = created.id;
    this.idempotencyKey = crypto.randomUUID();
    await this.showEarlier(created.id);
  }

  /** The caller's earlier cases, newest first, from the register (searched by the phone's digits). */
  async showEarlier(justRegistered = null) {
    const phone = document.getElementById("intake-phone").value.trim();
    const list = document.getElementById("earlier");
    if (phone.replace(/\D/g, "").length < 3) {
      list.replaceChildren(el("li", { text: t("none") }));
      return;
    }

    const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const search = () => attempt(() => Api.get(`/incidents?phone=${encodeURIComponent(phone)}&from=${encodeURIComponent(from)}&limit=20`));
    let page = await search();
    // The register shows a new case within about a quarter of a second: wait for the one just registered.
    for (let tries = 0; justRegistered && page && !page.items.some(c => c.id === justRegistered) && tries < 10; tries++) {
      await new Promise(resolve => setTimeout(resolve, 300));
      page = await search();
    }

    const cases = page?.items ?? [];
    list.replaceChildren(...(cases.length
      ? cases.map(c => el("li", {}, el("strong", { text: c.id }), ` ${c.category} · ${statusName(c.status)} · ${formatTime(c.reportedAt)}${c.rating ? ` · ★${c.rating}` : ""}`))
      : [el("li", { text: t("none") })]));
  }


  async rate() {
    const id = document.getElementById("rating-case").value.trim();
    const done = await attempt(() => Api.post(`/incidents/${encodeURIComponent(id)}/rate`, {
      score: Number(document.getElementById("rating-score").value),
      comment: document.getElementById("rating-comment").value,
    }));
    if (done) {
      document.getElementById("rating-result").textContent = `${t("done")}: ${statusName(done.status)}`;
      await this.showEarlier();
    }
  }
}
