/* Frontline chat launcher, for any web site:
 *
 *   <script src="https://YOUR-RASA-HOST/chat/widget.js" async></script>
 *
 * Adds a floating "Chat with us" button. It opens the chat page (/chat?embed=1) in an
 * iframe, so the site's CSS cannot reach the chat and the chat cannot reach the site.
 * The site's origin must be in FRONTLINE_WEB_ALLOWED_ORIGINS, or the frame stays blank.
 */
(function () {
  "use strict";
  if (window.__frontlineChat) return;
  window.__frontlineChat = true;

  var LABELS = {
    en: { open: "Chat with us", close: "Close chat", frame: "Chat" },
    es: { open: "Hable con nosotros", close: "Cerrar el chat", frame: "Chat" },
    de: { open: "Chatten Sie mit uns", close: "Chat schließen", frame: "Chat" },
    fr: { open: "Discutez avec nous", close: "Fermer le chat", frame: "Chat" },
    pt: { open: "Fale com a gente", close: "Fechar o chat", frame: "Chat" },
    ar: { open: "الدردشة معنا", close: "إغلاق الدردشة", frame: "الدردشة" }
  };
  var base = (navigator.language || "en").toLowerCase().split(/[-_]/)[0];
  var labels = Object.prototype.hasOwnProperty.call(LABELS, base) ? LABELS[base] : LABELS.en;
  var script = document.currentScript;
  var source = new URL(script && script.src ? script.src : "/chat/widget.js", window.location.href);
  var chatUrl = new URL("/chat?embed=1", source).href;
  var chatOrigin = source.origin;

  // Inline styles set through the CSSOM, each reset with `all: initial`, so the host
  // page's stylesheets (and its style-src policy) cannot change how the launcher looks.
  function style(element, rules) {
    element.style.setProperty("all", "initial");
    Object.keys(rules).forEach(function (name) {
      element.style.setProperty(name, rules[name], "important");
    });
  }

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.id = "frontline-chat-launcher";
  launcher.textContent = labels.open;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "frontline-chat-panel");
  var launcherStyle = {
    position: "fixed", right: "20px", bottom: "20px", "z-index": "2147483000",
    padding: "14px 20px", "border-radius": "28px", background: "#1f5fbf", color: "#fff",
    font: "600 16px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    cursor: "pointer", "box-shadow": "0 4px 16px rgba(0,0,0,0.25)", border: "0"
  };
  style(launcher, launcherStyle);
  launcher.addEventListener("focus", function () {
    launcher.style.setProperty("outline", "3px solid #f5a623", "important");
    launcher.style.setProperty("outline-offset", "2px", "important");
  });
  launcher.addEventListener("blur", function () { launcher.style.removeProperty("outline"); });

  var panel = document.createElement("div");
  panel.id = "frontline-chat-panel";
  panel.hidden = true;
  var frame = document.createElement("iframe");
  frame.title = labels.frame;
  frame.setAttribute("allow", "clipboard-write");

  function layout() {
    var phone = window.innerWidth < 480;
    style(panel, {
      position: "fixed", "z-index": "2147483001", display: panel.hidden ? "none" : "block",
      right: phone ? "0" : "20px", bottom: phone ? "0" : "90px",
      width: phone ? "100vw" : "380px", height: phone ? "100dvh" : "min(600px, calc(100vh - 110px))",
      "border-radius": phone ? "0" : "14px", overflow: "hidden",
      "box-shadow": "0 8px 32px rgba(0,0,0,0.3)", background: "#fff"
    });
    style(frame, { width: "100%", height: "100%", border: "0", display: "block" });
    launcher.textContent = panel.hidden ? labels.open : labels.close;
    launcherStyle.display = phone && !panel.hidden ? "none" : "block";
    style(launcher, launcherStyle);
  }

  var frameLoaded = false;

  // Put the keyboard in the chat's text box (the page inside the frame does the focusing).
  function focusChat() {
    frame.focus();
    if (frameLoaded) frame.contentWindow.postMessage({ type: "frontline:focus" }, chatOrigin);
  }

  function open() {
    if (!frame.src) frame.src = chatUrl;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    layout();
    focusChat();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    layout();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  frame.addEventListener("load", function () {
    if (!frame.src) return;
    frameLoaded = true;
    if (!panel.hidden) focusChat();
  });
  window.addEventListener("message", function (event) {
    if (event.origin === chatOrigin && event.source === frame.contentWindow &&
        event.data && event.data.type === "frontline:close") {
      close();
    }
  });
  window.addEventListener("resize", layout);

  function mount() {
    panel.appendChild(frame);
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    layout();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
