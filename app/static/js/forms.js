// Forms (app/templates/macros.html): the error summary takes the focus and its links move it to
// the field; a long checkbox list gets its filter box. Without JavaScript the summary is still
// read first (autofocus) and every checkbox shows.
(function () {
  "use strict";

  const summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    // The label (or the legend) above the field stays in sight: it says what to type.
    const label = document.querySelector("label[for='" + target.id + "']");
    const legend = target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
    (legend || label || target).scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });

  const fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  };

  document.querySelectorAll("[data-checkbox-filter]").forEach(function (group) {
    const input = group.querySelector("input");
    const count = group.querySelector("[data-checkbox-filter-count]");
    const options = document.getElementById(input.getAttribute("aria-controls")).querySelectorAll("[data-option]");
    group.hidden = false;
    input.addEventListener("input", function () {
      const wanted = fold(input.value);
      let shown = 0;
      options.forEach(function (option) {
        const match = !wanted || fold(option.textContent).includes(wanted);
        option.hidden = !match;
        shown += match ? 1 : 0;
      });
      count.textContent = wanted ? shown + (shown > 1 ? " options affichées" : " option affichée") : "";
    });
  });
})();
