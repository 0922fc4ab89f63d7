// Drag and drop on the needs board. Without JavaScript, each card's form does the same.
(function () {
  "use strict";
  var board = document.querySelector(".need-board");
  if (!board) return;
  var csrf = board.getAttribute("data-csrf");
  var errorBox = document.getElementById("board-error");
  var dragged = null;

  function showError(message) {
    errorBox.querySelector("p").textContent = message;
    errorBox.hidden = false;
  }

  function updateCount(column, delta) {
    var badge = column.querySelector("[data-count]");
    badge.textContent = String(parseInt(badge.textContent, 10) + delta);
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest(".need-card");
    if (!card) return;
    dragged = card;
    card.classList.add("need-card--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-need-id"));
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("need-card--dragging");
    board.querySelectorAll(".need-board__column--over").forEach(function (column) {
      column.classList.remove("need-board__column--over");
    });
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest(".need-board__column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("need-board__column--over");
  });

  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest(".need-board__column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("need-board__column--over");
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".need-board__column");
    if (!column || !dragged) return;
    event.preventDefault();
    var card = dragged;
    var source = card.closest(".need-board__column");
    if (source === column) return;
    if (column.getAttribute("data-open") !== "true") {
      // Closing needs an outcome (positions filled, reason): the need's page asks for it.
      window.location.href = card.getAttribute("data-detail-url") + "#close-form";
      return;
    }
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    body.set("version", card.getAttribute("data-version"));
    body.set("status", column.getAttribute("data-status"));
    fetch(card.getAttribute("data-move-url"), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "Le déplacement a échoué.");
          return data;
        });
      })
      .then(function (data) {
        errorBox.hidden = true;
        card.setAttribute("data-version", String(data.version));
        var select = card.querySelector("select[name=status]");
        if (select) select.value = data.status;
        var versionInput = card.querySelector("input[name=version]");
        if (versionInput) versionInput.value = String(data.version);
        var list = column.querySelector(".need-board__cards");
        var empty = list.querySelector(".need-board__empty");
        if (empty) empty.remove();
        list.appendChild(card);
        updateCount(source, -1);
        updateCount(column, 1);
        card.focus();
      })
      .catch(function (error) {
        showError(error.message);
      });
  });
})();
