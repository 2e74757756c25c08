// Progressive enhancement of the games board (web/templates/board.html): every few seconds,
// read this board again and refresh, in place, each game's slot chips, each day's open-slot
// count and the summary, so that an official's answer shows without a reload. Ticked boxes,
// the filters being typed and the scroll position stay as they are. Without JavaScript the
// board is the same page, current when it is loaded.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Number(board.getAttribute("data-refresh-seconds")) || 10;
  var parts = "#board .chips[id], #board .day-open[id], #board-summary";

  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (answer) {
        return answer.ok ? answer.text() : null;
      })
      .then(function (text) {
        if (!text) {
          return;
        }
        var fresh = new DOMParser().parseFromString(text, "text/html");
        document.querySelectorAll(parts).forEach(function (old) {
          var now = fresh.getElementById(old.id);
          if (now && now.innerHTML !== old.innerHTML) {
            old.innerHTML = now.innerHTML;
          }
        });
      })
      .catch(function () {
        // a failed refresh is retried at the next tick
      });
  }

  window.setInterval(refresh, seconds * 1000);
})();
