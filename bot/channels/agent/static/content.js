/* Frontline content suggestions at /agent/content, for editors. Vanilla JS; server data
   (customers' redacted questions, agents' replies) is shown with textContent only. */
(function () {
  "use strict";

  const { $, el, api: call } = window.FrontlineKit;

  function suggestion(s) {
    const what = s.kind === "missing_variant" && s.nearest
      ? `Looks like a missing variant of "${s.nearest.entry_id}" (similarity ${s.nearest.similarity.toFixed(2)})`
      : "Looks like a missing entry";
    const draft = s.draft || {};
    const card = el(
      "article",
      { className: "ct-card" },
      el("h3", {}, `${s.rank}. ${s.examples[0] || ""}`),
      el("p", { className: "an-hint" }, `${s.size} conversations · ${s.languages.join(", ")} · last asked ${new Date(s.last_asked).toLocaleString()} · ${what}`),
      el("h4", {}, "Examples"),
      el("ul", {}, ...s.examples.map((text) => el("li", {}, text))),
    );
    if (s.candidate_answers.length) {
      card.append(el("h4", {}, "How agents answered"), el("ul", {}, ...s.candidate_answers.map((text) => el("li", {}, text))));
    }
    card.append(el("h4", {}, "Draft entry"), el("pre", { className: "ct-draft" }, JSON.stringify(draft, null, 2)));
    return card;
  }

  function learnedTable(pairs) {
    if (!pairs.length) return el("p", {}, "Nothing new.");
    const rows = pairs.map((p) => {
      const accept = el("button", { type: "button", textContent: "Accept" });
      const dismiss = el("button", { type: "button", textContent: "Dismiss" });
      accept.addEventListener("click", () => act(p.id, "accept"));
      dismiss.addEventListener("click", () => act(p.id, "dismiss"));
      return el(
        "tr",
        {},
        el("td", {}, p.text),
        el("td", {}, p.language),
        el("td", {}, p.entry_id),
        el("td", {}, String(p.customers)),
        el("td", {}, accept, " ", dismiss),
      );
    });
    return el(
      "table",
      { className: "an-table" },
      el("thead", {}, el("tr", {}, ...["customer wrote", "language", "chose entry", "customers", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows),
    );
  }

  async function act(id, action) {
    try {
      const done = await call("POST", `/agent/api/content/learned/${id}/${action}`);
      $("ct-status").textContent = action === "accept" ? `Added to ${done.file}.` : "Dismissed.";
      load();
    } catch (error) {
      $("ct-status").textContent = `Not done: ${error.message}`;
    }
  }

  async function load() {
    try {
      const data = await call("GET", "/agent/api/content");
      $("ct-computed").textContent = data.computed_at
        ? `Computed ${new Date(data.computed_at).toLocaleString()} from questions since ${new Date(data.since).toLocaleDateString()}. Refresh with: uv run frontline faq suggest --save`
        : "Not computed yet. Run: uv run frontline faq suggest --save";
      $("ct-suggestions").replaceChildren(...(data.suggestions.length ? data.suggestions.map(suggestion) : [el("p", {}, "No suggestions.")]));
      $("ct-learned").replaceChildren(learnedTable(data.learned));
    } catch (error) {
      if (error.status === 401) {
        $("ct-view").hidden = true;
        $("ct-login").hidden = false;
        return;
      }
      $("ct-status").textContent = `Could not load: ${error.message}`;
    }
  }

  async function start() {
    try {
      $("agent-name").textContent = (await call("GET", "/agent/api/me")).agent;
    } catch (_) {
      $("ct-login").hidden = false;
      return;
    }
    $("ct-view").hidden = false;
    load();
  }

  start();
})();
