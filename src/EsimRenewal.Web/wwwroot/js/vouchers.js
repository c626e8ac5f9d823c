// Small enhancements for the voucher batch pages; everything works without them. No inline script: the CSP forbids it.
(function () {
  // An element with data-refresh-seconds reloads the page while a batch is being generated.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh-seconds"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
