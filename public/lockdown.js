// Loaded on every page before the page's own script. htmx 4 has no allowEval / allowScriptTags
// switches; this extension removes what they would: htmx's Function constructors throw and
// swapped-in <script> tags lose their code. (The CSP forbids both as well; this makes htmx
// refuse even if the CSP were relaxed.)
(() => {
  "use strict";
  const refuseEval = function () {
    throw new Error("htmx may not evaluate code on this page");
  };
  htmx.registerExtension("lockdown", {
    init(api) {
      api.initSecurity({ createHTML: (html) => html, createScript: () => "" }, refuseEval, refuseEval);
    },
  });
})();
