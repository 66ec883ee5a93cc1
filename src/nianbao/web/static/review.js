// Keyboard shortcuts of a report page's review panel: j / k next / previous finding, c 确认,
// f 误报, n 不适用 (误报 and 不适用 first ask for the reason: type it, Enter sends). Enter in a reason
// field never sends a decision by itself (the form's first button would be 确认).
(function () {
  var current = 0;
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

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && t.name === "reason" && e.key === "Enter") {
      e.preventDefault();
      if (t.dataset.pending) decide(t.closest("tr"), t.dataset.pending);
      return;
    }
    if (!t || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
    var rs = rows();
    if (!rs.length) return;
    if (e.key === "j" || e.key === "k") {
      mark(current + (e.key === "j" ? 1 : -1));
      e.preventDefault();
    } else if (NAMES[e.key]) {
      var row = rs[current], value = NAMES[e.key];
      var reason = row.querySelector('input[name="reason"]');
      e.preventDefault();
      if (value !== "确认" && reason && !reason.value.trim()) {
        reason.dataset.pending = value;
        reason.placeholder = "填写「" + value + "」的理由后按回车";
        reason.focus();
        return;
      }
      decide(row, value);
    }
  });

  document.addEventListener("htmx:afterSettle", function () { mark(current); });
})();
