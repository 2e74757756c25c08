// Copy buttons (progressive enhancement): a <button data-copy="<input id>" hidden> is shown and,
// when pressed, copies that input's value to the clipboard. Without JavaScript the button stays
// hidden and the read-only input is there to select. data-copy-status names an element (a
// role="status" region) that says what happened.
(function () {
  "use strict";

  function say(button, text) {
    var id = button.getAttribute("data-copy-status");
    var status = id ? document.getElementById(id) : null;
    if (status) {
      status.textContent = text;
    }
  }

  function fallback(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) {
      return;
    }
    var done = function () { say(button, "Copied to the clipboard."); };
    var manual = function () {
      if (fallback(input)) {
        done();
      } else {
        say(button, "Copying is not allowed here: the address is selected, copy it by hand.");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, manual);
    } else {
      manual();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        copy(event.currentTarget);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
