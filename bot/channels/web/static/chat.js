/* Frontline web chat: the page at /chat, talking to the Rasa server over /chat/socket.io.
 *
 * Every text (the customer's, the bot's, an agent's) reaches the page through
 * createElement and text nodes, never innerHTML: markdown-lite (**bold**,
 * [label](https://url), line breaks) is parsed here and anything else stays literal.
 * Events and payloads are described in bot/channels/web/wire.py.
 */
(function () {
  "use strict";

  var STRINGS = {
    en: {
      title: "Chat with us",
      intro: "Hi! Ask a question, for example “How do I reset my password?”",
      label: "Your message",
      placeholder: "Type your question…",
      hint: "Press Enter to send, Shift+Enter for a new line.",
      send: "Send",
      typing: "The assistant is typing…",
      close: "Close chat",
      you: "You",
      bot: "Assistant",
      options: "Options",
      connecting: "Connecting…",
      failed: "Sorry, that did not work. Please try again.",
      noScript: "The chat could not load. Please reload the page."
    },
    es: {
      title: "Habla con nosotros",
      intro: "¡Hola! Haz una pregunta, por ejemplo «¿Cómo restablezco mi contraseña?»",
      label: "Tu mensaje",
      placeholder: "Escribe tu pregunta…",
      hint: "Pulsa Intro para enviar, Mayús+Intro para una nueva línea.",
      send: "Enviar",
      typing: "El asistente está escribiendo…",
      close: "Cerrar el chat",
      you: "Tú",
      bot: "Asistente",
      options: "Opciones",
      connecting: "Conectando…",
      failed: "Lo siento, no ha funcionado. Inténtalo de nuevo.",
      noScript: "El chat no se pudo cargar. Vuelve a cargar la página."
    },
    de: {
      title: "Chatten Sie mit uns",
      intro: "Hallo! Stellen Sie eine Frage, zum Beispiel „Wie setze ich mein Passwort zurück?“",
      label: "Ihre Nachricht",
      placeholder: "Ihre Frage…",
      hint: "Enter sendet, Umschalt+Enter beginnt eine neue Zeile.",
      send: "Senden",
      typing: "Der Assistent schreibt…",
      close: "Chat schließen",
      you: "Sie",
      bot: "Assistent",
      options: "Optionen",
      connecting: "Verbinde…",
      failed: "Das hat leider nicht geklappt. Bitte versuchen Sie es noch einmal.",
      noScript: "Der Chat konnte nicht geladen werden. Bitte laden Sie die Seite neu."
    }
  };
  var SESSION_KEY = "frontline.web.session";
  var MARKUP = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;
  var TYPING_TIMEOUT_MS = 60000;

  var locale = navigator.language || "";
  var base = locale.toLowerCase().split(/[-_]/)[0];
  var lang = Object.prototype.hasOwnProperty.call(STRINGS, base) ? base : "en";
  var t = STRINGS[lang];
  var timezone = "";
  try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* no hint */ }
  var embedded = new URLSearchParams(window.location.search).get("embed") === "1";

  function $(id) { return document.getElementById(id); }
  var log = $("chat-log");
  var input = $("chat-input");
  var form = $("chat-form");
  var typing = $("chat-typing");
  var errorBox = $("chat-error");
  var connection = $("chat-connection");

  var socket = null;
  var sessionId = null;
  var ready = false;
  var restored = false;
  var pending = new Map();   // message id -> {message, bubble}: sent, not yet acknowledged
  var shown = new Set();     // ids of user messages on screen (a tab's own, or echoed)
  var typingTimer = null;

  function applyStrings() {
    document.documentElement.lang = lang;
    document.title = t.title;
    $("chat-title").textContent = t.title;
    $("chat-intro").textContent = t.intro;
    $("chat-typing-text").textContent = t.typing;
    $("chat-input-label").textContent = t.label;
    $("chat-hint").textContent = t.hint;
    $("chat-send").textContent = t.send;
    $("chat-close-text").textContent = t.close;
    input.placeholder = t.placeholder;
    if (embedded) {
      document.body.classList.add("embed");
      $("chat-close").hidden = false;
    }
  }

  /* ---- rendering: DOM nodes only ---- */

  function safeUrl(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, url, className) {
    var href = safeUrl(url);
    if (!href) return document.createTextNode(label);
    var a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = label;
    if (className) a.className = className;
    return a;
  }

  function renderMarkup(target, text) {
    var position = 0;
    var match;
    MARKUP.lastIndex = 0;
    while ((match = MARKUP.exec(text)) !== null) {
      if (match.index > position) {
        target.appendChild(document.createTextNode(text.slice(position, match.index)));
      }
      if (match[1] !== undefined) {
        var strong = document.createElement("strong");
        strong.textContent = match[1];
        target.appendChild(strong);
      } else {
        target.appendChild(link(match[2], match[3]));
      }
      position = MARKUP.lastIndex;
    }
    if (position < text.length) target.appendChild(document.createTextNode(text.slice(position)));
  }

  function addMessage(who, text) {
    var item = document.createElement("div");
    item.className = "msg msg-" + who;
    if (text) {
      var paragraph = document.createElement("p");
      paragraph.className = "msg-text";
      var speaker = document.createElement("span");
      speaker.className = "visually-hidden";
      speaker.textContent = (who === "user" ? t.you : t.bot) + ": ";
      paragraph.appendChild(speaker);
      if (who === "bot") renderMarkup(paragraph, text);
      else paragraph.appendChild(document.createTextNode(text));
      item.appendChild(paragraph);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function addBotMessage(message, answered) {
    var item = addMessage("bot", message.text || "");
    var image = message.image && safeUrl(message.image);
    if (image) {
      var img = document.createElement("img");
      img.className = "msg-image";
      img.alt = "";
      img.src = image;
      item.appendChild(img);
    }
    if (message.attachment && safeUrl(message.attachment)) {
      item.appendChild(link(message.attachment, message.attachment));
    }
    var buttons = message.buttons || [];
    if (buttons.length) item.appendChild(choices(buttons, !!message.quick_replies, !!answered));
    log.scrollTop = log.scrollHeight;
  }

  function choices(buttons, quick, answered) {
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t.options);
    if (quick) group.dataset.quick = "1";
    buttons.forEach(function (choice) {
      if (choice.url && safeUrl(choice.url)) {
        group.appendChild(link(choice.title, choice.url, "choice"));
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = choice.title;
      button.disabled = answered;
      button.addEventListener("click", function () {
        if (quick) {
          group.remove();
        } else {
          group.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
          button.classList.add("choice-picked");
        }
        input.focus();
        send(choice.payload, choice.title);
      });
      group.appendChild(button);
    });
    return group;
  }

  function dropQuickReplies() {
    log.querySelectorAll(".choices[data-quick]").forEach(function (group) { group.remove(); });
  }

  function showError(text) { errorBox.textContent = text; }
  function clearError() { errorBox.textContent = ""; }

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, TYPING_TIMEOUT_MS);
  }

  function restoreHistory(history) {
    if (!history.length) return;
    log.setAttribute("aria-busy", "true");
    $("chat-intro").remove();
    history.forEach(function (item) {
      if (item.who === "user") addMessage("user", item.text);
      else addBotMessage(item, item.answered);
    });
    log.removeAttribute("aria-busy");
  }

  /* ---- session and messages ---- */

  function storedSession() {
    try { return window.localStorage.getItem(SESSION_KEY); } catch (e) { return null; }
  }

  function storeSession(id) {
    try { window.localStorage.setItem(SESSION_KEY, id); } catch (e) { /* this tab only */ }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function send(text, title) {
    clearError();
    dropQuickReplies();
    var message = { id: newId(), text: text, metadata: { locale: locale, timezone: timezone } };
    if (title) message.title = title;
    var bubble = addMessage("user", title || text);
    shown.add(message.id);
    pending.set(message.id, { message: message, bubble: bubble });
    if (ready) emit(message);
  }

  function emit(message) {
    socket.emit("user_uttered", message, function (receipt) {
      var entry = pending.get(message.id);
      pending.delete(message.id);
      if (!entry || !receipt) return;
      if (receipt.status === "refused") {
        // Nothing reached the bot: take the message back so it can be edited and resent.
        entry.bubble.remove();
        if (!message.title && !input.value) input.value = message.text;
        if (!errorBox.textContent) showError(t.failed);
      }
    });
  }

  function requestSession() {
    connection.textContent = "";
    var request = { session_id: sessionId || storedSession(), locale: locale };
    socket.emit("session_request", request, function (reply) {
      if (!reply || !reply.session_id) {
        showError((reply && reply.text) || t.failed);
        return;
      }
      sessionId = reply.session_id;
      storeSession(sessionId);
      if (!restored) {
        restoreHistory(reply.history || []);
        restored = true;
      }
      ready = true;
      // Anything unacknowledged is sent again with its id; the server answers it once.
      pending.forEach(function (entry) { emit(entry.message); });
    });
  }

  function connect() {
    socket = window.io({ path: "/chat/socket.io" });
    socket.on("connect", requestSession);
    socket.on("disconnect", function () {
      ready = false;
      connection.textContent = t.connecting;
    });
    socket.on("connect_error", function () { connection.textContent = t.connecting; });
    socket.on("bot_uttered", function (message) { addBotMessage(message, false); });
    socket.on("typing", function (state) { setTyping(!!(state && state.on)); });
    socket.on("user_echo", function (message) {
      if (message && !shown.has(message.id)) {
        shown.add(message.id);
        dropQuickReplies();
        addMessage("user", String(message.text || ""));
      }
    });
    socket.on("error", function (error) { showError((error && error.text) || t.failed); });
  }

  /* ---- keyboard and form ---- */

  function autosize() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + 2 + "px";
  }

  function closeEmbed() {
    window.parent.postMessage({ type: "frontline:close" }, "*");
  }

  function wire() {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      autosize();
      send(text);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener("input", autosize);
    if (embedded) {
      $("chat-close").addEventListener("click", closeEmbed);
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") closeEmbed();
      });
      window.addEventListener("message", function (event) {
        if (event.source === window.parent && event.data && event.data.type === "frontline:focus") {
          input.focus();
        }
      });
    }
  }

  applyStrings();
  wire();
  if (typeof window.io !== "function") {
    showError(t.noScript);
    return;
  }
  connection.textContent = t.connecting;
  connect();
})();
