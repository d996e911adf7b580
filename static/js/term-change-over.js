/* The change-over page (admin/deputies/term/change_over.html): "select all" for the continuing
   deputies and a live count of who continues and who leaves. A file, not an inline script, for
   the Content-Security-Policy; the sentence comes translated in the count's data-template. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll('input[name="continuing"]');
  var all = document.getElementById("continuing_all");
  var count = document.getElementById("continuing_count");
  if (!all || !count) {
    return;
  }
  var template = count.getAttribute("data-template") || "";

  function update() {
    var n = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    count.textContent = template.replace("%(n)s", n).replace("%(m)s", boxes.length - n);
    all.checked = n === boxes.length && n > 0;
  }

  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
})();
