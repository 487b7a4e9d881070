/* Runs first thing in <body>: GOV.UK Frontend styles its components for script when these classes are present. */
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
