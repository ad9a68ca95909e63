/* Frontline analytics at /agent/analytics. Vanilla JS; server data is shown with
   textContent and DOM nodes only (entry ids and questions are written by editors). */
(function () {
  "use strict";

  const OUTCOMES = [
    ["automated_resolution", "Automated resolution"],
    ["handoff", "Handoff"],
    ["abandoned", "Abandoned"],
    ["no_answer", "No answer"],
  ];
  const REASONS = ["request", "sensitive", "anger", "missing_knowledge", "failure"];
  const { $, el, api, table } = window.FrontlineKit;
  const get = (path) => api("GET", path);

  const percent = (share) => `${(100 * share).toFixed(1)}%`;
  const label = (name) => name.replace(/_/g, " ");
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "-";
    return seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
  }

  /** A number that opens the conversations behind it. */
  function drill(text, filters, description) {
    const button = el("button", { type: "button", className: "an-drill", textContent: text });
    button.addEventListener("click", () => openDrill(filters, description));
    return button;
  }

  function bar(share, kind) {
    const outer = el("span", { className: "an-bar" });
    const inner = el("span", { className: `an-bar-fill an-${kind}` });
    inner.style.width = `${Math.round(share * 100)}%`; // CSSOM: allowed by the page's CSP
    outer.append(inner);
    return outer;
  }

  function summary(f) {
    const cards = [el("div", { className: "an-card" }, drill(f.conversations.toLocaleString(), {}, "all conversations"), el("span", {}, "conversations"))];
    for (const [key, name] of OUTCOMES) {
      cards.push(
        el(
          "div",
          { className: "an-card" },
          drill(percent(f[`${key}_rate`]), { outcome: key }, name.toLowerCase()),
          el("span", {}, `${name} (${f[`${key}_count`]})`),
        ),
      );
    }
    const csat = f.csat_average === null ? "-" : `${f.csat_average.toFixed(2)} / 5`;
    cards.push(el("div", { className: "an-card" }, el("b", {}, csat), el("span", {}, `CSAT (${f.csat_count} ratings)`)));
    $("an-summary").replaceChildren(...cards);
  }

  function grouped(target, groups, filter) {
    const names = Object.keys(groups);
    if (!names.length) return $(target).replaceChildren(el("p", {}, "No conversations."));
    const rows = names.map((name) => {
      const g = groups[name];
      return [
        drill(name, { [filter]: name }, `${filter} ${name}`),
        drill(String(g.conversations), { [filter]: name }, `${filter} ${name}`),
        el("span", {}, drill(percent(g.automated_resolution_rate), { [filter]: name, outcome: "automated_resolution" }, `${filter} ${name}, resolved`), " ", bar(g.automated_resolution_rate, "resolved")),
        el("span", {}, drill(percent(g.handoff_rate), { [filter]: name, outcome: "handoff" }, `${filter} ${name}, handed off`), " ", bar(g.handoff_rate, "handoff")),
      ];
    });
    $(target).replaceChildren(table([label(filter), "conversations", "automated resolution", "handoff"], rows));
  }

  function entries(target, rows) {
    if (!rows.length) return $(target).replaceChildren(el("p", {}, "None."));
    $(target).replaceChildren(
      table(
        ["entry", "question", "conversations", "resolved", "handoffs", "CSAT"],
        rows.map((r) => [
          r.id,
          r.question,
          drill(String(r.conversations), { entry: r.id }, `answered with ${r.id}`),
          percent(r.resolution_rate),
          drill(String(r.handoffs), { entry: r.id, outcome: "handoff" }, `answered with ${r.id}, then handed off`),
          r.csat_average === null ? "-" : String(r.csat_average),
        ]),
      ),
    );
  }

  function render(f) {
    summary(f);
    grouped("an-days", f.by_day, "day");
    grouped("an-channels", f.by_channel, "channel");
    grouped("an-languages", f.by_language, "language");
    $("an-reasons").replaceChildren(
      table(["reason", "handoffs"], REASONS.map((r) => [label(r), drill(String(f.handoff_reasons[r]), { outcome: "handoff", reason: r }, `handoffs for ${label(r)}`)])),
    );
    const h = f.human;
    $("an-human").replaceChildren(
      table(
        ["", "median", "p90", "median, business hours", "tickets"],
        ["first_response", "resolution"].map((n) => [label(n), duration(h[`${n}_median_s`]), duration(h[`${n}_p90_s`]), duration(h[`${n}_business_median_s`]), String(h[`${n}_count`])]),
      ),
    );
    entries("an-entries", f.entries.slice(0, 15));
    entries("an-unhelpful", f.entries.filter((e) => e.unhelpful));
    $("an-never").replaceChildren(...(f.never_matched.length ? f.never_matched.map((id) => el("li", {}, id)) : [el("li", {}, "None.")]));
    $("an-stale").replaceChildren(...(f.stale.length ? f.stale.map((s) => el("li", {}, `${s.id} (reviewed ${s.last_reviewed})`)) : [el("li", {}, "None.")]));
  }

  async function openDrill(filters, description) {
    const query = new URLSearchParams({ since: $("an-since").value, ...filters });
    $("an-drill").hidden = false;
    $("an-drill-what").textContent = `Loading ${description}…`;
    try {
      const found = await get(`/agent/api/analytics/conversations?${query}`);
      const shown = found.conversations.length;
      $("an-drill-what").textContent = `${found.total} conversation windows: ${description}` + (shown < found.total ? ` (newest ${shown} shown)` : "");
      $("an-drill-table").replaceChildren(
        table(
          ["started", "conversation", "channel", "language", "outcome", "reason", "entries", "reopened", "CSAT", "ticket"],
          found.conversations.map((c) => [
            new Date(c.window_start).toLocaleString(),
            c.sender_id,
            c.channel,
            c.language,
            label(c.outcome),
            label(c.handoff_reason || ""),
            c.entries_answered.join(", "),
            String(c.reopen_count),
            c.csat === null ? "" : String(c.csat),
            c.ticket_id ? el("a", { href: `/agent#${encodeURIComponent(c.ticket_id)}`, textContent: "open" }) : "",
          ]),
        ),
      );
      $("an-drill").scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      $("an-drill-what").textContent = `Could not load them: ${error.message}`;
    }
  }

  async function load() {
    $("an-status").textContent = "Loading…";
    try {
      render(await get(`/agent/api/analytics?since=${encodeURIComponent($("an-since").value)}`));
      $("an-status").textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (error.status === 401) return showLogin();
      $("an-status").textContent = `Could not load the figures: ${error.message}`;
    }
  }

  function showLogin() {
    $("an-view").hidden = true;
    $("an-login").hidden = false;
  }

  async function start() {
    try {
      const me = await get("/agent/api/me");
      $("agent-name").textContent = me.agent;
    } catch (error) {
      return showLogin();
    }
    $("an-view").hidden = false;
    $("an-since").addEventListener("change", () => {
      $("an-drill").hidden = true;
      load();
    });
    load();
  }

  start();
})();
