/* MIA back office: keeps the handover pages live without a reload. The
   queue reloads itself every few seconds; a conversation polls its new
   messages and reloads when its status changes (taken, handed back,
   closed, the citizen left). Text goes in through textContent only. */
(function () {
  "use strict";
  var queue = document.getElementById("handover-queue");
  if (queue) {
    var secs = Number(queue.getAttribute("data-refresh")) || 10;
    setTimeout(function () { window.location.reload(); }, secs * 1000);
    return;
  }
  var chat = document.getElementById("chat");
  if (!chat) { return; }
  var id = chat.getAttribute("data-handover");
  var after = chat.getAttribute("data-after") || "0";
  var status = chat.getAttribute("data-status");
  var text = document.getElementById("reply-text");
  if (text && window.location.hash === "#reply") { text.focus(); }
  function who(m) {
    if (m.from === "citizen") { return "Građanin"; }
    if (m.from === "staff") { return m.staff_name || "Službenik"; }
    return "MIA";
  }
  function poll() {
    fetch("/staff/handovers/" + encodeURIComponent(id) + "/messages?after=" + encodeURIComponent(after),
      { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw r; } return r.json(); })
      .then(function (d) {
        d.messages.forEach(function (m) {
          var li = document.createElement("li");
          li.className = "line-" + m.from;
          var b = document.createElement("strong");
          b.textContent = who(m) + ":";
          li.appendChild(b);
          li.appendChild(document.createTextNode(" " + m.text));
          chat.appendChild(li);
          after = String(m.id);
        });
        // A status change changes what the page offers; keep typed text.
        if (d.status !== status && !(text && text.value.trim())) { window.location.reload(); return; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
