/* Frontline incidents at /agent/incidents: surge alerts, and incidents declared, approved,
   updated and resolved by agents. Vanilla JS; server data (customers' words in the alerts'
   examples, agents' texts) is shown with textContent and DOM nodes only. */
(function () {
  "use strict";

  const REFRESH_MS = 15000;
  const { $, el, api, table } = window.FrontlineKit;
  const state = { languages: [], selected: null, incident: null };

  const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "");
  const counts = (map) => Object.entries(map || {}).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  const say = (text) => { $("in-status").textContent = text; };

  function badge(status) {
    return el("span", { className: `badge in-${status}` }, status);
  }

  /* ---- alerts ---- */

  function renderAlerts(alerts) {
    if (!alerts.length) return $("in-alerts").replaceChildren(el("p", { className: "an-hint" }, "No surge alerts."));
    const rows = alerts.map((a) => {
      const examples = el("ul", { className: "in-examples" }, ...a.examples.map((e) => el("li", {}, e)));
      const action = a.incident
        ? el("button", { type: "button", className: "an-drill", textContent: `incident ${a.incident}`, onclick: () => openIncident(a.incident) })
        : el("button", { type: "button", className: "in-from-alert", textContent: "Declare incident", onclick: () => fromAlert(a) });
      return [
        when(a.at),
        el("span", {}, el("b", {}, a.title || a.topic), a.title ? el("span", { className: "in-muted" }, ` ${a.topic}`) : ""),
        `${a.count} (usually ${a.baseline_median}, z ${a.z})`,
        `${a.angry} angry (${Math.round(100 * a.anger_share)}%)`,
        counts(a.channels),
        examples,
        action,
      ];
    });
    $("in-alerts").replaceChildren(table(["when", "topic", "messages", "anger", "channels", "examples (redacted)", ""], rows));
  }

  function fromAlert(alert) {
    $("in-title").value = alert.title || alert.topic;
    $("in-topic").value = alert.topic;
    $("in-known").focus();
    $("in-declare").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  /* ---- incidents ---- */

  function renderList(incidents) {
    if (!incidents.length) return $("in-list").replaceChildren(el("p", { className: "an-hint" }, "No incidents."));
    const rows = incidents.map((i) => [
      el("button", { type: "button", className: "an-drill", textContent: i.title, onclick: () => openIncident(i.id) }),
      i.topic,
      badge(i.status),
      `${i.created_by}, ${when(i.created_at)}`,
      i.approved_by ? `${i.approved_by}, ${when(i.approved_at)}` : "",
      i.resolved_by ? `${i.resolved_by}, ${when(i.resolved_at)}` : "",
    ]);
    $("in-list").replaceChildren(table(["incident", "topic", "status", "declared", "approved", "resolved"], rows));
  }

  /** One textarea per language, named by the language, prefilled from ``texts``. */
  function textFields(target, name, texts, editable) {
    const fields = state.languages.map((language) => {
      const id = `in-${name}-${language}`;
      const area = el("textarea", { id, rows: 3, maxLength: 4000, readOnly: !editable, value: (texts || {})[language] || "" });
      area.dataset.language = language;
      return el("div", { className: "in-text" }, el("label", { htmlFor: id, textContent: language }), area);
    });
    $(target).replaceChildren(...fields);
  }

  function textsOf(target) {
    const texts = {};
    for (const area of $(target).querySelectorAll("textarea")) texts[area.dataset.language] = area.value;
    return texts;
  }

  function describe(entry) {
    const d = entry.detail || {};
    if (entry.what === "statement_sent" || entry.what.endsWith("_sent") || entry.what.endsWith("_failed") || entry.what === "subscribed") {
      return [d.conversation, d.channel, d.language, d.failure].filter(Boolean).join(" · ");
    }
    if (entry.what === "linked") return `ticket ${d.ticket}`;
    if (entry.what === "opened") return `${d.title} (${d.topic})`;
    return "";
  }

  function renderDetail(data) {
    const i = data.incident;
    state.incident = i;
    state.languages = data.languages;
    $("in-detail").hidden = false;
    $("in-detail-h").textContent = i.title;
    $("in-detail-meta").replaceChildren(badge(i.status), ` ${i.topic} · declared by ${i.created_by} ${when(i.created_at)}`,
      i.approved_by ? ` · approved by ${i.approved_by} ${when(i.approved_at)}` : "",
      i.resolved_by ? ` · resolved by ${i.resolved_by} ${when(i.resolved_at)}` : "");
    const draft = i.status === "draft";
    textFields("in-statement-texts", "statement", i.statement, draft);
    $("in-save").hidden = !draft;
    $("in-approve").hidden = !draft;
    $("in-update").hidden = i.status !== "open";
    $("in-resolve").hidden = i.status !== "open";
    if (i.status === "open") {
      textFields("in-update-texts", "update", {}, true);
      textFields("in-resolve-texts", "follow-up", {}, true);
    }
    $("in-updates").replaceChildren(...(data.updates.length
      ? data.updates.map((u) => el("li", {}, `${when(u.at)} ${u.by}: ${Object.values(u.text)[0] || ""}`))
      : [el("li", {}, "None yet.")]));
    $("in-tickets").replaceChildren(...(data.tickets.length
      ? data.tickets.map((t) => el("li", {}, el("a", { href: `/agent#${encodeURIComponent(t.id)}`, textContent: `${t.customer} (${t.channel}, ${t.status})` })))
      : [el("li", {}, "None yet.")]));
    $("in-audit").replaceChildren(table(["when", "who", "what", ""], data.audit.map((a) => [when(a.at), a.who, a.what.replace(/_/g, " "), describe(a)])));
  }

  async function openIncident(id) {
    state.selected = id;
    try {
      renderDetail(await api("GET", `/agent/api/incidents/${encodeURIComponent(id)}`));
      $("in-detail").scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      say(`Could not open the incident: ${error.message}`);
    }
  }

  async function act(action, body, done) {
    const id = state.incident.id;
    try {
      renderDetail(await api("POST", `/agent/api/incidents/${encodeURIComponent(id)}/${action}`, body));
      say(done);
      refresh();
    } catch (error) {
      say(`Not done: ${error.message}`);
    }
  }

  async function declare(event) {
    event.preventDefault();
    const body = {
      title: $("in-title").value,
      topic: $("in-topic").value,
      draft: { known: $("in-known").value, next_update: $("in-next").value },
    };
    try {
      const data = await api("POST", "/agent/api/incidents", body);
      $("in-declare").reset();
      renderDetail(data);
      say("Drafted. Check the statement in every language, then approve it.");
      refresh();
      $("in-detail").scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      say(`Not declared: ${error.message}`);
    }
  }

  async function approve(event) {
    event.preventDefault();
    try {  // the texts as shown are the texts approved
      await api("POST", `/agent/api/incidents/${encodeURIComponent(state.incident.id)}/edit`, { statement: textsOf("in-statement-texts") });
    } catch (error) {
      return say(`Not approved: ${error.message}`);
    }
    act("approve", undefined, "Approved: customers who write about this topic get the statement.");
  }

  async function refresh() {
    try {
      const [alerts, incidents] = await Promise.all([api("GET", "/agent/api/alerts"), api("GET", "/agent/api/incidents")]);
      state.languages = incidents.languages;
      renderAlerts(alerts.alerts);
      renderList(incidents.incidents);
    } catch (error) {
      if (error.status === 401) return showLogin();
      say(`Could not load: ${error.message}`);
    }
  }

  function showLogin() {
    $("in-view").hidden = true;
    $("in-login").hidden = false;
  }

  async function start() {
    try {
      $("agent-name").textContent = (await api("GET", "/agent/api/me")).agent;
    } catch (error) {
      return showLogin();
    }
    $("in-view").hidden = false;
    $("in-declare").addEventListener("submit", declare);
    $("in-statement").addEventListener("submit", approve);
    $("in-save").addEventListener("click", () => act("edit", { statement: textsOf("in-statement-texts") }, "Draft saved."));
    $("in-update").addEventListener("submit", (event) => {
      event.preventDefault();
      act("update", { text: textsOf("in-update-texts") }, "Update sent to every linked and subscribed customer.");
    });
    $("in-resolve").addEventListener("submit", (event) => {
      event.preventDefault();
      act("resolve", { follow_up: textsOf("in-resolve-texts") }, "Resolved: the follow-up goes out.");
    });
    await refresh();
    if (location.hash.length > 1) openIncident(decodeURIComponent(location.hash.slice(1)));
    setInterval(refresh, REFRESH_MS);
  }

  start();
})();
