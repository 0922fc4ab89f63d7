// Reloads a page that shows work in progress (an import), every data-refresh-seconds,
// until the server renders it without that attribute. A file: the CSP forbids inline scripts.
const refreshing = document.querySelector("[data-refresh-seconds]");
if (refreshing) {
  window.setTimeout(() => window.location.reload(), Number(refreshing.dataset.refreshSeconds) * 1000);
}
