/* What the inbox's analytics, incidents and content pages share: DOM building without
   innerHTML (server data is written by customers and agents, so it is only ever text),
   and the JSON API call. Loaded before the page's own script; vanilla JS. */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);

  /** An element with properties (className, textContent, dataset, attrs...) and children. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "attrs") for (const [a, v] of Object.entries(value)) node.setAttribute(a, v);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined || child === "") continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** A JSON request to the inbox's API; changes carry the header a forged form cannot. */
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

  /** A table with a header row; each row's cells are text or nodes. */
  function table(head, rows) {
    return el(
      "table",
      { className: "an-table" },
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c))))),
    );
  }

  window.FrontlineKit = Object.freeze({ $, el, api, ApiError, table });
})();
