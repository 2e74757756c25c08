// The officials' name search on /messages (progressive enhancement): typing in the search box
// hides the officials whose name does not match, without reloading the page, so what was
// checked and written stays. Without JavaScript the search form reloads the page with ?q=.
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var list = document.getElementById("people");
    var status = document.getElementById("people-status");
    if (!form || !input || !list) {
      return;
    }
    var items = list.querySelectorAll("li[data-name]");
    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < items.length; i++) {
        var name = items[i].getAttribute("data-name");
        var match = words.every(function (w) { return name.indexOf(w) !== -1; });
        items[i].hidden = !match;
        if (match) {
          shown++;
        }
      }
      if (status) {
        status.hidden = words.length === 0;
        status.textContent = words.length ? shown + " of " + items.length + " officials shown" : "";
      }
    }
    input.addEventListener("input", filter);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      filter();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
