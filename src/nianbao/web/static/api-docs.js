// The OpenAPI browser (bundled swagger-ui), started from a file so the page needs no inline script.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                           presets: [window.SwaggerUIBundle.presets.apis], layout: "BaseLayout" });
});
