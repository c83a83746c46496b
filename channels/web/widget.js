/*
 * signpost web chat widget: plain JavaScript, no framework, no build step.
 *
 * Embed on any page with one tag:
 *   <script src="https://BOT-SERVER/webhooks/widget/widget.js" data-area="Cheltenham"
 *           data-title="Drug and alcohol support chat" data-colour="#1d70b8" defer></script>
 *
 * Attributes (all optional):
 *   data-server    bot server base URL (default: where widget.js came from)
 *   data-area      the council's area, sent to the bot as metadata
 *   data-title     heading of the chat panel
 *   data-colour    brand colour, #rgb or #rrggbb; used only if white text on it meets
 *                  WCAG AA contrast (4.5:1), otherwise GOV.UK blue
 *   data-persist   "true" keeps the conversation in sessionStorage (this tab only)
 *                  so it survives moving between pages; default: memory only
 *   data-exit-url  where "Exit this page" goes (default BBC Weather)
 *   data-mode      "page" renders the chat open, inside #signpost-chat, no launcher
 *   data-now       ISO 8601 clock for demos/tests (the bot honours it only when
 *                  SIGNPOST_CLOCK_OVERRIDE=1)
 *
 * Safety and privacy rules this file keeps:
 *   - bot text is only inserted with textContent / text nodes, never innerHTML; links
 *     and phone numbers are built as elements with checked hrefs;
 *   - nothing in cookies or localStorage; sessionStorage only with data-persist="true";
 *   - a plan to keep is never stored at all, and is shown only after a shared-device warning;
 *   - quick exit (button, or Shift pressed 3 times) clears the chat and its storage and
 *     replaces the page, so Back does not return to it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__signpostWidgetLoaded) return;
  window.__signpostWidgetLoaded = true;

  var STORAGE_KEY = "signpost-chat";
  var DEFAULT_COLOUR = "#1d70b8";
  var DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather";
  var REQUEST_TIMEOUT_MS = 30000;
  var MAX_MESSAGE_CHARS = 2000;
  var MAX_SAVED_MESSAGES = 60;
  var BOT_NAME = "Signpost";
  var WELCOME =
    "Hello. I can help you find drug and alcohol support near you, day or night. " +
    "What would you like help with?";

  // ---------- configuration ----------

  function attr(name) {
    var value = script.getAttribute("data-" + name);
    return value === null ? "" : value.trim();
  }

  function httpUrl(value, base) {
    try {
      var url = new URL(value, base);
      return url.protocol === "https:" || url.protocol === "http:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  function relativeLuminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  /** The brand colour if white text on it meets AA (4.5:1), else GOV.UK blue. */
  function accessibleColour(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
    if (!m) return DEFAULT_COLOUR;
    var hex = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    hex = "#" + hex.toLowerCase();
    return 1.05 / (relativeLuminance(hex) + 0.05) >= 4.5 ? hex : DEFAULT_COLOUR;
  }

  var scriptUrl = new URL(script.src, document.baseURI);
  var serverUrl = httpUrl(attr("server") || scriptUrl.origin, document.baseURI) || scriptUrl;
  var config = {
    endpoint: serverUrl.href.replace(/\/+$/, "") + "/webhooks/rest/webhook",
    cssHref: new URL("widget.css", scriptUrl).href,
    area: attr("area").slice(0, 100),
    title: attr("title").slice(0, 80) || "Drug and alcohol support chat",
    colour: accessibleColour(attr("colour")),
    persist: attr("persist") === "true",
    exitUrl: (httpUrl(attr("exit-url")) || new URL(DEFAULT_EXIT_URL)).href,
    pageMode: attr("mode") === "page",
    now: attr("now").slice(0, 40),
  };

  // ---------- state ----------

  function randomId(prefix) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function loadSaved() {
    if (!config.persist) return null;
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) return saved;
    } catch (e) {
      /* storage blocked or corrupt: start afresh */
    }
    return null;
  }

  var saved = loadSaved();
  var state = {
    sender: saved ? saved.sender : randomId("web-"),
    messages: saved ? saved.messages.slice(-MAX_SAVED_MESSAGES) : [],
    open: saved ? !!saved.open : false,
    inFlight: 0,
    controllers: [],
    queue: Promise.resolve(),
    exiting: false,
  };

  function save() {
    if (!config.persist || state.exiting) return;
    try {
      window.sessionStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({
          sender: state.sender,
          open: state.open,
          messages: state.messages.slice(-MAX_SAVED_MESSAGES),
        })
      );
    } catch (e) {
      /* storage full or blocked: the chat still works in memory */
    }
  }

  // ---------- DOM helpers ----------

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else if (key === "className") node.className = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hiddenText(text) {
    return el("span", { className: "sp-visually-hidden", text: text });
  }

  // URLs, then phone numbers: UK numbers from 0 or +44, 116 xxx helplines, 999, 111.
  var LINK_PATTERN =
    /(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)|(\+44[\d ]{9,13}\d|\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b116 ?\d{3}\b|\b(?:999|111)\b)/g;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

  function linkFor(match, isUrl) {
    if (isUrl) {
      var url = httpUrl(/^www\./i.test(match) ? "https://" + match : match);
      if (!url) return null;
      var a = el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" });
      a.appendChild(document.createTextNode(match));
      a.appendChild(hiddenText(" (opens in new tab)"));
      return a;
    }
    var digits = match.replace(/[^\d+]/g, "");
    if (digits.charAt(0) === "0" && (digits.length < 10 || digits.length > 11)) return null;
    return el("a", { href: "tel:" + digits, text: match });
  }

  /** Appends bot text to parent as text nodes, <br>s and safe links: never as HTML. */
  function appendRichText(parent, text) {
    text.split("\n").forEach(function (line, index) {
      if (index > 0) parent.appendChild(document.createElement("br"));
      var last = 0;
      var m;
      LINK_PATTERN.lastIndex = 0;
      while ((m = LINK_PATTERN.exec(line)) !== null) {
        var match = m[0];
        var trailing = "";
        if (m[1]) {
          var t = TRAILING_PUNCTUATION.exec(match);
          if (t) {
            trailing = t[0];
            match = match.slice(0, -trailing.length);
          }
        }
        var link = linkFor(match, !!m[1]);
        if (!link) continue;
        parent.appendChild(document.createTextNode(line.slice(last, m.index)));
        parent.appendChild(link);
        last = m.index + match.length;
      }
      parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  // ---------- build the widget ----------

  var host = el("div", { className: "signpost-widget-host", "data-signpost-widget": "" });
  host.style.setProperty("--sp-colour", config.colour);
  var shadow = host.attachShadow({ mode: "open" });

  var stylesheet = el("link", { rel: "stylesheet", href: config.cssHref });
  // Keep everything hidden until the styles arrive, so the page never shows a bare form.
  var root = el("div", { className: "sp-root" + (config.pageMode ? " sp-page" : ""), hidden: "" });
  stylesheet.addEventListener("load", function () { root.removeAttribute("hidden"); });
  stylesheet.addEventListener("error", function () { root.removeAttribute("hidden"); });

  var launcher = el("button", {
    type: "button",
    className: "sp-launcher",
    "aria-expanded": "false",
    "aria-controls": "sp-panel",
    text: "Chat: get support",
  });

  var heading = el("h2", { id: "sp-title", className: "sp-title", text: config.title });
  var exitButton = el("button", { type: "button", className: "sp-exit" }, [
    hiddenText("Emergency "),
    "Exit this page",
  ]);
  var closeButton = el("button", { type: "button", className: "sp-close", text: "Close" });
  closeButton.appendChild(hiddenText(" chat"));

  var log = el("div", {
    className: "sp-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  var typing = el("p", { className: "sp-typing", role: "status" });
  var input = el("input", {
    id: "sp-input",
    className: "sp-input",
    type: "text",
    autocomplete: "off",
    enterkeyhint: "send",
    maxlength: String(MAX_MESSAGE_CHARS),
  });
  var sendButton = el("button", { type: "submit", className: "sp-send", text: "Send" });
  var form = el("form", { className: "sp-form", novalidate: "" }, [
    el("label", { for: "sp-input", className: "sp-label", text: "Type your message" }),
    el("div", { className: "sp-row" }, [input, sendButton]),
    el("p", { className: "sp-danger" }, [
      "In danger? Call ",
      el("a", { href: "tel:999", className: "sp-danger-link", text: "999" }),
    ]),
  ]);

  var headerChildren = [heading, exitButton];
  if (!config.pageMode) headerChildren.push(closeButton);
  var panel = el(
    "section",
    {
      id: "sp-panel",
      className: "sp-panel",
      role: config.pageMode ? "region" : "dialog",
      "aria-labelledby": "sp-title",
    },
    [
      el("div", { className: "sp-header" }, headerChildren),
      el("p", {
        className: "sp-hint",
        text: "To leave quickly, use Exit this page or press Shift 3 times.",
      }),
      log,
      typing,
      form,
    ]
  );
  if (!config.pageMode) {
    panel.setAttribute("aria-modal", "false");
    panel.hidden = true;
    root.appendChild(launcher);
  }
  root.appendChild(panel);
  shadow.appendChild(stylesheet);
  shadow.appendChild(root);

  // ---------- conversation ----------

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderMessage(from, text) {
    var bubble = el("div", { className: "sp-msg " + (from === "user" ? "sp-user" : "sp-bot") }, [
      hiddenText(from === "user" ? "You said: " : BOT_NAME + " said: "),
    ]);
    if (from === "user") bubble.appendChild(document.createTextNode(text));
    else appendRichText(bubble, text);
    log.appendChild(bubble);
    scrollToEnd();
  }

  function addMessage(from, text) {
    state.messages.push({ from: from, text: text });
    renderMessage(from, text);
    save();
  }

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".sp-quick"), function (group) {
      group.remove();
    });
  }

  function renderQuickReplies(buttons) {
    var group = el("div", { className: "sp-quick", role: "group", "aria-label": "Suggested replies" });
    buttons.forEach(function (button) {
      var title = typeof button.title === "string" ? button.title : "";
      var payload = typeof button.payload === "string" ? button.payload : title;
      if (!title || !payload) return;
      var node = el("button", { type: "button", className: "sp-reply", text: title });
      node.addEventListener("click", function () {
        removeQuickReplies();
        input.focus();
        sendMessage(payload, title);
      });
      group.appendChild(node);
    });
    if (group.childNodes.length) {
      log.appendChild(group);
      scrollToEnd();
    }
  }

  function setTyping() {
    typing.textContent = state.inFlight > 0 ? BOT_NAME + " is typing…" : "";
  }

  var NOT_SENT = "Sorry, your message did not send. Check your internet connection and try again. ";

  /** A failed send keeps the message for "Try again"; the server's own words (a limit, with 999) win when it sent any. */
  function showError(message, messageId, serverText) {
    var retry = el("button", { type: "button", className: "sp-retry", text: "Try again" });
    var notice = el("div", { className: "sp-msg sp-error" }, [
      serverText ? serverText + " " : NOT_SENT,
      retry,
    ]);
    retry.addEventListener("click", function () {
      notice.remove();
      input.focus();
      enqueue(message, messageId); // the same id: a reply lost on the way is not stored twice
    });
    log.appendChild(notice);
    scrollToEnd();
  }

  // ---------- a plan to keep ----------
  // A plan (reply.custom.signpost_plan) lives only in this closure: never in state.messages, never stored, so
  // it is gone with the page or a quick exit. Anyone using the device could read it, so it is shown only after a
  // warning, and once hidden it needs the warning again. Print uses a blank frame that holds only the plan.

  function planLines(parent, lines) {
    lines.forEach(function (line) {
      if (!line) return;
      var p = el("p", {});
      appendRichText(p, String(line));
      parent.appendChild(p);
    });
  }

  function planBody(plan) {
    var body = el("div", { className: "sp-plan-body" }, [
      el("h3", { className: "sp-plan-title", text: String(plan.title || "Your plan") }),
      el("p", { className: "sp-plan-made", text: "Made " + String(plan.made || "") }),
    ]);
    var list = el("ol", { className: "sp-plan-list" });
    (Array.isArray(plan.services) ? plan.services : []).forEach(function (service) {
      var item = el("li", {}, [el("strong", { text: String(service.name || "") })]);
      planLines(item, [service.contact, service.when, service.address ? "At " + service.address : ""]);
      list.appendChild(item);
    });
    body.appendChild(list);
    if (plan.say) {
      body.appendChild(el("p", { className: "sp-plan-say" }, ["When you call, you could say: \u201c" + plan.say + "\u201d"]));
    }
    var lines = Array.isArray(plan.lines) ? plan.lines : [];
    if (lines.length) {
      body.appendChild(el("h4", { className: "sp-plan-subtitle", text: "At any hour" }));
      var ul = el("ul", { className: "sp-plan-lines" });
      lines.forEach(function (line) {
        var li = el("li", {});
        appendRichText(li, String(line.name || "") + ": " + String(line.contact || "") + ". " + String(line.when || ""));
        ul.appendChild(li);
      });
      body.appendChild(ul);
    }
    planLines(body, [plan.footer]);
    return body;
  }

  function printPlan(card, plan) {
    var old = card.querySelector(".sp-print-frame");
    if (old) old.remove();
    var frame = el("iframe", { className: "sp-print-frame", title: "Printable plan", "aria-hidden": "true", tabindex: "-1" });
    card.appendChild(frame);
    var doc = frame.contentDocument;
    doc.title = String(plan.title || "Your plan");
    doc.body.appendChild(doc.importNode(planBody(plan), true));
    frame.contentWindow.focus();
    frame.contentWindow.print();
  }

  function copyPlan(plan, status) {
    var done = function (ok) {
      status.textContent = ok
        ? "Copied. Paste it somewhere private to keep it."
        : "Copying did not work here. You can select the plan and copy it instead.";
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) return done(false);
    navigator.clipboard.writeText(String(plan.text || "")).then(function () { done(true); }, function () { done(false); });
  }

  function renderPlan(plan) {
    var card = el("section", { className: "sp-plan", "aria-label": "Your plan" });
    var status = el("p", { className: "sp-plan-status", role: "status" });

    function warn() {
      while (card.firstChild) card.removeChild(card.firstChild);
      var show = el("button", { type: "button", className: "sp-plan-show", text: "Show my plan" });
      show.addEventListener("click", reveal);
      card.appendChild(el("p", { className: "sp-plan-warning" }, [
        el("strong", { text: "Before you look: " }),
        "anyone who uses this device could see your plan. It is not saved here.",
      ]));
      card.appendChild(show);
      card.appendChild(status);
    }

    function reveal() {
      while (card.firstChild) card.removeChild(card.firstChild);
      var printButton = el("button", { type: "button", className: "sp-plan-action", text: "Print" });
      var copyButton = el("button", { type: "button", className: "sp-plan-action", text: "Copy" });
      var hideButton = el("button", { type: "button", className: "sp-plan-action", text: "Hide plan" });
      printButton.addEventListener("click", function () { printPlan(card, plan); });
      copyButton.addEventListener("click", function () { copyPlan(plan, status); });
      hideButton.addEventListener("click", function () {
        status.textContent = "";
        warn();
        card.querySelector(".sp-plan-show").focus();
      });
      card.appendChild(planBody(plan));
      card.appendChild(el("div", { className: "sp-plan-actions", role: "group", "aria-label": "Plan" }, [
        printButton, copyButton, hideButton,
      ]));
      card.appendChild(status);
      card.querySelector(".sp-plan-title").setAttribute("tabindex", "-1");
      card.querySelector(".sp-plan-title").focus();
    }

    warn();
    log.appendChild(card);
    scrollToEnd();
  }

  function handleReplies(replies) {
    if (!Array.isArray(replies)) return;
    replies.forEach(function (reply) {
      if (!reply || typeof reply !== "object") return;
      if (typeof reply.text === "string" && reply.text) addMessage("bot", reply.text);
      if (Array.isArray(reply.buttons) && reply.buttons.length) renderQuickReplies(reply.buttons);
      if (reply.custom && typeof reply.custom.signpost_plan === "object" && reply.custom.signpost_plan) {
        renderPlan(reply.custom.signpost_plan);
      }
    });
  }

  function post(message, messageId) {
    var metadata = { channel: "web" };
    if (config.area) metadata.area = config.area;
    if (config.now) metadata.now = config.now;
    var controller = new AbortController();
    state.controllers.push(controller);
    var timer = window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    state.inFlight += 1;
    setTyping();
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message, message_id: messageId, metadata: metadata }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    })
      .then(function (response) {
        if (response.status === 429) {
          return response.json().then(function (body) {
            var error = new Error("HTTP 429");
            error.serverText = body && typeof body.error === "string" ? body.error : "";
            throw error;
          });
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (replies) {
        if (!state.exiting) handleReplies(replies);
      })
      .catch(function (error) {
        if (!state.exiting) showError(message, messageId, error && error.serverText);
      })
      .then(function () {
        window.clearTimeout(timer);
        state.controllers = state.controllers.filter(function (c) { return c !== controller; });
        state.inFlight -= 1;
        setTyping();
      });
  }

  /** Messages go one at a time, so replies arrive in the order they were asked. */
  function enqueue(message, messageId) {
    state.queue = state.queue.then(function () { return post(message, messageId); });
  }

  function sendMessage(message, shownAs) {
    removeQuickReplies();
    addMessage("user", shownAs || message);
    enqueue(message, randomId("m-"));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendMessage(text.slice(0, MAX_MESSAGE_CHARS));
  });

  // ---------- open, close ----------

  function openPanel() {
    state.open = true;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    save();
    scrollToEnd();
    input.focus();
  }

  function closePanel() {
    state.open = false;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", openPanel);
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !config.pageMode) {
      event.preventDefault();
      closePanel();
    }
  });

  // ---------- quick exit ----------

  function quickExit() {
    if (state.exiting) return;
    state.exiting = true;
    state.controllers.forEach(function (c) { c.abort(); });
    state.messages = [];
    // Remove the words from the page before anything else can paint them again.
    while (shadow.firstChild) shadow.removeChild(shadow.firstChild);
    host.remove();
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* nothing was stored */
    }
    document.documentElement.style.setProperty("visibility", "hidden");
    window.location.replace(config.exitUrl);
  }

  exitButton.addEventListener("click", quickExit);

  // GOV.UK pattern: Shift pressed 3 times within 5 seconds, with no other key between.
  var shiftPresses = [];
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Shift") {
        shiftPresses = [];
        return;
      }
      if (event.repeat) return;
      var now = Date.now();
      shiftPresses = shiftPresses.filter(function (t) { return now - t < 5000; });
      shiftPresses.push(now);
      if (shiftPresses.length >= 3) quickExit();
    },
    true
  );

  // ---------- start ----------

  function mount() {
    var container = config.pageMode && document.getElementById("signpost-chat");
    (container || document.body).appendChild(host);
    if (state.messages.length) {
      state.messages.forEach(function (m) { renderMessage(m.from, m.text); });
    } else {
      addMessage("bot", WELCOME);
    }
    if (config.pageMode) {
      state.open = true;
    } else if (state.open) {
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
    }
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
