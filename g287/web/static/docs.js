// Starts Swagger UI (installed from PyPI with fastapi-offline) on the API's OpenAPI document.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: target.getAttribute("data-openapi"), dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });  // no badge from validator.swagger.io: the site loads nothing from elsewhere
})();
