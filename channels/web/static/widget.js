/* MIA chat widget: paste <script src="https://HOST/widget.js" data-municipality="SLUG" defer></script>.
   Plain JavaScript, no build step. Talks to /api/v1/{municipality}/ on the host that served this file,
   streams answers over Server-Sent Events read from fetch (EventSource cannot POST). */
(function () {
  "use strict";
  var TEXTS = /*TEXTS*/null;
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src, document.baseURI).origin;
  var slug = script.getAttribute("data-municipality") || "";
  var api = base + "/api/v1/" + encodeURIComponent(slug);
  var store = {
    get: function (k) { try { return window.localStorage.getItem("mia:" + slug + ":" + k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem("mia:" + slug + ":" + k, v); } catch (e) { /* private mode */ } },
    del: function (k) { try { window.localStorage.removeItem("mia:" + slug + ":" + k); } catch (e) { /* private mode */ } }
  };
  var scriptName = store.get("script") === "cyr" ? "cyr" : "lat";
  // A municipality whose official Serbian is ijekavian gets the widget's
  // words ijekavian.
  var variantTexts = TEXTS.ijekavianSlugs.indexOf(slug) >= 0 ? TEXTS.ijekavian : TEXTS.ekavian;
  function t(key) { return variantTexts[scriptName][key]; }

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text != null) { n.textContent = text; }
    return n;
  }

  // The stylesheet is constructed from script (CSSOM), which the host page's
  // style-src does not govern: a city's CSP needs only script-src and
  // connect-src for MIA. Browsers without constructable sheets load the file.
  var CSS = /*CSS*/null;
  (function () {
    try {
      if (CSS && "adoptedStyleSheets" in document && typeof CSSStyleSheet === "function" && CSSStyleSheet.prototype.replaceSync) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        document.adoptedStyleSheets = Array.prototype.concat.call([], Array.prototype.slice.call(document.adoptedStyleSheets), [sheet]);
        return;
      }
    } catch (e) { /* fall back to the file */ }
    document.head.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
  })();

  var root = el("div", { "class": "mia-root" });
  var launcher = el("button", { type: "button", "class": "mia-launcher", "aria-expanded": "false", "aria-controls": "mia-panel" });
  var panel = el("div", { id: "mia-panel", "class": "mia-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "mia-title" });
  panel.hidden = true;
  var head = el("div", { "class": "mia-head" });
  var title = el("h2", { id: "mia-title" });
  var scriptBtn = el("button", { type: "button", "class": "mia-script" });
  var newBtn = el("button", { type: "button", "class": "mia-new" });
  var closeBtn = el("button", { type: "button", "class": "mia-close" });
  head.append(title, scriptBtn, newBtn, closeBtn);
  var notice = el("p", { "class": "mia-notice", id: "mia-notice" });
  // On a short screen the notice shows its first lines; this opens it whole.
  var noticeMore = el("button", { type: "button", "class": "mia-notice-more", "aria-expanded": "false", "aria-controls": "mia-notice" });
  var noticeBox = el("div", { "class": "mia-notice-box" });
  noticeBox.append(notice, noticeMore);
  // role=log is polite by default; aria-busy holds announcements while an answer streams.
  var log = el("div", { "class": "mia-log", role: "log", "aria-live": "polite", "aria-relevant": "additions text", tabindex: "0", "aria-labelledby": "mia-title" });
  var quick = el("div", { "class": "mia-qr", role: "group" });
  var status = el("div", { "class": "mia-status", role: "status", "aria-live": "polite" });
  var form = el("form", { "class": "mia-form" });
  var label = el("label", { "for": "mia-input", "class": "mia-sr" });
  var input = el("textarea", { id: "mia-input", rows: "1", maxlength: "2000", "aria-describedby": "mia-notice", autocomplete: "off" });
  var send = el("button", { type: "submit", "class": "mia-send" });
  // Photos and video: a real file input, visually hidden, behind a labelled button.
  var fileInput = el("input", { type: "file", id: "mia-file", "class": "mia-sr mia-file", accept: "image/*,video/*", multiple: "", tabindex: "-1", "aria-hidden": "true" });
  var photoBtn = el("button", { type: "button", "class": "mia-tool mia-photo" });
  var locBtn = el("button", { type: "button", "class": "mia-tool mia-location" });
  // Icons are inline SVG: they show on every device, with or without an emoji font.
  function icon(d) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "22"); svg.setAttribute("height", "22");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d); path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  photoBtn.appendChild(icon("M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 4.5a5 5 0 1 1 0 10 5 5 0 0 1 0-10zm0 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6z"));
  locBtn.appendChild(icon("M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 4.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z"));
  var tools = el("div", { "class": "mia-tools" });
  tools.append(photoBtn, locBtn);
  form.append(tools, label, input, send, fileInput);
  // The chosen files before they are sent, and what went wrong with a file or the location.
  var preview = el("div", { "class": "mia-preview", role: "group" });
  preview.hidden = true;
  var alertBox = el("p", { "class": "mia-alert", role: "alert" });
  alertBox.hidden = true;
  panel.append(head, noticeBox, log, quick, status, preview, alertBox, form);
  root.append(launcher, panel);

  var welcome = null;
  var relabel = []; // rating controls rename themselves when the script changes
  var pending = [], pendingURLs = [];
  // Following a case from any device: its reference and the contact given
  // in the form (POST /cases/follow); no conversation, nothing stored here.
  (function () {
    var box = el("details", { "class": "mia-follow" });
    var sum = el("summary");
    var f = el("form", { "class": "mia-follow-form" });
    var refLabel = el("label", { "for": "mia-follow-ref" });
    var ref = el("input", { id: "mia-follow-ref", name: "ref", autocomplete: "off", maxlength: "40", required: "", placeholder: "SO-KP-2026-000123" });
    var contactLabel = el("label", { "for": "mia-follow-contact" });
    var contact = el("input", { id: "mia-follow-contact", name: "contact", autocomplete: "off", maxlength: "200", required: "" });
    var go = el("button", { type: "submit" });
    var out = el("p", { "class": "mia-follow-out", role: "status", "aria-live": "polite" });
    f.append(refLabel, ref, contactLabel, contact, go);
    box.append(sum, f, out);
    panel.insertBefore(box, form);
    var shown = null; // the last answer's text key, or the case's sentence
    function show(key, text) { shown = key; out.textContent = key ? t(key) : text; }
    relabel.push(function () {
      sum.textContent = t("followOpen"); refLabel.textContent = t("followRef");
      contactLabel.textContent = t("followContact"); go.textContent = t("followSend");
      if (shown) { out.textContent = t(shown); }
    });
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      go.disabled = true;
      show("followWait");
      fetch(api + "/cases/follow", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ ref: ref.value.trim(), contact: contact.value.trim() }) })
        .then(function (r) {
          if (r.ok) { return r.json().then(function (c) { show(null, scriptName === "cyr" ? c.text_cyr || c.text : c.text); }); }
          show(r.status === 404 ? "followNotFound" : r.status === 400 ? "followBad" : r.status === 429 ? "rate" : "error");
        })
        .catch(function () { show("error"); })
        .then(function () { go.disabled = false; });
    });
  })();
  function applyTexts() {
    root.setAttribute("lang", scriptName === "cyr" ? "sr-Cyrl" : "sr-Latn");
    launcher.textContent = t("open");
    // A narrow phone shows only the name; the rest stays in the dialog's
    // accessible name (widget.css hides it visually there).
    var titleParts = t("title").split(" — ");
    title.textContent = titleParts[0];
    if (titleParts.length > 1) { title.appendChild(el("span", { "class": "mia-title-rest" }, " — " + titleParts.slice(1).join(" — "))); }
    scriptBtn.textContent = t("script");
    // The visible word is the accessible name (WCAG 2.5.3, voice control);
    // the longer explanation is a description.
    scriptBtn.setAttribute("title", t("scriptLabel"));
    newBtn.textContent = t("newChat");
    closeBtn.textContent = "×";
    closeBtn.setAttribute("aria-label", t("close"));
    notice.textContent = t("notice");
    noticeMore.textContent = panel.classList.contains("mia-notice-open") ? t("noticeLess") : t("noticeMore");
    label.textContent = t("label");
    input.setAttribute("placeholder", t("placeholder"));
    send.textContent = t("send");
    photoBtn.setAttribute("aria-label", t("photo"));
    photoBtn.setAttribute("title", t("photo"));
    locBtn.setAttribute("aria-label", t("location"));
    locBtn.setAttribute("title", t("location"));
    preview.setAttribute("aria-label", t("chosen"));
    if (pending.length) { showPreview(); }
    quick.setAttribute("aria-label", t("quick"));
    if (welcome) { welcome.body.textContent = t("welcome"); welcome.who.textContent = t("mia"); renderSuggested(); }
    relabel.forEach(function (f) { f(); });
  }
  function setScript(name) { scriptName = name; store.set("script", name); applyTexts(); }

  function open(focus) {
    modal();
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    store.set("open", "1");
    loadHistory();
    liveStart();
    if (focus) { input.focus(); }
  }
  function close() {
    liveStop();
    panel.hidden = true;
    store.del("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) { open(true); } else { close(); } });
  closeBtn.addEventListener("click", close);
  noticeMore.addEventListener("click", function () {
    var opened = panel.classList.toggle("mia-notice-open");
    noticeMore.setAttribute("aria-expanded", String(opened));
    noticeMore.textContent = opened ? t("noticeLess") : t("noticeMore");
  });
  // On a phone the panel covers the page: it is modal there and Tab cycles
  // inside it; beside the page on a wide screen it is not.
  var phone = window.matchMedia ? window.matchMedia("(max-width: 599.98px)") : null;
  function fullScreen() { return !!(phone && phone.matches); }
  function modal() { panel.setAttribute("aria-modal", String(fullScreen())); }
  if (phone && phone.addEventListener) { phone.addEventListener("change", modal); }
  function focusables() {
    return Array.prototype.filter.call(panel.querySelectorAll("button, a[href], textarea, input, [tabindex]"), function (n) {
      return !n.disabled && n.tabIndex >= 0 && n.getClientRects().length > 0;
    });
  }
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { close(); return; }
    if (e.key !== "Tab" || !fullScreen()) { return; }
    var f = focusables();
    if (!f.length) { return; }
    if (e.shiftKey && document.activeElement === f[0]) { e.preventDefault(); f[f.length - 1].focus(); }
    else if (!e.shiftKey && document.activeElement === f[f.length - 1]) { e.preventDefault(); f[0].focus(); }
  });
  scriptBtn.addEventListener("click", function () { chooseScript(scriptName === "cyr" ? "lat" : "cyr"); });
  function startNew() {
    if (convState.caseRef) { store.set("case", convState.caseRef); }
    convState = { form: false, caseRef: "" };
    liveStop(); store.del("token"); token = null; log.textContent = ""; quick.textContent = ""; relabel = []; clearPending(); showAlert(""); addWelcome(); input.focus();
  }
  newBtn.addEventListener("click", function () {
    var warn = convState.caseRef ? t("confirmCase").replace("{1}", convState.caseRef) : convState.form ? t("confirmForm") : "";
    if (!warn) { startNew(); return; }
    askConfirm(warn);
  });

  // One message bubble; text is set through textContent or text nodes only.
  function bubble(role) {
    var b = el("div", { "class": "mia-msg mia-msg-" + role });
    var who = el("span", { "class": "mia-who" }, role === "user" ? t("you") : t("mia"));
    var body = el("span", { "class": "mia-body" });
    b.append(who, body);
    log.appendChild(b);
    log.scrollTop = log.scrollHeight;
    return { node: b, who: who, body: body };
  }
  function addWelcome() { welcome = bubble("assistant"); welcome.body.textContent = t("welcome"); welcome.suggest = !token; renderSuggested(); }

  // First-run help: the municipality's suggested questions as buttons on
  // the welcome (fetched once, both scripts), and the reference of the last
  // case filed in a conversation the citizen left for a new one.
  var suggested = null, suggestFetching = false;
  function renderSuggested() {
    if (!welcome) { return; }
    if (welcome.extra && welcome.extra.parentNode) { welcome.extra.parentNode.removeChild(welcome.extra); }
    welcome.extra = null;
    var box = el("div", { "class": "mia-welcome-extra" });
    var ref = store.get("case");
    if (ref) { box.appendChild(el("p", { "class": "mia-lastcase" }, t("lastCase") + " " + ref)); }
    if (welcome.suggest && suggested && suggested.length) {
      var group = el("div", { "class": "mia-suggest", role: "group", "aria-label": t("suggested") });
      suggested.forEach(function (q) {
        var label = q[scriptName] || q.lat;
        var btn = el("button", { type: "button" }, label);
        btn.addEventListener("click", function () { ask({ text: label }, label); });
        group.appendChild(btn);
      });
      box.appendChild(group);
    } else if (welcome.suggest && suggested === null && !suggestFetching) {
      suggestFetching = true;
      fetch(api + "/welcome", { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw r; } return r.json(); })
        .then(function (d) { suggested = d.suggested || []; }, function () { suggested = []; })
        .then(function () { suggestFetching = false; renderSuggested(); });
    }
    if (box.childNodes.length) { welcome.node.appendChild(box); welcome.extra = box; }
  }

  // What "Novi razgovor" would leave behind: a form not yet sent, or the
  // reference of a case filed here (shown in the question, so it is not lost).
  var convState = { form: false, caseRef: "" };
  function track(r) {
    if (!r) { return; }
    if (r.case_ref) { convState.caseRef = r.case_ref; convState.form = false; return; }
    // A form's open step always offers its cancel button (forms.PayloadCancel);
    // the reply that cancels or files it does not. A question answered aside
    // belongs to no form and leaves the state as it was.
    if (r.form) { convState.form = (r.quick_replies || []).some(function (q) { return q.payload === "form:cancel"; }); }
  }
  var confirmBox = null;
  function closeConfirm() {
    if (confirmBox && confirmBox.parentNode) { confirmBox.parentNode.removeChild(confirmBox); }
    confirmBox = null;
  }
  function askConfirm(text) {
    closeConfirm();
    confirmBox = el("div", { "class": "mia-confirm", role: "alertdialog", "aria-modal": "false", "aria-labelledby": "mia-confirm-text" });
    var yes = el("button", { type: "button", "class": "mia-confirm-yes" }, t("confirmYes"));
    var no = el("button", { type: "button", "class": "mia-confirm-no" }, t("confirmNo"));
    yes.addEventListener("click", function () { closeConfirm(); startNew(); });
    no.addEventListener("click", function () { closeConfirm(); newBtn.focus(); });
    confirmBox.append(el("p", { id: "mia-confirm-text" }, text), yes, no);
    form.parentNode.insertBefore(confirmBox, form);
    no.focus();
  }

  // A reloaded citizen's message: photos and a location are kept as markers.
  function userText(text) {
    var photos = (text.match(/\[prilog\]/g) || []).length, located = /\[lokacija\]/.test(text);
    var out = text.replace(/\s*\[(prilog|lokacija|izbor)\]/g, "").trim();
    if (located) { out = ("📍 " + t("locationSent") + "\n" + out).trim(); }
    if (photos) { out = ("📷 " + t("photoSent") + (photos > 1 ? " (" + photos + ")" : "") + "\n" + out).trim(); }
    return out;
  }
  function staffWho(b, name) {
    b.node.classList.add("mia-msg-staff");
    function label() { b.who.textContent = t("staff") + (name ? " " + name : ""); }
    label();
    relabel.push(label);
  }

  // The script switch is the citizen's choice: kept in this browser and in
  // the conversation, where MIA answers in it from the next message on; the
  // visible history is read again, mirrored by the server.
  function putScript(tok) {
    return fetch(api + "/conversations/" + encodeURIComponent(tok) + "/script", {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify({ script: scriptName })
    }).then(function (r) { return r.ok; }, function () { return false; });
  }
  // Until the citizen picks a script, the widget follows the one they
  // write in, as MIA's replies do, without remembering it.
  function followTyped(text) {
    if (store.get("script")) { return; }
    var typed = /[\u0400-\u04FF]/.test(text) ? "cyr" : /[A-Za-zčćžšđČĆŽŠĐ]/.test(text) ? "lat" : scriptName;
    if (typed !== scriptName) { scriptName = typed; applyTexts(); }
  }
  function chooseScript(name) {
    setScript(name);
    if (!token) { return; } // a new conversation takes the choice when it starts
    var tok = token;
    putScript(tok).then(function (ok) {
      if (ok && tok === token && !busy && !panel.hidden) {
        log.textContent = ""; quick.textContent = ""; relabel = []; historyLoaded = false; loadHistory();
      }
    });
  }

  // Renders answer text with [n] markers as links to the cited passages.
  function renderText(target, text, cites) {
    target.textContent = "";
    var re = /\[(\d+)\]/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      target.appendChild(document.createTextNode(text.slice(last, m.index)));
      var c = cites[m[1]];
      if (c) {
        var a = el("a", { href: base + c.href, target: "_blank", rel: "noopener" }, m[0]);
        a.setAttribute("aria-label", t("sources") + " " + m[1] + ": " + (c.title || c.source));
        target.appendChild(a);
      } else {
        target.appendChild(document.createTextNode(m[0]));
      }
      last = re.lastIndex;
    }
    target.appendChild(document.createTextNode(text.slice(last)));
  }
  // dateText writes the day of an RFC 3339 time as in Serbian, "3. 12. 2026.",
  // in the city's time zone; "" when the browser cannot read it.
  function dateText(iso) {
    var d = new Date(iso), p = {};
    if (isNaN(d.getTime())) { return ""; }
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Belgrade", year: "numeric", month: "numeric", day: "numeric" })
        .formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    } catch (e) { p = { day: d.getDate(), month: d.getMonth() + 1, year: d.getFullYear() }; }
    return Number(p.day) + ". " + Number(p.month) + ". " + p.year + ".";
  }
  function renderSources(b, list) {
    if (!list.length) { return; }
    var ol = el("ol", { "class": "mia-sources", "aria-label": t("sources") });
    list.forEach(function (c) {
      var li = el("li", { value: String(c.n) });
      li.appendChild(el("a", { href: base + c.href, target: "_blank", rel: "noopener" }, c.title || c.source));
      var day = c.updated_at && dateText(c.updated_at);
      if (day) { li.appendChild(el("span", { "class": "mia-changed" }, t("changed") + " " + day)); }
      ol.appendChild(li);
    });
    b.node.appendChild(ol);
  }
  function renderQuick(list) {
    quick.textContent = "";
    (list || []).forEach(function (q) {
      var btn = el("button", { type: "button" }, q.label);
      btn.addEventListener("click", function () {
        var had = document.activeElement === btn;
        ask({ payload: q.payload }, q.label);
        // The buttons go with the question they answer: focus stays in the
        // chat, on the conversation, instead of falling to the page.
        if (had && !btn.isConnected) { log.focus(); }
      });
      quick.appendChild(btn);
    });
  }

  // Photos and video chosen but not yet sent: a preview with a remove button.
  function clearPending() {
    pendingURLs.forEach(function (u) { URL.revokeObjectURL(u); });
    pending = []; pendingURLs = [];
    fileInput.value = "";
    preview.textContent = ""; preview.hidden = true;
  }
  function showPreview() {
    pendingURLs.forEach(function (u) { URL.revokeObjectURL(u); });
    pendingURLs = [];
    preview.textContent = "";
    pending.forEach(function (f) {
      var item = el("figure", { "class": "mia-thumb" });
      if (/^image\//.test(f.type) && window.createImageBitmap) {
        // Drawn on a canvas, not shown from a blob: URL, so the host page's
        // img-src need not allow blob:.
        var c = el("canvas", { role: "img", "aria-label": t("previewAlt") + " " + f.name, width: "84", height: "84" });
        createImageBitmap(f).then(function (bmp) {
          var s = Math.min(1, 168 / Math.max(bmp.width, bmp.height));
          c.width = Math.max(1, Math.round(bmp.width * s)); c.height = Math.max(1, Math.round(bmp.height * s));
          c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
          if (bmp.close) { bmp.close(); }
          c.setAttribute("data-ready", "true");
        }).catch(function () { c.hidden = true; });
        item.appendChild(c);
      } else if (/^image\//.test(f.type)) {
        var u = URL.createObjectURL(f);
        pendingURLs.push(u);
        item.appendChild(el("img", { src: u, alt: t("previewAlt") + " " + f.name }));
      } else {
        item.appendChild(el("span", { "class": "mia-thumb-video", "aria-hidden": "true" }, "🎬"));
      }
      item.appendChild(el("figcaption", {}, f.name));
      preview.appendChild(item);
    });
    var remove = el("button", { type: "button", "class": "mia-remove" }, t("remove"));
    remove.addEventListener("click", function () { clearPending(); photoBtn.focus(); });
    preview.appendChild(remove);
    preview.hidden = false;
  }
  function showAlert(text) { alertBox.textContent = text; alertBox.hidden = !text; }
  photoBtn.addEventListener("click", function () { showAlert(""); fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(fileInput.files || []);
    if (!files.length) { return; }
    if (files.length > 5) { showAlert(t("tooMany")); files = files.slice(0, 5); }
    else { showAlert(""); }
    pending = files;
    showPreview();
    send.focus();
  });
  locBtn.addEventListener("click", function () {
    if (busy) { return; }
    showAlert("");
    if (!navigator.geolocation || !window.isSecureContext) { showAlert(t("geoUnavailable")); return; }
    status.textContent = t("locating");
    navigator.geolocation.getCurrentPosition(function (pos) {
      status.textContent = "";
      ask({ location: { lat: pos.coords.latitude, lon: pos.coords.longitude } }, "📍 " + t("locationSent"));
    }, function (err) {
      status.textContent = "";
      showAlert(err && err.code === 1 ? t("geoDenied") : t("geoUnavailable"));
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  // What a user bubble says for the files it sent.
  function filesLabel(files) {
    var videos = files.filter(function (f) { return /^video\//.test(f.type); }).length;
    var label = videos === files.length ? "🎬 " + t("videoSent") : "📷 " + t("photoSent");
    return files.length > 1 ? label + " (" + files.length + ")" : label;
  }

  // 👍/👎 under an answer and, after 👎, an optional reason. A vote is sent
  // as soon as it is given; another click replaces it on the server.
  var THUMB = "M2 10h4v11H2zM8 10.5 13 3c1.4 0 2.3 1.2 2 2.6L14.3 9H20a2 2 0 0 1 2 2.2l-1.3 7.6A2.6 2.6 0 0 1 18.1 21H8z";
  var REASONS = [["wrong", "reasonWrong"], ["outdated", "reasonOutdated"], ["not_understood", "reasonNotUnderstood"], ["other", "reasonOther"]];
  // rated is the vote already given ("up", "down"; a reloaded history).
  function addRating(b, id, rated) {
    var box = el("div", { "class": "mia-rate" });
    var group = el("div", { role: "group", "class": "mia-rate-buttons" });
    var up = el("button", { type: "button", "class": "mia-up", "aria-pressed": "false", "data-rating": "up" });
    var down = el("button", { type: "button", "class": "mia-down", "aria-pressed": "false", "data-rating": "down" });
    up.appendChild(icon(THUMB)); down.appendChild(icon(THUMB));
    var question = el("span", { "class": "mia-rate-q", id: "mia-rate-q-" + id });
    group.setAttribute("aria-labelledby", question.id);
    group.append(question, up, down);
    var reason = el("form", { "class": "mia-reason" });
    reason.hidden = true;
    var fs = el("fieldset");
    var legend = el("legend");
    fs.appendChild(legend);
    var radios = REASONS.map(function (r) {
      var rid = "mia-reason-" + id + "-" + r[0];
      var radio = el("input", { type: "radio", name: "mia-reason-" + id, id: rid, value: r[0] });
      var lab = el("label", { "for": rid });
      var row = el("div", { "class": "mia-reason-row" });
      row.append(radio, lab);
      fs.appendChild(row);
      return { key: r[1], label: lab };
    });
    var cid = "mia-comment-" + id;
    var clab = el("label", { "for": cid, "class": "mia-comment-label" });
    var comment = el("textarea", { id: cid, rows: "2", maxlength: "1000", "class": "mia-comment" });
    var sendReason = el("button", { type: "submit", "class": "mia-reason-send" });
    fs.append(clab, comment);
    reason.append(fs, sendReason);
    var note = el("p", { "class": "mia-rate-note", role: "status" });
    box.append(group, reason, note);
    b.node.appendChild(box);
    function labels() {
      question.textContent = t("rateQuestion");
      up.setAttribute("aria-label", t("rateUp")); up.setAttribute("title", t("rateUp"));
      down.setAttribute("aria-label", t("rateDown")); down.setAttribute("title", t("rateDown"));
      legend.textContent = t("reasonLegend");
      radios.forEach(function (r) { r.label.textContent = t(r.key); });
      clab.textContent = t("reasonComment");
      sendReason.textContent = t("reasonSend");
      if (note.getAttribute("data-key")) { note.textContent = t(note.getAttribute("data-key")); }
    }
    function say(key) { note.setAttribute("data-key", key); note.textContent = t(key); }
    labels();
    relabel.push(labels);
    function vote(body, done) {
      body.message_id = id;
      return fetch(api + "/conversations/" + encodeURIComponent(token) + "/feedback", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) { throw r; }
        done();
        // A second 👎 in the conversation: a person is offered.
        if (r.status === 200) {
          return r.json().then(function (d) {
            if (d.offer_person && !busy) { renderQuick([{ label: t("talkToPerson"), payload: "handover:" }]); }
          });
        }
      }).catch(function () { say("rateFailed"); });
    }
    function rate(rating) {
      vote({ rating: rating }, function () {
        up.setAttribute("aria-pressed", String(rating === "up"));
        down.setAttribute("aria-pressed", String(rating === "down"));
        reason.hidden = rating !== "down";
        say(rating === "down" ? "rateDownThanks" : "rateThanks");
      });
    }
    if (rated === "up" || rated === "down") {
      up.setAttribute("aria-pressed", String(rated === "up"));
      down.setAttribute("aria-pressed", String(rated === "down"));
    }
    up.addEventListener("click", function () { rate("up"); });
    down.addEventListener("click", function () { rate("down"); });
    reason.addEventListener("submit", function (e) {
      e.preventDefault();
      var picked = reason.querySelector("input:checked");
      vote({ rating: "down", reason: picked ? picked.value : "", comment: comment.value.trim() }, function () {
        reason.hidden = true;
        say("reasonThanks");
        down.focus();
      });
    });
  }

  var token = store.get("token");
  var historyLoaded = false, busy = false;

  // While the chat is open, what reaches the conversation outside the
  // citizen's turns (a staff member's reply, a handover step, a case's
  // status) arrives live over the conversation's event stream; EventSource
  // reconnects by itself and resumes after the last notice it saw.
  var live = null;
  function liveStart() {
    if (live || !token || panel.hidden || typeof EventSource === "undefined") { return; }
    live = new EventSource(api + "/conversations/" + encodeURIComponent(token) + "/events");
    live.addEventListener("notice", function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (x) { return; }
      var b = bubble("assistant");
      if (d.from === "staff") {
        b.node.classList.add("mia-msg-staff");
        var name = d.staff_name || "";
        b.who.textContent = t("staff") + (name ? " " + name : "");
        relabel.push(function () { b.who.textContent = t("staff") + (name ? " " + name : ""); });
      }
      renderText(b.body, d.text, {});
      if (d.quick_replies && d.quick_replies.length && !busy) { renderQuick(d.quick_replies); }
      log.scrollTop = log.scrollHeight;
    });
    live.addEventListener("handover", function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (x) { return; }
      root.setAttribute("data-handover", d.status || "");
    });
  }
  function liveStop() { if (live) { live.close(); live = null; } }

  function loadHistory() {
    if (historyLoaded) { return; }
    historyLoaded = true;
    addWelcome();
    if (!token) { return; }
    fetch(api + "/conversations/" + encodeURIComponent(token) + "/messages", { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw r; } return r.json(); })
      .then(function (data) {
        var msgs = data.messages || [];
        if (data.script && data.script !== scriptName) { setScript(data.script); }
        else if (!data.script) { msgs.forEach(function (m) { if (m.role === "user") { followTyped(userText(m.text)); } }); }
        if (!msgs.length) { welcome.suggest = true; renderSuggested(); }
        msgs.forEach(function (m) {
          var b = bubble(m.role === "user" ? "user" : "assistant");
          if (m.role === "user") {
            var shown = userText(m.text);
            // A button, a location or a photo is kept without words.
            if (!shown) { b.body.textContent = t("noText"); b.node.classList.add("mia-msg-notext"); return; }
            b.body.textContent = shown;
            return;
          }
          if (m.from === "staff") { staffWho(b, m.staff_name || ""); }
          var cites = {};
          (m.citations || []).forEach(function (c) { cites[c.n] = c; });
          renderText(b.body, m.text, cites);
          renderSources(b, m.citations || []);
          if (m.rate) { addRating(b, m.id, m.rated); }
          track(m);
        });
        // The buttons of the last answer still apply; older ones do not.
        var last = msgs[msgs.length - 1];
        if (last && last.role === "assistant" && !busy) { renderQuick(last.quick_replies); }
        log.scrollTop = log.scrollHeight;
      })
      .catch(function () { store.del("token"); token = null; });
  }

  function conversation() {
    if (token) { return Promise.resolve(token); }
    return fetch(api + "/conversations", { method: "POST", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw r; } return r.json(); })
      .then(function (d) {
        token = d.token; store.set("token", token);
        // A script chosen earlier in this browser holds for the new conversation too.
        return store.get("script") ? putScript(token).then(function () { return token; }) : token;
      });
  }

  function errorText(res, upload) {
    if (res && res.status === 429) { return t("rate"); }
    if (res && res.status === 413) { return upload ? t("fileTooBig") : t("tooLong"); }
    if (res && res.status === 409 && upload) { return t("mediaNoForm"); }
    if (res && res.status === 503 && upload) { return t("uploadBusy"); }
    return t("error");
  }

  function ask(body, shown) {
    if (busy) { return; }
    busy = true; send.disabled = true; photoBtn.disabled = true; locBtn.disabled = true;
    var upload = typeof FormData !== "undefined" && body instanceof FormData;
    renderQuick([]);
    var u = bubble("user");
    u.body.textContent = shown;
    if (body.text) { followTyped(body.text); }
    var a = bubble("assistant");
    var text = "", cites = {}, list = [];
    log.setAttribute("aria-busy", "true");
    status.textContent = t("typing");
    function finish() {
      busy = false; send.disabled = false; photoBtn.disabled = false; locBtn.disabled = false;
      log.setAttribute("aria-busy", "false");
      a.node.setAttribute("data-done", "true");
      status.textContent = t("answered");
      log.scrollTop = log.scrollHeight;
    }
    function handle(event, data) {
      if (event === "delta") { text += data.text || ""; renderText(a.body, text, cites); }
      else if (event === "replace") { text = data.text || ""; renderText(a.body, text, cites); }
      else if (event === "citation" && data.citation) { cites[data.citation.n] = data.citation; list.push(data.citation); renderText(a.body, text, cites); }
      else if (event === "quick_replies") { renderQuick(data.quick_replies); }
      else if (event === "done" && data.reply) {
        text = data.reply.text; cites = {}; list = data.reply.citations || [];
        list.forEach(function (c) { cites[c.n] = c; });
        renderText(a.body, text, cites);
        renderSources(a, list);
        renderQuick(data.reply.quick_replies);
        track(data.reply);
        // Relayed to the staff member holding the conversation: MIA is silent.
        if (!text && a.node.parentNode) { a.node.parentNode.removeChild(a.node); }
        liveStart();
      } else if (event === "feedback" && data.message_id) { addRating(a, data.message_id); }
      else if (event === "error") { a.body.textContent = t("error"); }
      log.scrollTop = log.scrollHeight;
    }
    conversation().then(function (tok) {
      // FormData sets its own multipart Content-Type with the boundary.
      return fetch(api + "/conversations/" + encodeURIComponent(tok) + "/messages", upload ? {
        method: "POST", headers: { Accept: "text/event-stream" }, body: body
      } : {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "text/event-stream" }, body: JSON.stringify(body)
      });
    }).then(function (res) {
      if (res.status === 404) { store.del("token"); token = null; }
      if (!res.ok || !res.body) { throw res; }
      var reader = res.body.getReader(), dec = new TextDecoder(), buf = "";
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) { return; }
          buf += dec.decode(r.value, { stream: true }).replace(/\r\n/g, "\n");
          var i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            var raw = buf.slice(0, i), event = "message", data = "";
            buf = buf.slice(i + 2);
            raw.split("\n").forEach(function (line) {
              if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
              else if (line.indexOf("data:") === 0) { data += line.slice(5).replace(/^ /, ""); }
            });
            if (data) { try { handle(event, JSON.parse(data)); } catch (e) { /* a malformed event is skipped */ } }
          }
          return pump();
        });
      }
      return pump();
    }).then(finish, function (err) { a.body.textContent = errorText(err, upload); finish(); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (busy || (!q && !pending.length)) { return; }
    input.value = "";
    if (pending.length) {
      var fd = new FormData();
      if (q) { fd.append("text", q); }
      pending.forEach(function (f) { fd.append("file", f, f.name); });
      var shown = filesLabel(pending) + (q ? "\n" + q : "");
      clearPending();
      ask(fd, shown);
    } else {
      ask({ text: q }, q);
    }
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
  });

  applyTexts();
  function mount() { document.body.appendChild(root); if (token && store.get("open")) { open(false); } }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
