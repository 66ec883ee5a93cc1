// Keyboard shortcuts of a report page's review panel: j / k next / previous finding, c 确认,
// f 误报, n 不适用 (误报 and 不适用 first ask for the reason: type it, Enter sends). Enter in a reason
// field never sends a decision by itself (the form's first button would be 确认). A key pressed
// while the panel is being replaced waits for the new panel (its forms are live only then); keys
// pressed meanwhile run in order once it is there.
(function () {
  var current = 0, busy = false, queued = [];
  var NAMES = { c: "确认", f: "误报", n: "不适用" };

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#review tr[id^=rf]"));
  }

  function mark(i) {
    var rs = rows();
    if (!rs.length) return;
    current = Math.max(0, Math.min(i, rs.length - 1));
    rs.forEach(function (r, k) { r.classList.toggle("current", k === current); });
    rs[current].scrollIntoView({ block: "nearest" });
  }

  function decide(row, value) {
    var btn = row.querySelector('button[value="' + value + '"]');
    if (btn) btn.click();
  }

  function handle(key) {
    var rs = rows();
    if (!rs.length) return false;
    if (key === "j" || key === "k") {
      mark(current + (key === "j" ? 1 : -1));
      return true;
    }
    if (!NAMES[key]) return false;
    var row = rs[current], value = NAMES[key];
    var reason = row.querySelector('input[name="reason"]');
    if (value !== "确认" && reason && !reason.value.trim()) {
      reason.dataset.pending = value;
      reason.placeholder = "填写「" + value + "」的理由后按回车";
      reason.focus();
      return true;
    }
    decide(row, value);
    return true;
  }

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && t.name === "reason" && e.key === "Enter") {
      e.preventDefault();
      if (t.dataset.pending && !busy) decide(t.closest("tr"), t.dataset.pending);
      return;
    }
    if (!t || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (busy) {
      if ("jkcfn".indexOf(e.key) >= 0) { queued.push(e.key); e.preventDefault(); }
      return;
    }
    if (handle(e.key)) e.preventDefault();
  });

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.target.closest && e.target.closest("#review")) busy = true;
  });
  // htmx copies the old rows' classes onto the new ones until it settles: unmark them first, so the
  // new panel never shows a stale "current" row (the row marked is the one after the queued keys)
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.target.closest && e.target.closest("#review")) {
      rows().forEach(function (r) { r.classList.remove("current"); });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    busy = false;
    mark(current);
    // every key pressed meanwhile, in order ("j" then "f" must not become just "f"); a key that sends
    // a decision makes the panel busy again, and the rest wait for its new panel
    while (queued.length && !busy) handle(queued.shift());
  });
  document.addEventListener("htmx:responseError", function () { busy = false; });
})();
