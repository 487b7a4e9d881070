/* The back office's page behaviours, each switched on by a data attribute in the page (no script is written inline). */
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

function each(selector, callback, root) {
  Array.prototype.forEach.call((root || document).querySelectorAll(selector), callback);
}

/* A button that asks before it acts: data-confirm="Cancel this case?" */
each("[data-confirm]", function (el) {
  el.addEventListener("click", function (event) {
    if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
  });
});

/* Ticking every row of a list: data-check-all="name" on the header box. */
each("[data-check-all]", function (all) {
  var name = all.getAttribute("data-check-all");
  all.addEventListener("change", function () {
    each("input[name='" + name + "']", function (box) { box.checked = all.checked; });
  });
});

/* Radios that reveal a field only when chosen: data-reveal-for="id_text" data-reveal-values="hold,reject". */
each("[data-reveal-for]", function (group) {
  var target = document.getElementById(group.getAttribute("data-reveal-for"));
  var values = (group.getAttribute("data-reveal-values") || "").split(",");
  if (!target) return;
  var wrapper = target.closest(".govuk-form-group") || target;
  function update() {
    var chosen = group.querySelector("input[type=radio]:checked");
    var show = !chosen || values.indexOf(chosen.value) !== -1 || wrapper.classList.contains("govuk-form-group--error");
    wrapper.hidden = !show;
  }
  each("input[type=radio]", function (r) { r.addEventListener("change", update); }, group);
  update();
});
