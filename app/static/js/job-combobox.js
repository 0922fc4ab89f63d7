// The need form's "Métier" field as an ARIA 1.2 combobox with a listbox popup: typing asks
// /referentiel/metiers, arrows move through the titles, Enter picks one (its code goes to the
// hidden job_title_code, its ROME code is shown), Escape closes. A file: the CSP forbids inline
// scripts. Without it the field stays a plain text field that the server resolves.
(function () {
  "use strict";
  const box = document.querySelector("[data-job-combobox]");
  if (!box) return;
  const input = box.querySelector("input[type=text], input:not([type])");
  const listbox = box.querySelector("[role=listbox]");
  const status = box.querySelector("[role=status]");
  const romeCode = box.querySelector("[data-job-rome-code]");
  const hidden = document.querySelector("[data-job-title-code]");
  if (!input || !listbox || !hidden) return;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);

  let results = [];
  let active = -1;
  let timer = null;
  let pending = null;

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    const options = listbox.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(index) {
    const title = results[index];
    if (!title) return;
    input.value = title.label;
    hidden.value = title.code;
    romeCode.textContent = "Code ROME : " + title.rome_code;
    close();
  }

  function render() {
    listbox.replaceChildren();
    results.forEach((title, i) => {
      const option = document.createElement("li");
      option.id = "job-title-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = title.label + " (" + title.rome_code + ")";
      // mousedown, not click: the input keeps the focus.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(i);
      });
      listbox.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    const count = results.length;
    status.textContent =
      count === 0 ? "Aucun métier trouvé." : count === 1 ? "1 métier trouvé." : count + " métiers trouvés.";
    listbox.hidden = count === 0;
    input.setAttribute("aria-expanded", count === 0 ? "false" : "true");
  }

  function search() {
    const query = input.value.trim();
    if (query.length < 2) {
      results = [];
      listbox.replaceChildren();
      status.textContent = "";
      close();
      return;
    }
    if (pending) pending.abort();
    pending = new AbortController();
    const url = box.dataset.source + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: pending.signal })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        results = data.results || [];
        render();
      })
      .catch(() => {});
  }

  input.addEventListener("input", () => {
    // A changed text no longer names the picked title: the server resolves what is typed.
    hidden.value = "";
    romeCode.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 150);
  });

  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && results.length > 0;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) {
        if (results.length) render();
        else search();
        return;
      }
      setActive(active < results.length - 1 ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      setActive(active > 0 ? active - 1 : results.length - 1);
    } else if (event.key === "Enter") {
      if (open && active >= 0) {
        event.preventDefault(); // picks the title instead of submitting the form
        pick(active);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("blur", close);
})();
