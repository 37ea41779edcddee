// Sign-in and the choice of screen by the key's role.
"use strict";
const Screens = { operator: "operator-view", admin: "operator-view", hotline: "hotline-view", worker: "worker-view" };
let current = null;

async function signIn(key) {
  sessionStorage.setItem("dispatch.key", key);
  let session;
  try {
    session = await Api.get("/session");
  } catch (error) {
    sessionStorage.removeItem("dispatch.key");
    showProblem(error);
    return;
  }
  showProblem(null);
  document.getElementById("sign-in-view").hidden = true;
  document.getElementById("sign-out").hidden = false;
  const who = document.getElementById("who");
  const introduce = () => { who.textContent = `${t("signedInAs")} ${session.name} (${t("role_" + session.role)})`; };
  introduce();
  document.addEventListener("dispatch:language", introduce);
  who.dataset.role = session.role;
  document.getElementById(Screens[session.role]).hidden = false;
  current = session.role === "worker" ? new WorkerScreen(session.workerId)
    : session.role === "hotline" ? new HotlineDesk()
    : new OperatorConsole();
  await current.start();
}

function signOut() {
  current?.stop();
  sessionStorage.removeItem("dispatch.key");
  location.reload();
}

document.getElementById("sign-in").addEventListener("submit", e => {
  e.preventDefault();
  signIn(document.getElementById("key").value.trim());
});
document.getElementById("sign-out").addEventListener("click", signOut);
document.getElementById("lang").addEventListener("click", () => setLanguage(language === "zh" ? "en" : "zh"));
// Tabs: arrow keys move between them (the WAI-ARIA tabs pattern).
document.addEventListener("keydown", e => {
  const tab = e.target.closest?.("[role=tab]");
  if (!tab || !["ArrowLeft", "ArrowRight"].includes(e.key)) return;
  const tabs = [...tab.parentElement.querySelectorAll("[role=tab]")];
  const next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
  next.focus();
  next.click();
});

translatePage();
if (Api.key()) signIn(Api.key());
