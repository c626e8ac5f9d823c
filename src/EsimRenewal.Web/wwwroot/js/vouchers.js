// Small enhancements for the voucher pages; everything works without them. No inline script: the CSP forbids it.
(function () {
  // Buttons marked data-print open the browser's print dialog (staff confirmation slip).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // An element with data-refresh-seconds reloads the page while a batch is being generated.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh-seconds"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
