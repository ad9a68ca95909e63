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
      team: "support team",
      options: "Options",
      connecting: "Connecting…",
      failed: "Sorry, that did not work. Please try again.",
      noScript: "The chat could not load. Please reload the page.",
      language: "Language"
    },
    es: {
      title: "Hable con nosotros",
      intro: "¡Hola! Haga una pregunta, por ejemplo «¿Cómo restablezco mi contraseña?»",
      label: "Su mensaje",
      placeholder: "Escriba su pregunta…",
      hint: "Pulse Intro para enviar, Mayús+Intro para una nueva línea.",
      send: "Enviar",
      typing: "El asistente está escribiendo…",
      close: "Cerrar el chat",
      you: "Usted",
      bot: "Asistente",
      team: "equipo de atención",
      options: "Opciones",
      connecting: "Conectando…",
      failed: "Lo siento, no ha funcionado. Inténtelo de nuevo.",
      noScript: "El chat no se pudo cargar. Vuelva a cargar la página.",
      language: "Idioma"
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
      team: "Support-Team",
      options: "Optionen",
      connecting: "Verbinde…",
      failed: "Das hat leider nicht geklappt. Bitte versuchen Sie es noch einmal.",
      noScript: "Der Chat konnte nicht geladen werden. Bitte laden Sie die Seite neu.",
      language: "Sprache"
    },
    fr: {
      title: "Discutez avec nous",
      intro: "Bonjour\u00a0! Posez votre question, par exemple «\u00a0Comment réinitialiser mon mot de passe\u00a0?\u00a0»",
      label: "Votre message",
      placeholder: "Écrivez votre question…",
      hint: "Appuyez sur Entrée pour envoyer, sur Maj+Entrée pour aller à la ligne.",
      send: "Envoyer",
      typing: "L’assistant est en train d’écrire…",
      close: "Fermer le chat",
      you: "Vous",
      bot: "Assistant",
      team: "équipe d’assistance",
      options: "Options",
      connecting: "Connexion…",
      failed: "Désolé, cela n’a pas fonctionné. Veuillez réessayer.",
      noScript: "Le chat n’a pas pu se charger. Veuillez recharger la page.",
      language: "Langue"
    },
    pt: {
      title: "Fale com a gente",
      intro: "Olá! Faça uma pergunta, por exemplo: “Como redefino minha senha?”",
      label: "Sua mensagem",
      placeholder: "Digite sua pergunta…",
      hint: "Pressione Enter para enviar e Shift+Enter para pular uma linha.",
      send: "Enviar",
      typing: "O assistente está digitando…",
      close: "Fechar o chat",
      you: "Você",
      bot: "Assistente",
      team: "equipe de atendimento",
      options: "Opções",
      connecting: "Conectando…",
      failed: "Desculpe, não deu certo. Tente de novo.",
      noScript: "Não foi possível carregar o chat. Recarregue a página.",
      language: "Idioma"
    },
    ar: {
      title: "الدردشة معنا",
      intro: "مرحبًا! يمكنك طرح أي سؤال، مثل: «كيف يمكنني إعادة تعيين كلمة المرور؟»",
      label: "رسالتك",
      placeholder: "اكتب سؤالك…",
      hint: "Enter للإرسال، وShift+Enter لبدء سطر جديد.",
      send: "إرسال",
      typing: "المساعد يكتب…",
      close: "إغلاق الدردشة",
      you: "أنت",
      bot: "المساعد",
      team: "فريق الدعم",
      options: "خيارات",
      connecting: "جارٍ الاتصال…",
      failed: "عذرًا، لم تنجح العملية. يُرجى المحاولة مرة أخرى.",
      noScript: "تعذّر تحميل الدردشة. يُرجى إعادة تحميل الصفحة.",
      language: "اللغة"
    }
  };
  // The language selector: each language in its own name, in this order.
  var LANGUAGES = [
    ["en", "English"], ["es", "Español"], ["de", "Deutsch"],
    ["fr", "Français"], ["pt", "Português"], ["ar", "العربية"]
  ];
  var RTL = { ar: true };
  var SESSION_KEY = "frontline.web.session";
  var LANGUAGE_KEY = "frontline.web.language";
  var MARKUP = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;
  var TYPING_TIMEOUT_MS = 60000;

  function known(code) { return Object.prototype.hasOwnProperty.call(STRINGS, code); }

  // The locale hint is the browser's language until the customer picks one in the
  // selector; from then on (and on later visits) it is the chosen language's code.
  var locale = storedLanguage() || navigator.language || "";
  var base = locale.toLowerCase().split(/[-_]/)[0];
  var lang = known(base) ? base : "en";
  var t = STRINGS[lang];
  var timezone = "";
  try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* no hint */ }
  var embedded = new URLSearchParams(window.location.search).get("embed") === "1";

  function $(id) { return document.getElementById(id); }
  var log = $("chat-log");
  var picker = null;         // the language <select>, built by languagePicker()
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

  function direction() { return RTL[lang] ? "rtl" : "ltr"; }

  function applyStrings() {
    document.documentElement.lang = lang;
    document.documentElement.dir = direction();
    document.title = t.title;
    $("chat-title").textContent = t.title;
    var intro = $("chat-intro");   // gone once a history is restored
    if (intro) intro.textContent = t.intro;
    $("chat-typing-text").textContent = t.typing;
    $("chat-input-label").textContent = t.label;
    $("chat-hint").textContent = t.hint;
    $("chat-send").textContent = t.send;
    $("chat-close-text").textContent = t.close;
    input.placeholder = t.placeholder;
    if (picker) {
      picker.setAttribute("aria-label", t.language);
      picker.value = lang;
    }
    // What is already on screen: the speaker names, agents' roles and option groups.
    log.querySelectorAll(".msg-author-role").forEach(function (role) { role.textContent = t.team; });
    log.querySelectorAll(".msg-speaker").forEach(function (speaker) {
      speaker.textContent = speakerName(speaker.dataset.who, speaker.dataset.name);
    });
    log.querySelectorAll(".choices").forEach(function (group) {
      group.setAttribute("aria-label", t.options);
    });
    if (connection.textContent) connection.textContent = t.connecting;
    refreshBanner();
  }

  function applyEmbed() {
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

  // What a screen reader says before a message: "You:", "Assistant:", or for a person
  // from the team their name and role ("Alice, support team:").
  function speakerName(who, name) {
    if (who === "agent") return (name || t.team) + ", " + t.team + ": ";
    return (who === "user" ? t.you : t.bot) + ": ";
  }

  // An agent's message starts with their avatar (if any) and name, so a person never
  // looks like the bot.
  function agentHeader(author) {
    var header = document.createElement("div");
    header.className = "msg-author";
    header.setAttribute("aria-hidden", "true");   // the speaker label says it once
    var avatar = author.avatar && safeUrl(author.avatar);
    if (avatar && avatar.indexOf("https:") === 0) {
      var img = document.createElement("img");
      img.className = "msg-avatar";
      img.alt = "";
      img.src = avatar;
      img.referrerPolicy = "no-referrer";
      header.appendChild(img);
    } else {
      var initial = document.createElement("span");
      initial.className = "msg-avatar msg-initial";
      initial.textContent = (author.name || "?").charAt(0).toUpperCase();
      header.appendChild(initial);
    }
    var name = document.createElement("span");
    name.className = "msg-author-name";
    name.textContent = author.name;
    header.appendChild(name);
    var role = document.createElement("span");
    role.className = "msg-author-role";
    role.textContent = t.team;
    header.appendChild(role);
    return header;
  }

  function addMessage(who, text, author) {
    var item = document.createElement("div");
    item.className = "msg msg-" + who;
    if (who === "agent" && author) item.appendChild(agentHeader(author));
    if (text) {
      var paragraph = document.createElement("p");
      paragraph.className = "msg-text";
      var speaker = document.createElement("span");
      speaker.className = "visually-hidden msg-speaker";
      speaker.dataset.who = who;
      if (author) speaker.dataset.name = author.name;
      speaker.textContent = speakerName(who, author && author.name);
      paragraph.appendChild(speaker);
      if (who === "user") paragraph.appendChild(document.createTextNode(text));
      else renderMarkup(paragraph, text);
      item.appendChild(paragraph);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function addBotMessage(message, answered) {
    var author = message.author && message.author.name ? message.author : null;
    var item = addMessage(author ? "agent" : "bot", message.text || "", author);
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
      button.dir = "auto";
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

  // A person took over: the bot's earlier buttons would reach nobody, so they close.
  function disableButtons() {
    dropQuickReplies();
    log.querySelectorAll(".choices button").forEach(function (button) { button.disabled = true; });
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
      else if (item.who === "agent") {
        var author = { name: item.name || t.team, avatar: item.avatar };
        addBotMessage(Object.assign({}, item, { author: author }), item.answered);
      } else addBotMessage(item, item.answered);
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

  /* ---- language selector ---- */

  function storedLanguage() {
    try {
      var code = window.localStorage.getItem(LANGUAGE_KEY);
      return code && known(code) ? code : null;
    } catch (e) {
      return null;
    }
  }

  function storeLanguage(code) {
    try { window.localStorage.setItem(LANGUAGE_KEY, code); } catch (e) { /* this page only */ }
  }

  function nameOf(code) {
    for (var i = 0; i < LANGUAGES.length; i++) if (LANGUAGES[i][0] === code) return LANGUAGES[i][1];
    return code;
  }

  function languagePicker() {
    var select = document.createElement("select");
    select.id = "chat-language";
    select.className = "chat-language";
    LANGUAGES.forEach(function (entry) {
      var option = document.createElement("option");
      option.value = entry[0];
      option.lang = entry[0];
      option.dir = RTL[entry[0]] ? "rtl" : "ltr";
      option.textContent = entry[1];
      select.appendChild(option);
    });
    $("chat-close").before(select);
    return select;
  }

  // Switch the page's strings and direction, remember the choice, use it as the locale
  // hint, and tell the bot the way a button click would (payload, shown as its title).
  function chooseLanguage(code, focusInput) {
    if (!known(code) || code === lang) return;
    lang = code;
    t = STRINGS[lang];
    locale = code;
    storeLanguage(code);
    applyStrings();
    if (focusInput) input.focus();
    send('/choose_language{"requested_language": "' + code + '"}', nameOf(code));
  }

  function wirePicker() {
    // Arrow keys (and type-ahead) on a closed list change the value at every press, so a
    // change that follows a key is only taken when the customer presses Enter or leaves
    // the list; a pick from the opened list (mouse, touch, Enter in the popup) counts at once.
    var keyed = false;
    var keyedTimer = null;
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        if (picker.value !== lang) {
          event.preventDefault();
          chooseLanguage(picker.value, true);
        }
        return;
      }
      keyed = true;
      clearTimeout(keyedTimer);
      keyedTimer = setTimeout(function () { keyed = false; }, 100);
    });
    picker.addEventListener("change", function () {
      if (!keyed) chooseLanguage(picker.value, true);
    });
    picker.addEventListener("blur", function () { chooseLanguage(picker.value, false); });
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

  /* ---- incident banner (crisis mode) ---- */

  // While an incident is live, its approved statement stays on top of the chat, in the
  // visitor's language; it is plain text (textContent), like everything else here.
  function refreshBanner() {
    if (typeof fetch !== "function") return;
    fetch("/chat/banner?lang=" + encodeURIComponent(lang), { cache: "no-store" })
      .then(function (reply) { return reply.ok ? reply.json() : { banner: null }; })
      .then(function (data) { showBanner(data && data.banner); })
      .catch(function () { /* the banner is a courtesy: the chat works without it */ });
  }

  function showBanner(text) {
    var banner = $("chat-banner");
    banner.textContent = text ? String(text).replace(/\*\*|__/g, "") : "";
    banner.hidden = !text;
  }

  function connect() {
    // WebSocket first: it needs no sticky sessions behind a balancer (make cluster);
    // long polling remains the fallback where a proxy blocks WebSockets.
    socket = window.io({ path: "/chat/socket.io", transports: ["websocket", "polling"] });
    socket.on("connect", requestSession);
    socket.on("disconnect", function () {
      ready = false;
      connection.textContent = t.connecting;
    });
    socket.on("connect_error", function () { connection.textContent = t.connecting; });
    socket.on("bot_uttered", function (message) { addBotMessage(message, false); });
    socket.on("typing", function (state) { setTyping(!!(state && state.on)); });
    socket.on("buttons_disabled", disableButtons);
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
    wirePicker();
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

  picker = languagePicker();
  applyStrings();
  applyEmbed();
  wire();
  if (typeof window.io !== "function") {
    showError(t.noScript);
    return;
  }
  connection.textContent = t.connecting;
  setInterval(refreshBanner, 60000);
  connect();
})();
