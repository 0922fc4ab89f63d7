// The API's documentation page: Swagger UI, loaded from the vendored bundle, reads openapi.json.
// A script file rather than an inline one: the Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: false,
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    syntaxHighlight: false,
  });
})();
