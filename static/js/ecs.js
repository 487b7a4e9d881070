/* The portal's page behaviours, each switched on by a data attribute in the page (no script is written inline). */
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

function each(selector, callback, root) {
  Array.prototype.forEach.call((root || document).querySelectorAll(selector), callback);
}

/* Employees: the header box ticks or clears every employee on the page. */
each("[data-select-all]", function (all) {
  all.addEventListener("change", function () {
    each("input[name=employment]", function (box) { box.checked = all.checked; });
  });
});

/* User permissions: a bundle box ticks or clears its flags; clearing one flag clears the bundle box. */
each("[data-bundle-group]", function (group) {
  var bundle = group.querySelector("[data-bundle]");
  var flags = group.querySelectorAll("input[type=checkbox]:not([data-bundle])");
  bundle.addEventListener("change", function () { flags.forEach(function (f) { f.checked = bundle.checked; }); });
  flags.forEach(function (f) {
    f.addEventListener("change", function () {
      bundle.checked = Array.prototype.every.call(flags, function (x) { return x.checked; });
    });
  });
});

/* Applications requiring attention: the buttons say how many applications are ticked. */
each("[data-count-form]", function (form) {
  var boxes = form.querySelectorAll("input[name=application]");
  function update() {
    var n = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    each("[data-count]", function (c) { c.textContent = n; }, form);
  }
  var all = form.querySelector("[data-check-all]");
  if (all) all.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = all.checked; }); update(); });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
});

/* The HS&E options: show only the questions of the chosen option (without script they are all shown). */
each("[data-hse-route]", function (group) {
  var inputs = group.querySelectorAll("input[type=radio]");
  function sync() {
    inputs.forEach(function (input) {
      var target = input.getAttribute("data-reveals") && document.getElementById(input.getAttribute("data-reveals"));
      if (target) { target.classList.toggle("govuk-radios__conditional--hidden", !input.checked); }
    });
  }
  inputs.forEach(function (input) { input.addEventListener("change", sync); });
  sync();
});

/* Documents being read: ask how many are still being read; reload once none is. */
each("[data-reading-status]", function (region) {
  var url = region.getAttribute("data-reading-status");
  var wait = Number(region.getAttribute("data-poll-seconds")) * 1000;
  var tries = 0;
  function look() {
    tries += 1;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (data.reading === 0) { window.location.reload(); return; }
        region.querySelector("[data-progress]").textContent = "Still reading and checking " + data.reading + (data.reading === 1 ? " document" : " documents") + "…";
        var note = region.querySelector("[data-progress-note]");
        if (note && data.note) { note.textContent = data.note; }
        setTimeout(look, wait);
      })
      .catch(function () { if (tries < 100) { setTimeout(look, wait * 2); } });
  }
  setTimeout(look, wait);
});

/* A card payment in progress: ask every 2 seconds whether the payment service has confirmed it; then show the order. */
each("[data-order-status-url]", function (element) {
  var url = element.getAttribute("data-order-status-url");
  var status = element.getAttribute("data-order-status");
  var poll = setInterval(function () {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) { if (data && data.status !== status) { clearInterval(poll); window.location.reload(); } })
      .catch(function () {});
  }, 2000);
});

/* Toolbar drop-downs (<details> menus, usable without script): one open at a time; Escape or a click elsewhere
   closes them, Escape returning the focus to the menu's button. */
(function () {
  var menus = document.querySelectorAll("[data-nav-menu]");
  if (!menus.length) return;
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (!menu.open) return;
      var inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
})();

/* Employees: the ticks are kept in the session. The count on START APPLICATIONS follows the ticks, and moving to
   another page sends this page's ticks first (without script, "Keep these ticks" does it). */
each("[data-selection-form]", function (form) {
  var elsewhere = Number(form.getAttribute("data-chosen-elsewhere")) || 0;
  function update() {
    var ticked = form.querySelectorAll("input[name=employment]:checked").length;
    each("[data-chosen-count]", function (c) { c.textContent = elsewhere + ticked; }, form);
  }
  form.addEventListener("change", function () { setTimeout(update, 0); });
  each("[data-select-all]", function (all) { all.addEventListener("change", update); }, form);
  each("[data-selection-go]", function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var go = document.createElement("input");
      go.type = "hidden";
      go.name = "go";
      go.value = link.getAttribute("data-selection-go");
      form.appendChild(go);
      form.submit();
    });
  });
  update();
});
