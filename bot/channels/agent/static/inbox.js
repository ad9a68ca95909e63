/* Frontline agent inbox. Vanilla JS, no dependencies.
   Everything from the server is shown with textContent and DOM nodes, never innerHTML:
   ticket data is written by customers. */
(function () {
  "use strict";

  const REFRESH_MS = 2000;
  const ACTIVE = ["queued", "open", "claimed"];
  const AUTHORS = ["customer", "bot", "agent"];

  const state = {
    agent: null,
    selected: null,
    ticket: null,
    listTimer: null,
    detailTimer: null,
    busy: false,
  };

  // The element builder, $ and ApiError are kit.js's (loaded first), as on the other pages.
  const { $, el, ApiError } = window.FrontlineKit;

  /** A JSON request to the inbox's API; changes carry the X-Frontline-Inbox header, which
      a forged cross-site form cannot send. */
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const options = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (method !== "GET") headers["X-Frontline-Inbox"] = "1";
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data.error || response.statusText);
    return data;
  }

  /* ---- time, in the agent's own locale ---- */

  function when(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function age(iso) {
    const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
    const steps = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (const [unit, size] of steps) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return format.format(0, "minute");
  }

  function timeNode(iso, text) {
    return el("time", { dateTime: iso || "", textContent: text });
  }

  function score(value) {
    return typeof value === "number" ? value.toFixed(2) : "";
  }

  /* ---- views ---- */

  function setStatus(message) {
    $("inbox-status").textContent = message || "";
  }

  function showLogin(message) {
    stopTimers();
    state.agent = null;
    state.selected = null;
    state.ticket = null;
    $("inbox-view").hidden = true;
    $("login-view").hidden = false;
    $("login-error").textContent = message || "";
    $("login-password").value = "";
    $("login-name").focus();
  }

  function showInbox(agent) {
    state.agent = agent;
    $("agent-name").textContent = agent;
    $("login-view").hidden = true;
    $("inbox-view").hidden = false;
    setStatus("");
    refreshList();
    // A link from the analytics page names a ticket: /agent#<ticket id>.
    if (location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)));
    stopTimers();
    state.listTimer = setInterval(refreshList, REFRESH_MS);
    state.detailTimer = setInterval(refreshDetail, REFRESH_MS);
  }

  function stopTimers() {
    clearInterval(state.listTimer);
    clearInterval(state.detailTimer);
    state.listTimer = state.detailTimer = null;
  }

  /** A failed call: back to the login form when the session is gone, else say so. */
  function failed(error) {
    if (error instanceof ApiError && error.status === 401) {
      showLogin("Your session has ended. Please log in again.");
    } else {
      setStatus(error.message || "Something went wrong.");
    }
  }

  /* ---- ticket list ---- */

  function firstReason(ticket) {
    const reason = (ticket.reasons || [])[0];
    return reason ? `${reason.signal}: ${reason.evidence}` : "";
  }

  function statusBadge(ticket) {
    let label = ticket.status;
    if (ticket.status === "queued" && ticket.due_at) label = `queued until ${when(ticket.due_at)}`;
    if (ticket.status === "claimed" && ticket.claimed_by) label = `claimed by ${ticket.claimed_by}`;
    return el("span", { className: `badge ${ticket.status}`, textContent: label });
  }

  function ticketSummary(ticket) {
    return [
      el("span", { className: "ticket-customer", textContent: ticket.customer }),
      el(
        "span",
        { className: "ticket-line" },
        `${ticket.channel} · ${ticket.language} · `,
        timeNode(ticket.created_at, age(ticket.created_at)),
      ),
      el("span", { className: "ticket-line" }, statusBadge(ticket)),
      el("span", { className: "ticket-reason", textContent: firstReason(ticket) }),
    ];
  }

  function renderList(tickets) {
    const list = $("ticket-list");
    const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
    const wanted = tickets.map((ticket) => {
      let li = existing.get(ticket.id);
      if (!li) {
        const button = el("button", { type: "button" });
        button.addEventListener("click", () => select(ticket.id));
        li = el("li", { className: "ticket", dataset: { id: ticket.id } }, button);
      }
      li.className = `ticket ${ticket.status}`;
      const button = li.firstElementChild;
      button.replaceChildren(...ticketSummary(ticket));
      button.setAttribute("aria-current", String(ticket.id === state.selected));
      return li;
    });
    const sameOrder =
      wanted.length === list.children.length && wanted.every((li, i) => list.children[i] === li);
    if (!sameOrder) list.replaceChildren(...wanted); // moving nodes would drop focus needlessly
    $("ticket-list-empty").hidden = tickets.length > 0;
  }

  async function refreshList() {
    const filter = $("ticket-filter").value;
    const query = filter ? `?status=${encodeURIComponent(filter)}` : "";
    try {
      const data = await api("GET", `/agent/api/tickets${query}`);
      renderList(data.tickets || []);
    } catch (error) {
      failed(error);
    }
  }

  /* ---- ticket detail ---- */

  function select(id) {
    state.selected = id;
    state.ticket = null;
    $("transcript").replaceChildren();
    for (const li of $("ticket-list").children) {
      li.firstElementChild.setAttribute("aria-current", String(li.dataset.id === id));
    }
    refreshDetail();
  }

  async function refreshDetail() {
    const id = state.selected;
    if (!id) return;
    try {
      const ticket = await api("GET", `/agent/api/tickets/${encodeURIComponent(id)}`);
      if (state.selected === id) renderTicket(ticket);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        state.selected = null;
        $("ticket-body").hidden = true;
        $("ticket-placeholder").hidden = false;
      }
      failed(error);
    }
  }

  function renderTicket(ticket) {
    state.ticket = ticket;
    $("ticket-placeholder").hidden = true;
    $("ticket-body").hidden = false;
    $("ticket-title").textContent = ticket.customer;
    $("ticket-meta").replaceChildren(
      statusBadge(ticket),
      ` · ${ticket.channel} · language ${ticket.language} · opened `,
      timeNode(ticket.created_at, when(ticket.created_at)),
      ticket.closed_at ? " · closed " : "",
      ticket.closed_at ? timeNode(ticket.closed_at, when(ticket.closed_at)) : "",
    );
    $("ticket-summary").textContent = ticket.summary || "—";
    renderReasons(ticket.reasons || []);
    renderProfile(ticket);
    renderSentiment(ticket.sentiment || []);
    renderFaq(ticket.faq_tried || []);
    renderTranscript(ticket);
    const active = ACTIVE.includes(ticket.status);
    $("claim").disabled = state.busy || !(ticket.status === "queued" || ticket.status === "open");
    $("resolve").disabled = state.busy || !active;
    $("return").disabled = state.busy || !active;
    $("reply-send").disabled = state.busy || !active;
    $("reply-text").disabled = !active;
  }

  function renderReasons(reasons) {
    $("ticket-reasons").replaceChildren(
      ...reasons.map((reason) =>
        el(
          "li",
          { className: "reason" },
          el("strong", { textContent: reason.signal }),
          `: ${reason.evidence}`,
          typeof reason.message === "number" ? ` (message ${reason.message + 1})` : "",
          reason.score !== null && reason.score !== undefined
            ? el("span", { className: "score", textContent: ` score ${score(reason.score)}` })
            : "",
        ),
      ),
    );
  }

  function renderProfile(ticket) {
    const profile = ticket.profile || {};
    const rows = [
      ["Name", profile.display_name],
      ["Platform", profile.platform || ticket.channel],
      ["Platform id", profile.user_id],
      ["Locale", profile.locale_hint],
      ["Time zone", profile.timezone],
      ["Conversation", ticket.conversation],
    ];
    $("ticket-profile").replaceChildren(
      ...rows.flatMap(([label, value]) => [
        el("dt", { textContent: label }),
        el("dd", { textContent: value || "—" }),
      ]),
    );
  }

  function renderSentiment(points) {
    $("ticket-sentiment").replaceChildren(
      ...points.map((point) => {
        const anger = typeof point.anger === "number" ? point.anger : 0;
        const label = typeof point.message === "number" ? `Message ${point.message + 1}` : "";
        return el(
          "li",
          { className: "sentiment" },
          el("span", { textContent: label }),
          el("meter", { min: 0, max: 1, low: 0.4, high: 0.7, optimum: 0, value: anger, title: label }),
          el("span", { className: "score", textContent: score(anger) }),
        );
      }),
    );
  }

  function renderFaq(entries) {
    $("ticket-faq").replaceChildren(
      ...entries.map((entry) =>
        el(
          "li",
          { className: "faq-tried" },
          entry.id || entry.question || "?",
          el("span", { className: "score", textContent: ` ${score(entry.score)}` }),
        ),
      ),
    );
  }

  function messageNode(message, ticket) {
    const author = AUTHORS.includes(message.author) ? message.author : "bot";
    const who =
      author === "customer" ? ticket.customer : author === "agent" ? message.name || "Agent" : "Bot";
    return el(
      "li",
      { className: `message author-${author}` },
      el("header", {}, timeNode(message.at, clock(message.at)), ` · ${who}`),
      el("p", { textContent: message.text }),
    );
  }

  /** Adds only what is new, so the agent's scroll position and selection stay put. */
  function renderTranscript(ticket) {
    const log = $("transcript");
    const messages = ticket.transcript || [];
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const shown = log.children.length;
    if (shown > messages.length || log.dataset.ticket !== ticket.id) {
      log.replaceChildren();
      log.dataset.ticket = ticket.id;
    }
    for (const message of messages.slice(log.children.length)) {
      log.append(messageNode(message, ticket));
    }
    if (atBottom || shown === 0) log.scrollTop = log.scrollHeight;
  }

  /* ---- actions ---- */

  async function act(action, body) {
    const id = state.selected;
    if (!id || state.busy) return false;
    state.busy = true;
    setStatus("");
    try {
      const data = await api("POST", `/agent/api/tickets/${encodeURIComponent(id)}/${action}`, body);
      if (data.ticket && state.selected === id) renderTicket(data.ticket);
      refreshList();
      return true;
    } catch (error) {
      failed(error);
      return false;
    } finally {
      state.busy = false;
      if (state.ticket) renderTicket(state.ticket);
    }
  }

  async function sendReply() {
    const box = $("reply-text");
    const text = box.value.trim();
    if (!text) {
      setStatus("Write a reply first.");
      box.focus();
      return;
    }
    if (await act("reply", { text })) box.value = "";
    box.focus();
  }

  async function login(event) {
    event.preventDefault();
    const name = $("login-name").value.trim();
    const password = $("login-password").value;
    if (!name || !password) {
      $("login-error").textContent = "Enter your name and password.";
      return;
    }
    $("login-submit").disabled = true;
    try {
      const data = await api("POST", "/agent/login", { name, password });
      $("login-password").value = "";
      showInbox(data.agent);
    } catch (error) {
      $("login-error").textContent = error.message || "Could not log in.";
      $("login-password").select();
    } finally {
      $("login-submit").disabled = false;
    }
  }

  async function logout() {
    try {
      await api("POST", "/agent/logout");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) return failed(error);
    }
    showLogin("You are logged out.");
  }

  function start() {
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    $("ticket-filter").addEventListener("change", refreshList);
    $("claim").addEventListener("click", () => act("claim"));
    $("resolve").addEventListener("click", () => act("resolve"));
    $("return").addEventListener("click", () => act("return"));
    $("reply-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sendReply();
    });
    $("reply-text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendReply();
      }
    });
    api("GET", "/agent/api/me")
      .then((data) => showInbox(data.agent))
      .catch((error) => {
        if (error instanceof ApiError && error.status === 401) showLogin("");
        else showLogin(error.message);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
